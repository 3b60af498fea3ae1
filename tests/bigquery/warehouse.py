"""Read a BigQuery warehouse (here: the emulator) and compare it with the sandbox's truth: the
BigQuery-client counterparts of tests/linear_truth.py and tests/github_truth.py.

Results are read with the BigQuery client's `query()` (dlt's `sql_client().execute_sql()`
returns no rows on the emulator), and timestamps are compared in Python, so no SQL function that
might differ between BigQuery and the emulator is involved in a verdict."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from google.api_core.exceptions import NotFound
from google.cloud import bigquery

from sandbox import Sandbox
from tests import github_truth, linear_truth

EPOCH = datetime(1970, 1, 1, tzinfo=UTC)


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


def to_ms(value: str | datetime | None) -> int | None:
    """Epoch milliseconds, exactly (no float rounding), from ISO text or a datetime."""
    if value is None:
        return None
    if isinstance(value, str):
        value = datetime.fromisoformat(value.replace("Z", "+00:00"))
    return (value - EPOCH) // timedelta(milliseconds=1)


def assert_linear_matches_truth(wh: Warehouse, box: Sandbox) -> None:
    """Every Linear entity: the same ids, no duplicates, each row's latest version; and each
    issue's labels (a child table) exactly, with no leftover child rows."""
    for entity, table in linear_truth.TABLES.items():
        truth = {
            r["id"]: (to_ms(r["updatedAt"]), to_ms(r.get("archivedAt")))
            for r in box.linear.workspace.truth(entity)
        }
        rows = [
            (row_id, to_ms(updated), to_ms(archived))
            for row_id, updated, archived in wh.query(
                f"select id, updated_at, archived_at from linear.{table}"
            )
        ]
        ids = [r[0] for r in rows]
        assert len(ids) == len(set(ids)), f"{table} has duplicate ids"
        assert set(ids) == set(truth), (
            f"{table}: missing {len(set(truth) - set(ids))}, extra {len(set(ids) - set(truth))}"
        )
        stale = [r for r in rows if (r[1], r[2]) != truth[r[0]]]
        assert not stale, f"{table}: {len(stale)} rows differ from the sandbox, e.g. {stale[:3]}"
    labels_truth = sorted(
        (issue["id"], label)
        for issue in box.linear.workspace.truth("issues")
        for label in issue["labelIds"]
    )
    labels = sorted(
        wh.query(
            "select i.id, l.value from linear.raw_issues i "
            "join linear.raw_issues__labels l on l._dlt_parent_id = i._dlt_id"
        )
    )
    assert labels == labels_truth
    assert wh.count("linear", "raw_issues__labels") == len(labels_truth), "stale label rows"


def assert_github_matches_truth(wh: Warehouse, box: Sandbox) -> None:
    """Every GitHub table: the same ids, no duplicates, each row's latest version; each PR's
    repo, and its labels (a child table) exactly, with no leftover child rows."""
    epoch = github_truth.epoch
    for name, (table, fields) in github_truth.TABLES.items():
        truth = {
            row["id"]: tuple(epoch(row.get(f)) for f in fields)
            for row in box.github.org_data.truth(name)
        }
        rows = wh.query(f"select id, {', '.join(fields)} from github.{table}")
        ids = [r[0] for r in rows]
        assert len(ids) == len(set(ids)), f"{table} has duplicate ids"
        assert set(ids) == set(truth), (
            f"{table}: missing {sorted(set(truth) - set(ids))[:5]}, "
            f"extra {sorted(set(ids) - set(truth))[:5]}"
        )
        stale = [r for r in rows if tuple(epoch(v) for v in r[1:]) != truth[r[0]]]
        assert not stale, f"{table}: {len(stale)} rows differ, e.g. {stale[:2]} vs truth"
    pulls = box.github.org_data.truth("pull_requests")
    truth_repo = {pr["id"]: pr["base"]["repo"]["full_name"] for pr in pulls}
    assert dict(wh.query("select id, repo from github.raw_pull_requests")) == truth_repo
    truth_labels = sorted((pr["id"], label["name"]) for pr in pulls for label in pr["labels"])
    labels = sorted(
        wh.query(
            "select p.id, l.name from github.raw_pull_requests p "
            "join github.raw_pull_requests__labels l on l._dlt_parent_id = p._dlt_id"
        )
    )
    assert labels == truth_labels
    assert wh.count("github", "raw_pull_requests__labels") == len(truth_labels), "stale labels"


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


def assert_staging_emptied(wh: Warehouse, dataset: str) -> None:
    """The merge staging dataset exists (a merge went through it) and holds no rows."""
    staging = f"{dataset}_staging"
    tables = wh.tables(staging) - {"_dlt_version"}
    assert tables, f"no staging tables in {staging}: did the load merge?"
    left = {t: n for t in sorted(tables) if (n := wh.count(staging, t))}
    assert not left, f"{staging} still holds rows after the load: {left}"
