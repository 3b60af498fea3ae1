"""An issue's state spans (`Issue.stateHistory`) and change log (`Issue.history`), kept on the
issue row as `_spans` and `_history` so they always agree with its current state and times.

Spans are seeded from the generated timestamps (created, triaged, started, completed,
canceled), with the detours real issues take (backlog before todo, a review step, a bounce
back from review to todo), plus the labels added at creation (now and then one removed and put
back later); every later change goes through `move_state` / `record`, which close
the open span, open the next and log the change.
"""

from __future__ import annotations

import random
from typing import Any

from sandbox.linear.generate import new_id
from sandbox.linear.model import HISTORY_CHANGE_FIELDS
from sandbox.linear.store import Row, set_time, tie
from sandbox.linear.timeutil import iso_ms, parse_datetime

#: Linear's GitHub integration, as `IssueHistory.botActor` shows it.
GITHUB_BOT = {"id": "github", "type": "github", "subType": None, "name": "GitHub"}


def _ms(value: str | None) -> int | None:
    return None if value is None else parse_datetime(value)


def _span(rng: random.Random, state: Row, started: int) -> Row:
    row: Row = {"id": new_id(rng), "stateId": state["id"], "_state": state}
    row.update(startedAt=iso_ms(started), endedAt=None)
    row.update(_createdAt=started, _archivedAt=None, _tie=tie(row["id"]))
    return row


def record(
    rng: random.Random,
    issue: Row,
    at: int,
    *,
    actor: Row | None = None,
    bot: dict[str, Any] | None = None,
    **changes: Any,
) -> Row:
    """Log one change of `issue` at `at` (epoch ms) by `actor` (a user row) or `bot`."""
    entry: Row = {"id": new_id(rng)}
    for name in ("createdAt", "updatedAt", "archivedAt"):
        set_time(entry, name, at if name != "archivedAt" else None)
    entry.update(dict.fromkeys(HISTORY_CHANGE_FIELDS))
    unknown = set(changes) - set(HISTORY_CHANGE_FIELDS)
    if unknown:
        raise ValueError(f"not IssueHistory change fields: {sorted(unknown)}")
    entry.update(changes)
    entry.update(actorId=None if actor is None else actor["id"], botActor=bot, _actor=actor)
    entry["_tie"] = tie(entry["id"])
    issue.setdefault("_history", []).append(entry)
    return entry


def move_state(
    rng: random.Random,
    issue: Row,
    state: Row,
    at: int,
    *,
    actor: Row | None = None,
    bot: dict[str, Any] | None = None,
) -> None:
    """Close the open span at `at`, open one in `state` and log the move (no-op if unchanged)."""
    spans = issue.setdefault("_spans", [])
    previous = spans[-1]["_state"] if spans else None
    if previous is state:
        return
    if spans:
        spans[-1]["endedAt"] = iso_ms(at)
    spans.append(_span(rng, state, at))
    if previous is not None:
        record(
            rng,
            issue,
            at,
            actor=actor,
            bot=bot,
            fromStateId=previous["id"],
            toStateId=state["id"],
        )


def seed(
    rng: random.Random,
    issue: Row,
    states: dict[str, list[Row]],
    cycles: list[Row],
    users: list[Row],
) -> None:
    """The spans and history of a generated issue, from its timestamps and current state.
    `states` holds the team's workflow states by type (in position order)."""
    issue["_spans"], issue["_history"] = [], []
    created = issue["_createdAt"]
    updated = issue["_updatedAt"]
    kind = issue["state"]["type"]
    actor = issue["assignee"] or issue["creator"]
    path: list[tuple[int, Row, dict[str, Any] | None]] = []  # (at, state, bot)

    def go(at: int | None, state: Row, bot: dict[str, Any] | None = None) -> None:
        # Strictly increasing: every span lasts at least a millisecond.
        at = max(at if at is not None else created, path[-1][0] + 1 if path else created)
        path.append((at, state, bot))

    def between(start: int, end: int) -> int:
        return start + int(rng.random() * max(end - start, 0))

    triaged, started = _ms(issue["triagedAt"]), _ms(issue["startedAt"])
    completed, canceled = _ms(issue["completedAt"]), _ms(issue["canceledAt"])
    if kind == "triage":
        go(created, issue["state"])
    else:
        if triaged is not None:
            go(created, states["triage"][0])
        begin = triaged or created
        first_done = started or completed or canceled or updated
        if kind in ("backlog", "unstarted"):
            if kind == "unstarted" and rng.random() < 0.4:
                go(begin, states["backlog"][0])
                go(between(begin, updated), issue["state"])
            else:
                go(begin, issue["state"])
        else:
            pre = rng.choice(["backlog", "unstarted"])
            go(begin, states[pre][0])
            if pre == "backlog" and rng.random() < 0.4:
                go(between(begin, first_done), states["unstarted"][0])
        if kind in ("started", "completed"):
            progress, review = states["started"][0], states["started"][-1]
            end = completed or updated
            go(started, progress)
            if issue["state"] is review or (kind == "completed" and rng.random() < 0.6):
                at_review = between(path[-1][0], end)
                go(at_review, review)
                if kind == "completed" and rng.random() < 0.25:  # bounced back from review
                    go(between(at_review, end), states["unstarted"][0])
                    go(between(path[-1][0], end), progress)
                    go(between(path[-1][0], end), review)
            if kind == "completed":
                go(completed, issue["state"], GITHUB_BOT if rng.random() < 0.5 else None)
        elif kind == "canceled":
            go(canceled, issue["state"])
    for at, state, bot in path:
        move_state(rng, issue, state, at, actor=None if bot else actor, bot=bot)
    if path[-1][0] > updated:  # a detour pushed the last move past updatedAt
        updated = path[-1][0]
        set_time(issue, "updatedAt", updated)
    if issue["assignee"] is not None:
        record(rng, issue, created, actor=issue["creator"], toAssigneeId=issue["assignee"]["id"])
    _seed_cycles(rng, issue, cycles, created, updated, actor)
    rolled = _plan_and_roll_over(issue, cycles, created, actor)
    if rolled > updated:  # a roll-over is a change: it moves updatedAt
        updated = rolled
        set_time(issue, "updatedAt", updated)
    _seed_labels(issue, created, updated, actor)


