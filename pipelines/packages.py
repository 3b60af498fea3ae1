"""Repairs of dlt's local load packages that a killed run can leave half-moved."""

from __future__ import annotations

import logging
from pathlib import Path

import dlt
from dlt.common.storages import LoadStorage, PackageStorage

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


def drop_doubled_root_rows(pipeline: dlt.Pipeline) -> dict[str, int]:
    """Remove root-table rows that a crash-retried load doubled (same `_dlt_id`).

    dlt's merge of a table with child tables inserts the staging rows whose row key is in a
    deduplicated key list, without deduplicating the staging rows themselves; a load killed
    after a staging copy wrote its rows, and retried, copies them twice, and both land. Called
    after a run finished pending packages; returns table -> rows removed (DuckDB only: on
    other destinations it only reports what it finds).
    """
    schema = pipeline.default_schema
    tables = schema.data_tables()
    parents = {t.get("parent") for t in tables}
    roots = [t["name"] for t in tables if t.get("parent") is None and t["name"] in parents]
    removed: dict[str, int] = {}
    with pipeline.sql_client() as client:
        for name in roots:
            table = client.make_qualified_table_name(name)
            rows = client.execute_sql(f"select count(*) - count(distinct _dlt_id) from {table}")
            doubled = int(rows[0][0]) if rows else 0
            if not doubled:
                continue
            removed[name] = doubled
            if pipeline.destination.destination_name != "duckdb":
                log.warning(
                    "%s has %d doubled rows (same _dlt_id) after a retried load", name, doubled
                )
                continue
            client.execute_sql(
                f"delete from {table} where rowid in (select rowid from (select rowid, "
                f"row_number() over (partition by _dlt_id order by rowid) as n from {table}) "
                "where n > 1)"
            )
            log.warning("%s: removed %d rows a retried load had doubled", name, doubled)
    return removed
