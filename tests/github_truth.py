"""Compare the warehouse's GitHub tables with the sandbox's truth."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sandbox import Sandbox
from tests.conftest import Workspace

# sandbox truth table -> (raw table, fields compared besides the id)
TABLES: dict[str, tuple[str, tuple[str, ...]]] = {
    "users": ("raw_users", ("login", "name", "email", "updated_at")),
    "pull_requests": ("raw_pull_requests", ("number", "state", "updated_at", "merged_at")),
    "pr_reviews": ("raw_pr_reviews", ("repo", "pull_number", "state", "submitted_at")),
    "pr_comments": ("raw_pr_comments", ("repo", "pull_number", "updated_at")),
    "pr_issue_comments": ("raw_pr_issue_comments", ("repo", "pull_number", "updated_at")),
}


def epoch(value: Any) -> Any:
    if isinstance(value, str) and len(value) >= 19 and value[4] == "-" and value[10] == "T":
        return int(datetime.fromisoformat(value.replace("Z", "+00:00")).timestamp())
    if isinstance(value, datetime):
        return int(value.timestamp())
    return value


def assert_github_matches_truth(ws: Workspace, box: Sandbox) -> None:
    """Every table: the same ids, no duplicates, each row's latest version."""
    for name, (table, fields) in TABLES.items():
        truth = {
            row["id"]: tuple(epoch(row.get(f)) for f in fields)
            for row in box.github.org_data.truth(name)
        }
        rows = ws.query(f"select id, {', '.join(fields)} from github.{table}")
        ids = [r[0] for r in rows]
        assert len(ids) == len(set(ids)), f"{table} has duplicate ids"
        assert set(ids) == set(truth), (
            f"{table}: missing {sorted(set(truth) - set(ids))[:5]}, "
            f"extra {sorted(set(ids) - set(truth))[:5]}"
        )
        stale = [r for r in rows if tuple(epoch(v) for v in r[1:]) != truth[r[0]]]
        assert not stale, f"{table}: {len(stale)} rows differ, e.g. {stale[:2]} vs truth"
    # Each PR's repo tag and its labels (a child table) are right too.
    truth_repo = {
        pr["id"]: pr["base"]["repo"]["full_name"]
        for pr in box.github.org_data.truth("pull_requests")
    }
    assert dict(ws.query("select id, repo from github.raw_pull_requests")) == truth_repo
    truth_labels = sorted(
        (pr["id"], label["name"])
        for pr in box.github.org_data.truth("pull_requests")
        for label in pr["labels"]
    )
    labels = sorted(
        ws.query(
            "select p.id, l.name from github.raw_pull_requests p "
            "join github.raw_pull_requests__labels l on l._dlt_parent_id = p._dlt_id"
        )
    )
    assert labels == truth_labels
