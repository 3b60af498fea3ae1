"""What `fct_deployments` and `metrics_weekly_repository` must hold, computed in Python from
the sandbox's truth (its deployments, the pull requests each shipped by branch position, and
the incidents it opened after chosen deployments), not from the warehouse."""

from __future__ import annotations

from collections import defaultdict
from datetime import UTC, date, datetime, timedelta
from statistics import median
from typing import Any

from tests.support.truth import utc as _at

FAILED = ("failure", "error")


def _hours(start: datetime, end: datetime) -> float:
    return (end - start).total_seconds() / 3600


def week_start(at: datetime) -> date:
    day = at.astimezone(UTC).date()
    return day - timedelta(days=day.weekday())


def expected_deployments(
    deployments: list[dict[str, Any]], incidents: list[Any]
) -> dict[str, dict[str, Any]]:
    """deployment_id -> pull_request_count, incident_count, is_failure, failed_at,
    restored_at, deployed_at (aware UTC)."""
    opened: dict[int, list[datetime]] = defaultdict(list)
    for incident in incidents:
        opened[incident.deployment_id].append(_at(incident.created_at))  # type: ignore[arg-type]
    rows: dict[str, dict[str, Any]] = {}
    for d in deployments:
        failed_status = d["state"] in FAILED
        deployed = _at(d["deployed_at"])
        first_incident = min(opened[d["id"]]) if opened[d["id"]] else None
        rows[str(d["id"])] = {
            "repo": d["repo"],
            "environment": d["environment"],
            "deployed_at": deployed,
            "pull_request_count": len(d["pull_request_ids"]),
            "pull_request_ids": d["pull_request_ids"],
            "incident_count": len(opened[d["id"]]),
            "is_failure": failed_status or bool(opened[d["id"]]),
            "failed_at": deployed if failed_status else first_incident,
        }
    for row in rows.values():
        later = [
            other["deployed_at"]
            for other in rows.values()
            if row["is_failure"]
            and other["repo"] == row["repo"]
            and other["environment"] == row["environment"]
            and not other["is_failure"]
            and other["deployed_at"] is not None
            and other["deployed_at"] > row["failed_at"]
        ]
        row["restored_at"] = min(later) if later else None
    return rows


def expected_weekly(
    deployments: dict[str, dict[str, Any]],
    pulls: list[dict[str, Any]],
    first_commits: dict[int, datetime | None] | None = None,
) -> dict[tuple[str, date], dict[str, Any]]:
    """(repo, week_start) -> prs_merged, deployments, lead_time_for_changes_p50_hours,
    change_failure_rate, time_to_restore_p50_hours (production deployments). Lead time runs
    from a pull request's first commit (`first_commits`: id -> its author time), from its
    creation when unknown."""
    known = first_commits or {}
    created = {p["id"]: _at(known.get(p["id"])) or _at(p["created_at"]) for p in pulls}
    weeks: dict[tuple[str, date], dict[str, Any]] = defaultdict(
        lambda: {"prs_merged": 0, "deployments": 0, "failed": 0, "lead": [], "restore": []}
    )
    for pull in pulls:
        if pull["merged_at"]:
            repo = pull["base"]["repo"]["full_name"]
            weeks[(repo, week_start(_at(pull["merged_at"])))]["prs_merged"] += 1  # type: ignore[arg-type]
    for d in deployments.values():
        if d["environment"] != "production" or d["deployed_at"] is None:
            continue
        week = weeks[(d["repo"], week_start(d["deployed_at"]))]
        week["deployments"] += 1
        week["failed"] += d["is_failure"]
        week["lead"] += [_hours(created[p], d["deployed_at"]) for p in d["pull_request_ids"]]  # type: ignore[arg-type]
        if d["is_failure"] and d["restored_at"] is not None:
            week["restore"].append(_hours(d["failed_at"], d["restored_at"]))
    return {
        key: {
            "prs_merged": w["prs_merged"],
            "deployments": w["deployments"],
            "lead_time_for_changes_p50_hours": median(w["lead"]) if w["lead"] else None,
            "change_failure_rate": w["failed"] / w["deployments"] if w["deployments"] else None,
            "time_to_restore_p50_hours": median(w["restore"]) if w["restore"] else None,
        }
        for key, w in weeks.items()
    }


def _signed_hours(start: datetime | None, end: datetime | None) -> float | None:
    return None if start is None or end is None else _hours(start, end)


def expected_link_delivery(
    links: list[tuple[str, str]],
    issues: list[dict[str, Any]],
    pulls: list[dict[str, Any]],
    stages: dict[str, dict[str, Any]],
) -> dict[tuple[str, str], dict[str, Any]]:
    """(issue id, pull request id) -> the delivery columns of `bridge_issue_pull_requests`
    for each link in `links`: the pull request's opened, first commit, ready and merged times
    (`stages`: tests.pr_stage_truth.expected_stages) and the signed hours between them, the
    first from the issue's start (dbt/README.md, "Issue delivery")."""
    started = {i["id"]: _at(i["startedAt"]) for i in issues}
    opened = {str(p["id"]): _at(p["created_at"]) for p in pulls}
    rows = {}
    for issue_id, pull_id in links:
        stage = stages[pull_id]
        first_commit = stage["first_commit_at"]
        ready, merged = stage["ready_for_review_at"], stage["merged_at"]
        rows[(issue_id, pull_id)] = {
            "pr_opened_at": opened[pull_id],
            "first_commit_at": first_commit,
            "pr_ready_at": ready,
            "pr_merged_at": merged,
            "hours_started_to_first_commit": _signed_hours(started[issue_id], first_commit),
            "hours_first_commit_to_pr_ready": _signed_hours(first_commit, ready),
            "hours_pr_ready_to_merged": _signed_hours(ready, merged),
        }
    return rows
