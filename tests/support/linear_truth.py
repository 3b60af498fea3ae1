"""Compare the warehouse's Linear tables with the sandbox's truth."""

from __future__ import annotations

import itertools

from sandbox import Sandbox
from tests.support.truth import Warehouse, assert_child_values, assert_latest_rows, epoch_ms
from tests.support.workspace import Workspace

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


def assert_linear_matches_truth(wh: Warehouse, box: Sandbox) -> None:
    """Every entity, in DuckDB or BigQuery: the same ids, no duplicates, each row's latest
    version; and each issue's labels (a child table) exactly, with no leftover child rows."""
    for entity, table in TABLES.items():
        truth = {
            r["id"]: (epoch_ms(r["updatedAt"]), epoch_ms(r.get("archivedAt")))
            for r in box.linear.workspace.truth(entity)
        }
        rows = wh.query(f"select id, updated_at, archived_at from linear.{table}")
        loaded = [
            (row_id, epoch_ms(updated), epoch_ms(archived)) for row_id, updated, archived in rows
        ]
        assert_latest_rows(table, loaded, truth)
    labels = [
        (issue["id"], label)
        for issue in box.linear.workspace.truth("issues")
        for label in issue["labelIds"]
    ]
    assert_child_values(wh, "linear.raw_issues", "labels", "value", labels)


# -- issue history (state spans) -----------------------------------------------------------------
STATE_TYPE_ORDER = {"triage": 0, "backlog": 1, "unstarted": 2, "started": 3, "completed": 4}


def current_spans(spans: list[dict]) -> dict[str, dict]:
    """issue id -> its open span."""
    return {s["issue_id"]: s for s in spans if s["ended_ms"] is None}


def times_reopened(spans: list[dict]) -> dict[str, int]:
    """issue id -> how often it went back from started/completed to an earlier state type."""
    by_issue: dict[str, list[dict]] = {}
    for span in spans:
        by_issue.setdefault(span["issue_id"], []).append(span)
    out = {}
    for issue_id, issue_spans in by_issue.items():
        issue_spans.sort(
            key=lambda s: (s["started_ms"], s["ended_ms"] is None, s["ended_ms"] or 0, s["id"])
        )
        count = 0
        for before, after in itertools.pairwise(issue_spans):
            rank_before = STATE_TYPE_ORDER.get(before["state_type"])
            rank_after = STATE_TYPE_ORDER.get(after["state_type"])
            if (
                before["state_type"] in ("started", "completed")
                and rank_after is not None
                and rank_after < rank_before  # type: ignore[operator]
            ):
                count += 1
        out[issue_id] = count
    return out


def as_of_ms(issues: list[dict], spans: list[dict]) -> int:
    """The data's as-of time the marts measure open spans to: the newest issue change (or span
    start) in epoch ms."""
    times = [epoch_ms(i["updatedAt"]) for i in issues] + [s["started_ms"] for s in spans]
    return max(t for t in times if t is not None)


def hours_by_state_type(spans: list[dict], as_of: int) -> dict[str, dict[str, float]]:
    """issue id -> state type -> hours of all its spans of that type, open ones to `as_of`."""
    out: dict[str, dict[str, float]] = {}
    for span in spans:
        end = as_of if span["ended_ms"] is None else span["ended_ms"]
        per_type = out.setdefault(span["issue_id"], {})
        hours = (end - span["started_ms"]) / 3_600_000
        per_type[span["state_type"]] = per_type.get(span["state_type"], 0.0) + hours
    return out


# -- after `--reconcile`: archive/trash state and hard deletes -----------------------------------
RECONCILED_TABLES = {
    "issues": "raw_issues",
    "comments": "raw_comments",
    "attachments": "raw_attachments",
}


def assert_reconciled(ws: Workspace, box: Sandbox, gone: dict[str, set[str]]) -> None:
    """Each reconciled table: the rows the sandbox has, as it has them (archive state, trash,
    latest version), not marked deleted; the ids in `gone` kept but marked deleted, with a
    `deleted_at`; nothing else."""
    for entity, table in RECONCILED_TABLES.items():
        truth = {
            r["id"]: (
                epoch_ms(r["updatedAt"]),
                epoch_ms(r.get("archivedAt")),
                bool(r.get("trashed")),
            )
            for r in box.linear.workspace.truth(entity)
        }
        columns = set(
            ws.column(
                f"select column_name from information_schema.columns "
                f"where table_schema = 'linear' and table_name = '{table}'"
            )
        )
        if not columns:
            assert not truth and not gone.get(entity), f"{table} is missing"
            continue
        trashed = "coalesce(trashed, false)" if "trashed" in columns else "false"
        marked = (
            "coalesce(is_deleted, false), deleted_at" if "is_deleted" in columns else "false, null"
        )
        rows = ws.query(
            f"select id, epoch_ms(updated_at), epoch_ms(archived_at), {trashed}, {marked} "
            f"from linear.{table}"
        )
        live = {r[0]: (r[1], r[2], r[3]) for r in rows if not r[4]}
        deleted = {r[0] for r in rows if r[4]}
        assert len(rows) == len(live) + len(deleted), f"{table} has duplicate ids"
        assert deleted == gone.get(entity, set()), f"{table}: deleted {deleted} != gone"
        assert all(r[5] is not None for r in rows if r[4]), f"{table}: deleted_at missing"
        stale = {
            i: (live.get(i), truth.get(i))
            for i in set(live) | set(truth)
            if live.get(i) != truth.get(i)
        }
        assert not stale, (
            f"{table}: {len(stale)} rows differ from the sandbox, e.g. {list(stale.items())[:3]}"
        )
