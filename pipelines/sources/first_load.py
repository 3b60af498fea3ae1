"""No merge where nothing can match: a table's first load appends; later loads merge.

dlt's merge loads every table into a staging dataset and then deletes and inserts by primary
key, even on a first load, when the destination has no row to match. A source marks the
resources whose first pass yields each row once (`append_on_first_load`, naming the table
variants a resource also writes); at the start of a run the runner asks `plan_appends` which of
their tables may append instead: a table appends
only when every selected resource that writes it is marked, none of them has resource state
(no cursor, no fingerprints, no resume position: nothing was loaded or half-read before), and
the destination table is absent or empty (or a `--full-refresh` drops it). Everything else
merges as declared, so a resumed pass (its resume position is in the state, committed in the
same load package as the rows it appended) and every later run merge, and a rerun after a
crash converges: a killed extract commits nothing (the rerun appends again from scratch), and
a package left half-loaded is finished first (doubled rows of a retried copy are removed).

Appended tables keep dlt's root key (`_dlt_root_id`) in their child tables, so the merges that
follow delete a changed row's old children.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Collection, Mapping
from typing import Any

from dlt.extract.source import DltSource
from dlt.sources import DltResource

log = logging.getLogger("pipelines")

MARK = "_append_on_first_load"


def append_on_first_load(resource: DltResource, variants: Collection[str] = ()) -> DltResource:
    """Mark `resource`: its first pass yields each row once, so a first load may append;
    `variants`: the tables it writes besides its own, through table variants
    (`apply_hints(..., create_table_variant=True)`)."""
    setattr(resource, MARK, tuple(variants))
    return resource


def is_marked(resource: DltResource) -> bool:
    return getattr(resource, MARK, None) is not None


def _variants(resource: DltResource) -> tuple[str, ...]:
    return tuple(getattr(resource, MARK, None) or ())


def _tables_of(resource: DltResource) -> list[str]:
    """The tables `resource` writes: its own (when static) and its marked variants."""
    own = [resource.table_name] if isinstance(resource.table_name, str) else []
    return own + list(_variants(resource))


def _append(resource: DltResource, table: str) -> None:
    if table in _variants(resource):
        resource.apply_hints(
            table_name=table, write_disposition="append", create_table_variant=True
        )
    else:
        resource.apply_hints(write_disposition="append")


def plan_appends(
    source: DltSource,
    source_state: Mapping[str, Any],
    tables_with_rows: Callable[[Collection[str]], set[str]],
    *,
    refresh: bool = False,
) -> list[str]:
    """Switch the marked resources of tables that nothing can match to `append`; returns
    those tables. `tables_with_rows(tables)` says which of `tables` have rows in the
    destination; `refresh`: this run drops the source's tables and state first."""
    writers: dict[str, list[DltResource]] = {}
    for resource in source.selected_resources.values():
        for table in _tables_of(resource):
            writers.setdefault(table, []).append(resource)
    states = source_state.get("resources") or {}
    candidates = [
        table
        for table, resources in writers.items()
        if all(is_marked(r) for r in resources)
        and (refresh or not any(states.get(r.name) for r in resources))
    ]
    loaded = set() if refresh or not candidates else tables_with_rows(candidates)
    appended = [table for table in candidates if table not in loaded]
    for table in appended:
        for resource in writers[table]:
            _append(resource, table)
    if appended:
        log.info("first load of %s: appended (no row to merge with)", ", ".join(appended))
        source.root_key = True  # child tables keep `_dlt_root_id` for the merges that follow
        logging.getLogger("dlt").addFilter(_DedupSortOnAppend(appended))
    return appended


class _DedupSortOnAppend(logging.Filter):
    """Drop dlt's warning that an appended table's `dedup_sort` hint (kept for its merges to
    come) does nothing on append: expected here, once per table and first load."""

    def __init__(self, tables: Collection[str]) -> None:
        super().__init__()
        self.tables = {f'table "{table}"' for table in tables}

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        return '"dedup_sort" column hint' not in message or not any(
            table in message for table in self.tables
        )
