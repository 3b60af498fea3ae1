"""Repairs of dlt's local load packages that a killed run can leave half-moved."""

from __future__ import annotations

import logging
import shutil
from collections.abc import Collection
from pathlib import Path
from typing import Any

import dlt
from dlt.common.storages import LoadStorage, NormalizeStorage, PackageStorage
from dlt.destinations.exceptions import DatabaseUndefinedRelation

log = logging.getLogger("pipelines")


def archive_completed_packages(pipeline: dlt.Pipeline) -> list[str]:
    """Move packages that dlt marked completed but was killed before archiving into `loaded/`.

    dlt's load writes the package's completed marker (after recording the load in
    `_dlt_loads`) and then renames the package folder from `normalized/` to `loaded/`. A kill
    between the two leaves a loaded package among the pending ones, and the next `load()`
    refuses it with `LoadPackageAlreadyCompleted`. Its data is already in the destination, so
    finishing the rename is the whole repair. Returns the load ids moved.
    """
    load_dir = Path(pipeline.working_dir) / "load"
    normalized = load_dir / LoadStorage.NORMALIZED_FOLDER
    loaded = load_dir / LoadStorage.LOADED_FOLDER
    moved: list[str] = []
    if not normalized.is_dir():
        return moved
    for package in sorted(normalized.iterdir()):
        if not (package / PackageStorage.PACKAGE_COMPLETED_FILE_NAME).is_file():
            continue
        loaded.mkdir(parents=True, exist_ok=True)
        package.rename(loaded / package.name)
        moved.append(package.name)
        log.warning("load package %s was loaded but not archived; archived it now", package.name)
    return moved


def drop_normalized_leftovers(pipeline: dlt.Pipeline) -> list[str]:
    """Delete the extracted copy of packages whose normalization already committed.

    dlt's normalize writes a package under `load/new/`, renames it to `load/normalized/` (its
    commit) and then deletes the extracted package under `normalize/extracted/`. A kill
    between the rename and the delete leaves the package in both places, and the next
    `normalize()` normalizes it again and fails renaming onto the committed folder
    (`Directory not empty`). The committed package is complete, so the extracted copy (and
    any half-written `load/new/` copy) is what goes. Returns the load ids cleaned.
    """
    working = Path(pipeline.working_dir)
    normalized = working / "load" / LoadStorage.NORMALIZED_FOLDER
    extracted = working / "normalize" / NormalizeStorage.EXTRACTED_FOLDER
    new = working / "load" / LoadStorage.NEW_PACKAGES_FOLDER
    cleaned: list[str] = []
    if not normalized.is_dir():
        return cleaned
    for package in sorted(normalized.iterdir()):
        leftovers = [folder / package.name for folder in (extracted, new)]
        leftovers = [path for path in leftovers if path.is_dir()]
        if not leftovers:
            continue
        for path in leftovers:
            shutil.rmtree(path)
        cleaned.append(package.name)
        log.warning(
            "load package %s was left normalized and extracted; kept the normalized copy",
            package.name,
        )
    return cleaned


def drop_doubled_rows(pipeline: dlt.Pipeline) -> dict[str, int]:
    """Remove rows that a crash-retried load doubled: the same `_dlt_id` twice in a table
    (without `_dlt_id`: the same primary key twice in one load, `_dlt_load_id`).

    dlt's load marks a copy job completed only after its insert committed; a load killed in
    between retries the job and copies its file twice. An appended table (a first load, see
    `pipelines.sources.first_load`) then holds both copies; so does a merged table with child
    tables (dlt inserts the staging rows whose row key is in a deduplicated key list, without
    deduplicating the staging rows themselves). Called after a run finished pending packages;
    returns table -> rows removed (DuckDB only: on other destinations it only reports what it
    finds; BigQuery's load jobs have ids of their own, so a retry does not load twice).
    """
    removed: dict[str, int] = {}
    with pipeline.sql_client() as client:
        for table_schema in pipeline.default_schema.data_tables():
            key = _row_identity(table_schema)
            if not key:
                continue
            name = table_schema["name"]
            table = client.make_qualified_table_name(name)
            keys = ", ".join(client.escape_column_name(c) for c in key)
            rows = client.execute_sql(
                f"select coalesce(sum(n - 1), 0) from (select count(*) as n from {table} "
                f"group by {keys}) as copies"
            )
            doubled = int(rows[0][0]) if rows else 0
            if not doubled:
                continue
            removed[name] = doubled
            if pipeline.destination.destination_name != "duckdb":
                log.warning("%s has %d doubled rows after a retried load", name, doubled)
                continue
            client.execute_sql(
                f"delete from {table} where rowid in (select rowid from (select rowid, "
                f"row_number() over (partition by {keys} order by rowid) as n from {table}) "
                "where n > 1)"
            )
            log.warning("%s: removed %d rows a retried load had doubled", name, doubled)
    return removed


def _row_identity(table: Any) -> list[str]:
    """The columns that tell one loaded row from another within the table."""
    columns = table.get("columns") or {}
    if "_dlt_id" in columns:
        return ["_dlt_id"]
    primary = [name for name, column in columns.items() if column.get("primary_key")]
    return [*primary, "_dlt_load_id"] if primary and "_dlt_load_id" in columns else []


def tables_with_rows(pipeline: dlt.Pipeline, tables: Collection[str]) -> set[str]:
    """Which of `tables` hold at least one row in the pipeline's dataset (an absent table or
    dataset holds none; a destination that cannot say counts every table as holding rows)."""
    try:
        with pipeline.sql_client() as client:
            if not client.has_dataset():
                return set()
            found = set()
            for name in tables:
                table = client.make_qualified_table_name(name)
                try:
                    if client.execute_sql(f"select 1 from {table} limit 1"):
                        found.add(name)
                except DatabaseUndefinedRelation:
                    continue
            return found
    except Exception:
        log.warning("could not tell which tables hold rows: every table merges", exc_info=True)
        return set(tables)


def drop_stale_staging_dataset(pipeline: dlt.Pipeline) -> bool:
    """Before a `--full-refresh`: drop a staging dataset that holds no `_dlt_version`.

    A load whose every table appended (a first load, `pipelines.sources.first_load`) leaves the
    staging dataset created but never initialized; a refresh's load then drops the source's
    tables there too and fails deleting the schema from that missing version table. Staging
    only holds rows between a load's copy and its merge, so nothing is lost. Returns whether
    it dropped one."""
    if not pipeline.default_schema_name:
        return False
    with pipeline.sql_client() as client, client.with_staging_dataset():
        if not client.has_dataset():
            return False
        try:
            client.execute_sql(
                f"select 1 from {client.make_qualified_table_name('_dlt_version')} limit 1"
            )
            return False
        except DatabaseUndefinedRelation:
            client.drop_dataset()
    log.info("dropped the uninitialized staging dataset before the refresh")
    return True
