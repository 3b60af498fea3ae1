"""Staging models of raw tables that both sources have (`raw_users`) list their columns.

Why: the BigQuery emulator the BigQuery e2e tests run on (tests/bigquery) expands `select *`
by the bare table name, so a query reading `linear.raw_users` and `github.raw_users` (dim_users,
through both staging views) gets one table's columns for the other. Real BigQuery does not do
this; listing the columns costs nothing, and this test keeps them listed.
"""

from __future__ import annotations

import re
from collections import defaultdict
from pathlib import Path

from pipelines.paths import REPO_ROOT

STAGING = REPO_ROOT / "dbt" / "models" / "staging"
SOURCE_CALL = re.compile(r"source(?:_or_empty)?\(\s*'(\w+)'\s*,\s*'(\w+)'")


def _staging_sources() -> dict[str, list[tuple[str, Path]]]:
    """Raw table name -> (source, model file) of every staging model reading it."""
    readers: dict[str, list[tuple[str, Path]]] = defaultdict(list)
    for path in sorted(STAGING.rglob("stg_*.sql")):
        for source, table in SOURCE_CALL.findall(path.read_text()):
            readers[table].append((source, path))
    return readers


def test_tables_of_the_same_name_in_both_sources_are_read_column_by_column() -> None:
    shared = {
        table: readers
        for table, readers in _staging_sources().items()
        if len({source for source, _ in readers}) > 1
    }
    assert "raw_users" in shared, shared  # the case the rule exists for
    for table, readers in shared.items():
        for _, model in readers:
            star = re.search(r"select\s+\*\s+from\s+\{\{\s*source", model.read_text())
            assert star is None, f"{model.name} reads `{table}` with `select *`: list the columns"