def _seed_labels(issue: Row, created: int, updated: int, actor: Row | None) -> None:
    """The issue's labels, added when it was created; now and then one taken off by mistake
    and put back later. Its own random stream per issue, so the rest of the seeded history
    stays as it was."""
    labels = list(issue["labelIds"])
    if not labels:
        return
    rng = random.Random(f"linear:history:labels:{issue['id']}")
    record(rng, issue, created, actor=issue["creator"], addedLabelIds=labels)
    if updated - created > 2 and rng.random() < 0.3:
        label = rng.choice(labels)
        removed = created + 1 + int(rng.random() * (updated - created - 2))
        put_back = removed + 1 + int(rng.random() * (updated - removed - 1))
        record(rng, issue, removed, actor=actor, removedLabelIds=[label])
        record(rng, issue, put_back, actor=actor, addedLabelIds=[label])


def _seed_cycles(
    rng: random.Random,
    issue: Row,
    cycles: list[Row],
    created: int,
    updated: int,
    actor: Row | None,
) -> None:
    """When the issue joined its cycle (sometimes carried over from the one before), or joined
    a cycle and was taken out again."""
    cycle = issue["cycle"]
    if cycle is not None:
        index = cycles.index(cycle)
        before = cycles[index - 1] if index > 0 else None
        if before is not None and rng.random() < 0.4 and created < parse_datetime(before["endsAt"]):
            joined = max(created, before["_startsAt"] - 86_400_000)
            moved = max(parse_datetime(before["endsAt"]), joined)
            if moved <= updated:
                record(rng, issue, joined, actor=actor, toCycleId=before["id"])
                record(
                    rng, issue, moved, actor=None, fromCycleId=before["id"], toCycleId=cycle["id"]
                )
                return
        record(
            rng,
            issue,
            min(max(created, cycle["_startsAt"]), updated),
            actor=actor,
            toCycleId=cycle["id"],
        )
    elif cycles and rng.random() < 0.3:  # planned into a cycle, then taken out
        for taken in cycles:
            joined = max(created, taken["_startsAt"] - 86_400_000)
            last = min(updated, parse_datetime(taken["endsAt"]))
            if joined < last:
                record(rng, issue, joined, actor=actor, toCycleId=taken["id"])
                left = joined + 1 + int(rng.random() * (last - joined - 1))
                record(rng, issue, left, actor=actor, fromCycleId=taken["id"])
                break


#: Share of completed issues never in a cycle that are put in the cycle they were completed in.
PLANNED_SHARE = 0.5


def _plan_and_roll_over(issue: Row, cycles: list[Row], created: int, actor: Row | None) -> int:
    """Some completed issues that were in no cycle are planned into the cycle they were
    completed in (at its start, or their creation); then Linear's roll-over: when a cycle
    completes, an issue in it that is neither completed nor canceled by its end moves to the
    next cycle, at that end (the history records the move), cycle after cycle. Its own random
    stream per issue, so the rest of the seeded history stays as it was. Returns the time of
    the issue's last cycle change (0 when none)."""
    rng = random.Random(f"linear:history:cycles:{issue['id']}")
    completed, canceled = _ms(issue["completedAt"]), _ms(issue["canceledAt"])
    done = min((t for t in (completed, canceled) if t is not None), default=None)
    last = 0
    ever_in_cycle = any(e["toCycleId"] or e["fromCycleId"] for e in issue.get("_history", []))
    if issue["cycle"] is None and not ever_in_cycle and completed is not None:
        for cycle in cycles:
            starts, ends = cycle["_startsAt"], parse_datetime(cycle["endsAt"])
            if starts <= completed < ends and rng.random() < PLANNED_SHARE:
                last = min(max(created, starts), completed)
                record(rng, issue, last, actor=actor, toCycleId=cycle["id"])
                issue["cycle"] = cycle
                break
    cycle = issue["cycle"]
    if cycle is None:
        return last
    index = cycles.index(cycle)
    while cycle["completedAt"] is not None and index + 1 < len(cycles):
        ends = parse_datetime(cycle["endsAt"])
        if done is not None and done < ends:
            break
        following = cycles[index + 1]
        record(rng, issue, ends, actor=None, fromCycleId=cycle["id"], toCycleId=following["id"])
        cycle, index, last = following, index + 1, ends
    issue["cycle"] = cycle
    return last


def spans_truth(issues: list[Row]) -> list[dict[str, Any]]:
    """Every state span of `issues` as tests compare it: ids, state type, epoch-ms times."""
    return [
        {
            "id": span["id"],
            "issue_id": issue["id"],
            "state_id": span["stateId"],
            "state_type": span["_state"]["type"],
            "started_ms": span["_createdAt"],
            "ended_ms": None if span["endedAt"] is None else parse_datetime(span["endedAt"]),
        }
        for issue in issues
        for span in issue.get("_spans", [])
    ]
