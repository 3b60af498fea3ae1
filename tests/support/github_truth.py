"""Compare the warehouse's GitHub tables with the sandbox's truth."""

from __future__ import annotations

import re
from collections import Counter
from datetime import datetime
from typing import Any

from pipelines.sources.github.entities import LISTINGS
from sandbox import Sandbox
from tests.support.truth import Warehouse, assert_child_values, assert_latest_rows
from tests.support.workspace import Workspace

# sandbox truth table -> (raw table, fields compared besides the id); the repository listings'
# entries follow from their declarations.
TABLES: dict[str, tuple[str, tuple[str, ...]]] = {
    "users": ("raw_users", ("login", "name", "email", "updated_at")),
    "pull_requests": ("raw_pull_requests", ("number", "state", "updated_at", "merged_at")),
    "pr_reviews": ("raw_pr_reviews", ("repo", "pull_number", "state", "submitted_at")),
    **{listing.name: (listing.table, listing.truth_fields) for listing in LISTINGS},
}


def epoch(value: Any) -> Any:
    if isinstance(value, str) and len(value) >= 19 and value[4] == "-" and value[10] == "T":
        return int(datetime.fromisoformat(value.replace("Z", "+00:00")).timestamp())
    if isinstance(value, datetime):
        return int(value.timestamp())
    return value


def assert_github_matches_truth(wh: Warehouse, box: Sandbox) -> None:
    """Every table, in DuckDB or BigQuery: the same ids, no duplicates, each row's latest
    version; each PR's repo, and its labels (a child table) exactly, with no leftover child
    rows."""
    for name, (table, fields) in TABLES.items():
        truth = {
            row["id"]: tuple(epoch(row.get(f)) for f in fields)
            for row in box.github.org_data.truth(name)
        }
        rows = wh.query(f"select id, {', '.join(fields)} from github.{table}")
        assert_latest_rows(table, [(r[0], *map(epoch, r[1:])) for r in rows], truth)
    pulls = box.github.org_data.truth("pull_requests")
    truth_repo = {pr["id"]: pr["base"]["repo"]["full_name"] for pr in pulls}
    assert dict(wh.query("select id, repo from github.raw_pull_requests")) == truth_repo
    labels = [(pr["id"], label["name"]) for pr in pulls for label in pr["labels"]]
    assert_child_values(wh, "github.raw_pull_requests", "labels", "name", labels)


# GraphQL-only fields and tables (issue 11): sandbox world -> warehouse.
def event_name(kind: str) -> str:
    """The warehouse's `event` of a GraphQL timeline item: `ReadyForReviewEvent` is
    `ready_for_review` (REST's spelling of the same events)."""
    words = re.findall(r"[A-Z][a-z]*", kind.removesuffix("Event"))
    return "_".join(word.lower() for word in words)


def assert_github_graphql_matches_truth(ws: Warehouse, box: Sandbox) -> None:
    """Size, commits, author type, timeline events, review requests and reviewers' types."""
    world = box.github.org_data.world
    with box.github.org_data.lock:
        pulls = list(world.pulls)
        truth_pulls = {
            p.id: (
                p.additions,
                p.deletions,
                p.changed_files,
                len(p.commit_list),  # GraphQL `commits.totalCount`
                epoch(min((c.authored_at for c in p.commit_list), default=None)),
                p.user.type,
                p.user.type == "Bot",
            )
            for p in pulls
        }
        truth_events = sorted(
            (p.id, event_name(e.kind), epoch(e.created_at)) for p in pulls for e in p.timeline
        )
        truth_requests = Counter(
            p.id for p in pulls for e in p.timeline if e.kind == "ReviewRequestedEvent"
        )
        truth_reviewer_types = {r.id: r.user.type for p in pulls for r in p.reviews}
        truth_commits = sorted(
            (p.id, c.oid, epoch(c.authored_at), epoch(c.committed_at))
            for p in pulls
            for c in p.commit_list
        )
    rows = ws.query(
        "select id, additions, deletions, changed_files, commits, first_commit_at, "
        "author_type, is_bot from github.raw_pull_requests"
    )
    loaded = {r[0]: (*r[1:5], epoch(r[5]), *r[6:]) for r in rows}
    differ = [(k, v, truth_pulls[k]) for k, v in loaded.items() if v != truth_pulls.get(k)]
    assert not differ, f"raw_pull_requests: {len(differ)} differ, e.g. {differ[:2]}"
    if truth_events:
        events = sorted(
            (r[0], r[1], epoch(r[2]))
            for r in ws.query(
                "select pull_request_id, event, created_at from github.raw_pr_timeline_events"
            )
        )
        assert events == truth_events
    if truth_requests:
        requests = Counter(
            r[0] for r in ws.query("select pull_request_id from github.raw_pr_review_requests")
        )
        assert requests == truth_requests
    types = dict(ws.query("select id, user__type from github.raw_pr_reviews"))
    assert types == truth_reviewer_types
    # every commit a pull request has now: the ones of its last read (force-pushed ones older)
    commits = ws.query(
        "select pull_request_id, sha, authored_at, committed_at from github.raw_pr_commits c "
        "where pull_request_updated_at = (select max(pull_request_updated_at) "
        "from github.raw_pr_commits o where o.pull_request_id = c.pull_request_id)"
    )
    assert sorted((r[0], r[1], epoch(r[2]), epoch(r[3])) for r in commits) == truth_commits


# -- after `--reconcile`: deleted comments ------------------------------------------------------
COMMENT_TABLES = {listing.name: listing.table for listing in LISTINGS if listing.reconcile}


def assert_comments_reconciled(ws: Workspace, box: Sandbox, gone: dict[str, set[int]]) -> None:
    """Each comment table: the comments the sandbox has (latest version), not marked deleted;
    the ids in `gone` kept but marked deleted, with a `deleted_at`; nothing else."""
    for name, table in COMMENT_TABLES.items():
        truth = {row["id"]: epoch(row["updated_at"]) for row in box.github.org_data.truth(name)}
        rows = ws.query(
            f"select id, updated_at, coalesce(is_deleted, false), deleted_at from github.{table}"
        )
        live = {r[0]: epoch(r[1]) for r in rows if not r[2]}
        deleted = {r[0] for r in rows if r[2]}
        assert len(rows) == len(live) + len(deleted), f"{table} has duplicate ids"
        assert deleted == gone.get(name, set()), f"{table}: deleted {deleted} != gone"
        assert all(r[3] is not None for r in rows if r[2]), f"{table}: deleted_at missing"
        assert live == truth, f"{table}: live rows differ from the sandbox"
