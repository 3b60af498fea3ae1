"""What `fct_cycles` and `metrics_weekly_team` must hold, computed in Python from the sandbox's
truth (its cycles, issues, issue history and state spans), not from the warehouse. The rules are
dbt/README.md's ("Cycles", "Weekly team trends"); times are epoch milliseconds throughout."""

from __future__ import annotations

import math
from collections import defaultdict
from datetime import UTC, date, datetime, timedelta
from typing import Any

from tests.support.linear_truth import epoch_ms


def week_start(ms: int) -> date:
    """The Monday (UTC) of the ISO week holding `ms`."""
    day = datetime.fromtimestamp(ms / 1000, UTC).date()
    return day - timedelta(days=day.weekday())


def percentile(values: list[float], fraction: float) -> float | None:
    """The continuous (interpolated) percentile, as DuckDB's quantile_cont computes it."""
    if not values:
        return None
    ordered = sorted(values)
    position = fraction * (len(ordered) - 1)
    low, high = math.floor(position), math.ceil(position)
    return ordered[low] + (ordered[high] - ordered[low]) * (position - low)


def cycle_stays(
    history: list[dict[str, Any]], issues: list[dict[str, Any]]
) -> list[tuple[str, str, int, int | None]]:
    """(issue id, cycle id, joined ms, left ms or None): each addition to a cycle lasts until
    the next change of the same issue and cycle; an issue in a cycle without any recorded
    change to that cycle is there from its creation."""
    changes: dict[tuple[str, str], list[tuple[int, str, str]]] = defaultdict(list)
    for entry in history:
        before, after = entry["fromCycleId"], entry["toCycleId"]
        if before == after:
            continue
        at = epoch_ms(entry["createdAt"])
        assert at is not None
        if after is not None:
            changes[(entry["issue_id"], after)].append((at, "added", entry["id"]))
        if before is not None:
            changes[(entry["issue_id"], before)].append((at, "removed", entry["id"]))
    stays = []
    for (issue_id, cycle_id), moves in changes.items():
        moves.sort()
        for index, (at, kind, _) in enumerate(moves):
            if kind == "added":
                left = moves[index + 1][0] if index + 1 < len(moves) else None
                stays.append((issue_id, cycle_id, at, left))
    for issue in issues:
        cycle = issue["cycle"]
        if cycle is not None and (issue["id"], cycle["id"]) not in changes:
            stays.append((issue["id"], cycle["id"], epoch_ms(issue["createdAt"]), None))
    return stays  # type: ignore[return-value]


def expected_cycles(
    cycles: list[dict[str, Any]], issues: list[dict[str, Any]], history: list[dict[str, Any]]
) -> dict[str, dict[str, Any]]:
    """cycle id -> the fct_cycles counts and completion rate."""
    by_id = {issue["id"]: issue for issue in issues}
    sets: dict[str, dict[str, set[str]]] = {c["id"]: defaultdict(set) for c in cycles}
    bounds = {c["id"]: (epoch_ms(c["startsAt"]), epoch_ms(c["endsAt"])) for c in cycles}
    for issue_id, cycle_id, joined, left in cycle_stays(history, issues):
        if cycle_id not in bounds:
            continue
        starts, ends = bounds[cycle_id]
        assert starts is not None and ends is not None
        issue = by_id[issue_id]
        completed = epoch_ms(issue["completedAt"])
        canceled = epoch_ms(issue["canceledAt"])
        counted = sets[cycle_id]
        in_scope = joined < ends and (left is None or left > starts)
        if joined <= starts and (left is None or left > starts):
            counted["committed"].add(issue_id)
        if starts < joined < ends:
            counted["added"].add(issue_id)
        if left is not None and starts < left < ends:
            counted["removed"].add(issue_id)
        if (
            in_scope
            and completed is not None
            and joined <= completed < ends
            and (left is None or completed < left)
        ):
            counted["completed"].add(issue_id)
        at_end = joined < ends and (left is None or left >= ends)
        done_by_end = (completed is not None and completed < ends) or (
            canceled is not None and canceled < ends
        )
        if at_end and not done_by_end:
            counted["carried_over"].add(issue_id)
    out = {}
    for cycle in cycles:
        counted = sets[cycle["id"]]
        row = {f"{kind}_issues": len(counted[kind]) for kind in ("committed", "added", "removed")}
        row["completed_issues"] = len(counted["completed"])
        row["carried_over_issues"] = (
            len(counted["carried_over"]) if cycle["completedAt"] is not None else None
        )
        scope = row["committed_issues"] + row["added_issues"] - row["removed_issues"]
        row["completion_rate"] = row["completed_issues"] / scope if scope else None
        out[cycle["id"]] = row
    return out


def expected_weekly_team(
    issues: list[dict[str, Any]],
    state_types: dict[str, str],
    spans: list[dict[str, Any]],
) -> dict[tuple[str, date], dict[str, Any]]:
    """(team id, week start) -> the metrics_weekly_team row, every week from the team's first
    issue to the week of the newest issue change. `state_types`: state id -> type."""
    last_week = week_start(max(epoch_ms(i["updatedAt"]) for i in issues))  # type: ignore[type-var]
    team_of = {issue["id"]: issue["team"]["id"] for issue in issues}
    rows: dict[tuple[str, date], dict[str, Any]] = {}
    first: dict[str, int] = {}
    for issue in issues:
        created = epoch_ms(issue["createdAt"])
        assert created is not None
        team = issue["team"]["id"]
        first[team] = min(first.get(team, created), created)
    for team, created in first.items():
        week = week_start(created)
        while week <= last_week:
            rows[(team, week)] = {"issues_completed": 0, "issues_in_progress": 0, "_cycle": []}
            week += timedelta(days=7)
    for issue in issues:
        completed = epoch_ms(issue["completedAt"])
        if completed is None or state_types[issue["state"]["id"]] != "completed":
            continue
        row = rows[(issue["team"]["id"], week_start(completed))]
        row["issues_completed"] += 1
        started = epoch_ms(issue["startedAt"])
        if started is not None:
            row["_cycle"].append((completed - started) / 3_600_000)
    in_progress: dict[tuple[str, date], set[str]] = defaultdict(set)
    for span in spans:
        if span["state_type"] != "started":
            continue
        team = team_of[span["issue_id"]]
        week = week_start(span["started_ms"])
        end_week = None if span["ended_ms"] is None else week_start(span["ended_ms"])
        while week <= last_week and (end_week is None or week < end_week):
            in_progress[(team, week)].add(span["issue_id"])
            week += timedelta(days=7)
    for key, row in rows.items():
        row["issues_in_progress"] = len(in_progress.get(key, ()))
        cycle_times = row.pop("_cycle")
        row["cycle_time_p50_hours"] = percentile(cycle_times, 0.5)
        row["cycle_time_p85_hours"] = percentile(cycle_times, 0.85)
    return rows
