"""Where each pull request's time went (`fct_pull_requests`' stages, sizes and bot counts),
computed in Python from the sandbox's truth after dbt/README.md, "Pull-request stages" and
"Bots" (not from the warehouse)."""

from __future__ import annotations

import math
from collections import defaultdict
from datetime import datetime
from typing import Any

from sandbox.github.world import World
from tests.support.truth import utc as _at


def _served(at: datetime) -> datetime:
    """A time as GitHub's GraphQL API serves it: whole seconds."""
    return at.replace(microsecond=0)


def pull_history(world: World) -> dict[int, dict[str, Any]]:
    """Pull request id -> what the REST truth lacks: its draft events (kind, at, id) in
    timeline order, its first commit's author time, every commit's committed time and its
    size."""
    history: dict[int, dict[str, Any]] = {}
    for pull in world.pulls:
        commits = pull.commit_list
        history[pull.id] = {
            "draft_events": [
                (e.kind, _served(e.created_at), e.id)
                for e in pull.timeline
                if e.kind in ("ReadyForReviewEvent", "ConvertToDraftEvent")
            ],
            "first_commit_at": _served(commits[0].authored_at) if commits else None,
            "committed_at": [_served(c.committed_at) for c in commits],
            "additions": pull.additions,
            "deletions": pull.deletions,
            "changed_files": pull.changed_files,
        }
    return history


def is_bot(user: dict[str, Any] | None) -> bool:
    """User type Bot or a `[bot]` login (the `bot_logins` var is empty in the tests)."""
    return bool(user) and (user.get("type") == "Bot" or user["login"].lower().endswith("[bot]"))  # type: ignore[union-attr]


def stage(start: datetime | None, end: datetime | None) -> float | None:
    """Hours from start to end, 0 when end comes first, None when either is unknown."""
    if start is None or end is None:
        return None
    return max(0.0, (end - start).total_seconds() / 3600)


def size_bucket(lines: int) -> str:
    for bucket, below in (("xs", 10), ("s", 100), ("m", 500), ("l", 1000)):
        if lines < below:
            return bucket
    return "xl"


def percentile(values: list[float], fraction: float) -> float | None:
    """The continuous (linearly interpolated) percentile, as `percentile_cont`."""
    ordered = sorted(v for v in values if v is not None)
    if not ordered:
        return None
    position = (len(ordered) - 1) * fraction
    low, high = math.floor(position), math.ceil(position)
    return ordered[low] + (ordered[high] - ordered[low]) * (position - low)


def _by_pull(rows: list[dict[str, Any]]) -> dict[tuple[str, int], list[dict[str, Any]]]:
    grouped: dict[tuple[str, int], list[dict[str, Any]]] = defaultdict(list)
    for row in rows:
        grouped[(row["repo"], row["pull_number"])].append(row)
    return grouped


def _by_people(row: dict[str, Any], author: Any) -> bool:
    """Written by a person other than the pull request's author (not a bot)."""
    user = row["user"]
    return not is_bot(user) and not (user and user["id"] == author)


def _first_deployed(deployments: list[dict[str, Any]]) -> dict[int, datetime]:
    """Pull request id -> its first production deployment's time."""
    first: dict[int, datetime] = {}
    for d in deployments:
        deployed = _at(d["deployed_at"])
        if d["environment"] != "production" or deployed is None:
            continue
        for pull_id in d["pull_request_ids"]:
            if pull_id not in first or deployed < first[pull_id]:
                first[pull_id] = deployed
    return first


def expected_stages(
    github: dict[str, list[dict[str, Any]]],
    history: dict[int, dict[str, Any]],
    deployments: list[dict[str, Any]],
) -> dict[str, dict[str, Any]]:
    """pull_request_id -> every stage, size and bot column of `fct_pull_requests`."""
    reviews = _by_pull([r for r in github["pr_reviews"] if r["state"] != "PENDING"])
    inline = _by_pull(github["pr_comments"])
    conversation = _by_pull(github["pr_issue_comments"])
    deployed = _first_deployed(deployments)
    rows: dict[str, dict[str, Any]] = {}
    for pull in github["pull_requests"]:
        key = (pull["base"]["repo"]["full_name"], pull["number"])
        made = history[pull["id"]]
        author = (pull["user"] or {}).get("id")
        created, merged = _at(pull["created_at"]), _at(pull["merged_at"])

        submitted = [r for r in reviews[key] if r["submitted_at"]]
        human = [r for r in submitted if _by_people(r, author)]
        before_merge = [
            _at(r["submitted_at"])
            for r in human
            if merged is None or _at(r["submitted_at"]) <= merged
        ] + [
            _at(c["created_at"])
            for c in inline[key]
            if _by_people(c, author) and (merged is None or _at(c["created_at"]) <= merged)
        ]
        approvals = [
            _at(r["submitted_at"])
            for r in human
            if r["state"] == "APPROVED" and merged and _at(r["submitted_at"]) <= merged
        ]
        events = sorted(made["draft_events"], key=lambda e: (e[1], e[2]))
        opened_as_draft = events[0][0] == "ReadyForReviewEvent" if events else bool(pull["draft"])
        readies = [at for kind, at, _ in events if kind == "ReadyForReviewEvent"]
        ready = (min(readies) if readies else None) if opened_as_draft else created
        ready = _at(ready)
        first_response = min(before_merge, default=None)
        review_start = (
            None if ready is None or first_response is None else max(ready, first_response)
        )
        last_approval = max(approvals, default=None)
        merge_start = (
            None
            if review_start is None or last_approval is None
            else max(last_approval, review_start)
        )
        first_commit = _at(made["first_commit_at"])
        coding_start = ready if first_commit is None or ready is None else min(first_commit, ready)
        first_review = min((_at(r["submitted_at"]) for r in human), default=None)
        lines = made["additions"] + made["deletions"]
        rows[str(pull["id"])] = {
            "is_bot_author": is_bot(pull["user"]),
            "is_opened_as_draft": opened_as_draft,
            "ready_for_review_at": ready,
            "first_commit_at": first_commit,
            "first_reviewed_at": first_review,
            "hours_to_first_review": stage(ready, first_review),
            "coding_hours": stage(first_commit, ready),
            "pickup_hours": stage(ready, review_start),
            "review_hours": stage(review_start, merge_start or merged) if merged else None,
            "merge_hours": stage(merge_start, merged),
            "deploy_hours": stage(merged, deployed.get(pull["id"])) if merged else None,
            "cycle_hours": stage(coding_start, merged),
            "lines_changed": lines,
            "changed_files": made["changed_files"],
            "size_bucket": size_bucket(lines),
            "review_count": len(human),
            "changes_requested_count": sum(r["state"] == "CHANGES_REQUESTED" for r in human),
            "commits_after_first_review": 0
            if first_review is None
            else sum(at > first_review for at in made["committed_at"]),
            "review_comment_count": sum(not is_bot(c["user"]) for c in inline[key]),
            "conversation_comment_count": sum(not is_bot(c["user"]) for c in conversation[key]),
            "bot_review_count": sum(is_bot(r["user"]) for r in submitted),
            "bot_comment_count": sum(is_bot(c["user"]) for c in inline[key] + conversation[key]),
            "repo": key[0],
            "merged_at": merged,
        }
    return rows
