"""Compare the warehouse's Linear tables with the sandbox's truth."""

from __future__ import annotations

from datetime import datetime

from sandbox import Sandbox
from tests.conftest import Workspace

# sandbox entity -> raw table
TABLES = {
    "users": "raw_users",
    "teams": "raw_teams",
    "workflowStates": "raw_workflow_states",
    "cycles": "raw_cycles",
    "projects": "raw_projects",
    "issueLabels": "raw_labels",
    "issues": "raw_issues",
    "comments": "raw_comments",
}


def epoch_ms(value: str | None) -> int | None:
    if value is None:
        return None
    return int(datetime.fromisoformat(value.replace("Z", "+00:00")).timestamp() * 1000)


def warehouse_rows(ws: Workspace, table: str) -> list[tuple[str, int | None, int | None]]:
    return [
        (row[0], row[1], row[2])
        for row in ws.query(
            f"select id, epoch_ms(updated_at), epoch_ms(archived_at) from linear.{table}"
        )
    ]


def assert_linear_matches_truth(ws: Workspace, box: Sandbox) -> None:
    """Every entity: the same ids, no duplicates, and each row's latest version."""
    for entity, table in TABLES.items():
        truth = {
            r["id"]: (epoch_ms(r["updatedAt"]), epoch_ms(r.get("archivedAt")))
            for r in box.linear.workspace.truth(entity)
        }
        rows = warehouse_rows(ws, table)
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
        ws.query(
            "select i.id, l.value from linear.raw_issues i "
            "join linear.raw_issues__labels l on l._dlt_parent_id = i._dlt_id"
        )
    )
    assert labels == labels_truth
