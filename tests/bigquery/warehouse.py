"""Read a BigQuery warehouse (here: the emulator), for the truth comparisons every warehouse
shares (`tests.support.truth`, `tests.support.linear_truth`, `tests.support.github_truth`), and
check what only BigQuery's loads do: child rows without parents, the merge staging dataset.

Results are read with the BigQuery client's `query()` (dlt's `sql_client().execute_sql()`
returns no rows on the emulator)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from google.api_core.exceptions import NotFound
from google.cloud import bigquery


@dataclass
class Warehouse:
    """One BigQuery project's datasets."""

    client: bigquery.Client

    @property
    def project(self) -> str:
        return str(self.client.project)

    def query(self, sql: str) -> list[tuple[Any, ...]]:
        return [tuple(row.values()) for row in self.client.query(sql).result()]

    def scalar(self, sql: str) -> Any:
        return self.query(sql)[0][0]

    def datasets(self) -> set[str]:
        return {d.dataset_id for d in self.client.list_datasets()}

    def tables(self, dataset: str) -> set[str]:
        try:
            return {t.table_id for t in self.client.list_tables(dataset)}
        except NotFound:
            return set()

    def count(self, dataset: str, table: str) -> int:
        return int(self.scalar(f"select count(*) from `{self.project}.{dataset}.{table}`"))


def assert_child_rows_have_parents(wh: Warehouse, dataset: str) -> None:
    """No child-table row (`parent__child`) outlives its parent row: a merge that replaced a
    parent but left its old children behind would show here."""
    tables = wh.tables(dataset)
    children = sorted(t for t in tables if "__" in t and not t.startswith("_dlt"))
    assert children, f"{dataset} has no child tables"
    for child in children:
        parent = child.rsplit("__", 1)[0]
        assert parent in tables, f"{dataset}.{child}: no parent table {parent}"
        orphans = wh.scalar(
            f"select count(*) from {dataset}.{child} c "
            f"left join {dataset}.{parent} p on c._dlt_parent_id = p._dlt_id "
            "where p._dlt_id is null"
        )
        assert orphans == 0, f"{dataset}.{child}: {orphans} rows without a parent row"


def merged_tables(summary: dict[str, Any]) -> set[str]:
    """The tables a run merged: those that loaded rows and were not appended (a first load
    appends, `pipelines.sources.first_load`); a child table goes the way of its parent."""
    appended = set(summary["appended"])
    return {t for t, n in summary["rows"].items() if n and t.split("__")[0] not in appended}


def assert_staging_emptied(wh: Warehouse, dataset: str, summary: dict[str, Any]) -> None:
    """A load that merged went through the merge staging dataset and left it empty; a table
    it appended did not go through staging at all."""
    staging = f"{dataset}_staging"
    tables = wh.tables(staging) - {"_dlt_version"}
    merged = merged_tables(summary)
    if merged:
        assert tables, f"{dataset} merged {sorted(merged)} but {staging} holds no tables"
    appended = set(summary["appended"])
    staged = sorted(t for t in tables if t.split("__")[0] in appended)
    assert not staged, f"{staging} holds tables of appended tables: {staged}"
    left = {t: n for t in sorted(tables) if (n := wh.count(staging, t))}
    assert not left, f"{staging} still holds rows after the load: {left}"
