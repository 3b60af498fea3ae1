"""`LinearWorkspace`: the synthetic company's Linear data, its truth, and the mutations tests
use to change it between pipeline runs."""

from __future__ import annotations

import random
import threading
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from sandbox.company import Company
from sandbox.linear import history, removals, vocab
from sandbox.linear.generate import base_row, generate, issue_links, new_id
from sandbox.linear.model import ENTITIES, RELATIONS, SCALAR_FIELDS
from sandbox.linear.store import Row, Table, set_time
from sandbox.linear.timeutil import MsClock, iso_ms, parse_datetime, to_ms

#: Where each state type may move next, as `mutate_issues` walks issues through their life.
NEXT_STATE = {
    "triage": "backlog",
    "backlog": "unstarted",
    "unstarted": "started",
    "started": "completed",
    "completed": "started",
    "canceled": "backlog",
    "duplicate": "backlog",
}
TEAM_SUFFIXES = ["Core", "Squad", "Guild", "Crew"]
#: The fields an issue added later starts without: never canceled, auto-closed or -archived,
#: triaged or trashed.
NEW_ISSUE_NULLS: dict[str, None] = dict.fromkeys(
    ("canceledAt", "autoClosedAt", "autoArchivedAt", "triagedAt", "trashed")
)


@dataclass(frozen=True)
class IssueRef:
    """What the GitHub half needs to know about a Linear issue (times are aware UTC)."""

    id: str
    identifier: str
    branch_name: str
    title: str
    team_key: str
    created_at: datetime
    started_at: datetime | None
    completed_at: datetime | None
    assignee_github_login: str | None


class LinearWorkspace:
    """All Linear data of one company: tables of rows, the organization and the viewer.

    Deterministic for a seed, size and `now`; mutations draw from their own random stream, so
    the same calls in the same order change the same rows. Every mutation stamps `updatedAt`
    from a strictly increasing millisecond clock (never below `company.now`).
    """

    def __init__(self, company: Company, lock: threading.RLock | None = None) -> None:
        self.company = company
        self.lock = lock or threading.RLock()
        generated = generate(company)
        self.organization: Row = generated.organization
        self.viewer: Row | None = generated.viewer
        self.tables: dict[str, Table] = {
            entity: Table(entity, rows) for entity, rows in generated.tables.items()
        }
        self.clock = MsClock(to_ms(company.now))
        self._rng = company.rng("linear:mutations")
        # History ids and choices draw from their own streams: the data above stays as it was.
        self._history_rng = company.rng("linear:history-mutations")
        self.tables.setdefault("attachments", Table("attachments", []))
        #: Ids of the issues whose `history` or `stateHistory` a query read (in order).
        self.history_reads: list[str] = []
        #: Links to pull requests Linear itself keeps, by pull request id (`sandbox.pr_links`).
        self.pull_request_links: dict[int, tuple[str, str]] = {}
        self._seed_history(company.rng("linear:history"))

    def _seed_history(self, rng: random.Random) -> None:
        states: dict[str, dict[str, list[Row]]] = {}
        for state in sorted(self.table("workflowStates").rows, key=lambda s: s["position"]):
            states.setdefault(state["team"]["id"], {}).setdefault(state["type"], []).append(state)
        cycles: dict[str, list[Row]] = {}
        for cycle in sorted(self.table("cycles").rows, key=lambda c: c["startsAt"]):
            cycles.setdefault(cycle["team"]["id"], []).append(cycle)
        users = self.table("users").rows
        for row in self.table("issues").rows:
            row.setdefault("previousIdentifiers", [])
            team = row["team"]["id"]
            history.seed(rng, row, states[team], cycles.get(team, []), users)

    def _move(self, row: Row, state: Row, now: int) -> None:
        """Record a state change in the issue's spans and history (actor: its assignee)."""
        history.move_state(self._history_rng, row, state, now, actor=row["assignee"])

    # -- reading -------------------------------------------------------------------------------
    def table(self, entity: str) -> Table:
        """The table of one entity (see `model.ENTITIES`)."""
        if entity not in self.tables:
            raise KeyError(f"unknown Linear entity {entity!r}; expected one of {ENTITIES}")
        return self.tables[entity]

    def get(self, entity: str, row_id: str) -> Row:
        """One row by id (KeyError when absent)."""
        return self.table(entity).by_id[row_id]

    def truth(self, entity: str) -> list[dict[str, Any]]:
        """Every row of `entity` (archived and deactivated too) in wire shape."""
        scalars = SCALAR_FIELDS[entity]
        relations = RELATIONS[entity]
        with self.lock:
            out = []
            for row in self.table(entity).rows:
                record = {field: row[field] for field in scalars}
                for field in relations:
                    related = row[field]
                    record[field] = None if related is None else {"id": related["id"]}
                if "labelIds" in record:
                    record["labelIds"] = list(record["labelIds"])
                if "previousIdentifiers" in record:
                    record["previousIdentifiers"] = list(record["previousIdentifiers"])
                out.append(record)
            return out

    def state_spans_truth(self) -> list[dict[str, Any]]:
        """Every issue's state spans (see `history.spans_truth`)."""
        with self.lock:
            return history.spans_truth(self.table("issues").rows)

    def history_truth(self) -> list[dict[str, Any]]:
        """Every issue's history entries in wire shape, with `issue_id`."""
        with self.lock:
            return [
                {k: v for k, v in entry.items() if not k.startswith("_")} | {"issue_id": row["id"]}
                for row in self.table("issues").rows
                for entry in row.get("_history", [])
            ]

    def issue_refs(self) -> list[IssueRef]:
        """Every issue as the GitHub half sees it, in creation order."""
        people = {person.index: person for person in self.company.people}
        with self.lock:
            refs = []
            for row in self.table("issues").rows:
                assignee = row["assignee"]
                person = people.get(assignee["_person"]) if assignee else None
                refs.append(
                    IssueRef(
                        id=row["id"],
                        identifier=row["identifier"],
                        branch_name=row["branchName"],
                        title=row["title"],
                        team_key=row["team"]["key"],
                        created_at=_dt(row["createdAt"]),
                        started_at=_dt(row["startedAt"]),
                        completed_at=_dt(row["completedAt"]),
                        assignee_github_login=person.github_login if person else None,
                    )
                )
            return refs

    # -- generic mutations ---------------------------------------------------------------------
    def touch(self, entity: str, ids: Iterable[str]) -> list[str]:
        """Move `updatedAt` of the given rows to now (one clock tick each)."""
        with self.lock:
            table = self.table(entity)
            touched = []
            for row_id in ids:
                set_time(table.by_id[row_id], "updatedAt", self.clock.next())
                touched.append(row_id)
            table.changed()
            return touched

    def set_updated_at(
        self, entity: str, ids: Iterable[str], timestamp: datetime | str | int
    ) -> list[str]:
        """Set `updatedAt` of the given rows to one timestamp (datetime, ISO text or epoch ms),
        e.g. to create equal timestamps on purpose."""
        ms = _to_ms(timestamp)
        with self.lock:
            table = self.table(entity)
            changed = []
            for row_id in ids:
                set_time(table.by_id[row_id], "updatedAt", ms)
                changed.append(row_id)
            table.changed()
            return changed

    def _pick(self, rows: list[Row], n: int) -> list[Row]:
        return self._rng.sample(rows, min(n, len(rows)))

    # -- issues --------------------------------------------------------------------------------
    def mutate_issues(self, n: int) -> list[str]:
        """Change `n` unarchived issues: move each to its next state (with consistent
        started/completed/canceled timestamps) and change some of assignee, title, labels and
        estimate."""
        with self.lock:
            issues = self.table("issues")
            users = self.table("users").rows
            picked = self._pick([r for r in issues.rows if r["archivedAt"] is None], n)
            for row in picked:
                now = self.clock.next()
                self._advance_state(row, now)
                rng = self._rng
                before = (row["assignee"], list(row["labelIds"]), row["estimate"])
                if users and rng.random() < 0.5:
                    row["assignee"] = vocab.pick(rng, users)
                if rng.random() < 0.4:
                    row["title"] = vocab.title(rng)
                if rng.random() < 0.4:
                    row["labelIds"] = self._labels_for(row["team"], rng)
                if rng.random() < 0.4:
                    row["estimate"] = vocab.pick(rng, [None, 1, 2, 3, 5, 8])
                self._record_edits(row, before, now)
                issue_links(row, self.organization["urlKey"])
                set_time(row, "updatedAt", now)
            issues.changed()
            return [row["id"] for row in picked]

    def churn_issue(self, issue_id: str, n: int) -> None:
        """Re-estimate one issue `n` times (a long history, as busy issues have)."""
        with self.lock:
            row = self.get("issues", issue_id)
            for _ in range(n):
                now = self.clock.next()
                before = (row["assignee"], list(row["labelIds"]), row["estimate"])
                row["estimate"] = 1 + int(row["estimate"] or 0) % 8
                self._record_edits(row, before, now)
                set_time(row, "updatedAt", now)
            self.table("issues").changed()

    def _record_edits(self, row: Row, before: tuple[Any, list[str], Any], now: int) -> None:
        assignee, labels, estimate = before
        changes: dict[str, Any] = {}
        if row["assignee"] is not assignee:
            changes["fromAssigneeId"] = assignee["id"] if assignee else None
            changes["toAssigneeId"] = row["assignee"]["id"] if row["assignee"] else None
        if row["labelIds"] != labels:
            changes["addedLabelIds"] = [i for i in row["labelIds"] if i not in labels]
            changes["removedLabelIds"] = [i for i in labels if i not in row["labelIds"]]
        if row["estimate"] != estimate:
            changes.update(fromEstimate=estimate, toEstimate=row["estimate"])
        if changes:
            history.record(self._history_rng, row, now, actor=row["assignee"], **changes)

    def _advance_state(self, row: Row, now: int) -> None:
        kind = row["state"]["type"]
        team_states = [s for s in self.table("workflowStates").rows if s["team"] is row["team"]]
        started = [s for s in team_states if s["type"] == "started"]
        if kind == "started" and row["state"] is not started[-1]:
            state = started[started.index(row["state"]) + 1]  # In Progress -> In Review
        else:
            cancel = kind in ("backlog", "unstarted") and self._rng.random() < 0.1
            target = "canceled" if cancel else NEXT_STATE.get(kind, "backlog")
            state = next(s for s in team_states if s["type"] == target)
        self._move(row, state, now)
        row["state"] = state
        stamp = iso_ms(now)
        if kind == "triage":
            row["triagedAt"] = stamp
        if state["type"] == "started":
            row["startedAt"] = row["startedAt"] or stamp
            row["completedAt"] = None
        elif state["type"] == "completed":
            row["startedAt"] = row["startedAt"] or stamp
            row["completedAt"] = stamp
        elif state["type"] == "canceled":
            row["canceledAt"] = stamp
        elif state["type"] == "backlog":
            row["canceledAt"] = row["autoClosedAt"] = None

    def _labels_for(self, team: Row, rng: random.Random) -> list[str]:
        pool = [
            label["id"]
            for label in self.table("issueLabels").rows
            if not label["isGroup"]
            and label["archivedAt"] is None
            and label["team"] in (None, team)
        ]
        return rng.sample(pool, min(rng.randint(0, 3), len(pool)))

    def add_issues(self, n: int) -> list[str]:
        """Create `n` new issues (backlog, triage or todo), created and updated now."""
        with self.lock:
            issues = self.table("issues")
            teams = self.table("teams").rows
            users = self.table("users").rows
            rng = self._rng
            numbers: dict[str, int] = {}
            by_team: dict[str, list[Row]] = {}
            for row in issues.rows:
                key = row["team"]["id"]
                numbers[key] = max(numbers.get(key, 0), int(row["number"]))
                by_team.setdefault(key, []).append(row)
            added = []
            for _ in range(n):
                now = self.clock.next()
                team = vocab.pick(rng, teams)
                numbers[team["id"]] = number = numbers.get(team["id"], 0) + 1
                kind = vocab.pick(rng, ["triage", "backlog", "unstarted"])
                state = next(
                    s
                    for s in self.table("workflowStates").rows
                    if s["team"] is team and s["type"] == kind
                )
                siblings = by_team.setdefault(team["id"], [])
                priority = rng.randint(0, 4)
                row: Row = {"id": new_id(rng)}
                for field in ("createdAt", "updatedAt"):
                    set_time(row, field, now)
                set_time(row, "archivedAt", None)
                row.update(
                    identifier=f"{team['key']}-{number}",
                    number=number,
                    title=vocab.title(rng),
                    description=vocab.text(rng, 2),
                    priority=priority,
                    priorityLabel=vocab.PRIORITY_LABELS[priority],
                    estimate=vocab.pick(rng, [None, 1, 2, 3]),
                    dueDate=None,
                    startedAt=None,
                    completedAt=None,
                    **NEW_ISSUE_NULLS,
                    team=team,
                    state=state,
                    assignee=vocab.pick(rng, users) if users and rng.random() < 0.6 else None,
                    creator=vocab.pick(rng, users) if users else None,
                    cycle=None,
                    project=None,
                    parent=vocab.pick(rng, siblings) if siblings and rng.random() < 0.1 else None,
                    labelIds=self._labels_for(team, rng),
                    previousIdentifiers=[],
                )
                issue_links(row, self.organization["urlKey"])
                self._move(row, state, now)
                issues.add(row)
                siblings.append(row)
                added.append(row["id"])
            return added

    def archive_issues(self, n: int, touch_updated_at: bool = False) -> list[str]:
        """Archive `n` unarchived issues now. `updatedAt` stays unless `touch_updated_at`
        (Linear does not promise that archiving moves it)."""
        with self.lock:
            issues = self.table("issues")
            picked = self._pick([r for r in issues.rows if r["archivedAt"] is None], n)
            for row in picked:
                now = self.clock.next()
                set_time(row, "archivedAt", now)
                if touch_updated_at:
                    set_time(row, "updatedAt", now)
            issues.changed()
            return [row["id"] for row in picked]

    # -- what only a reconcile run sees (sandbox.linear.removals) ----------------------------
    def unarchive_issues(self, n: int) -> list[str]:
        """Unarchive `n` archived issues; `updatedAt` stays."""
        return removals.unarchive_issues(self, n)

    def trash_issues(self, n: int) -> list[str]:
        """Move `n` issues to the trash; `updatedAt` stays."""
        return removals.trash_issues(self, n)

    def restore_from_trash(self, n: int) -> list[str]:
        """Restore `n` trashed issues; `updatedAt` stays."""
        return removals.restore_from_trash(self, n)

    def delete_issues(self, n: int) -> list[str]:
        """Delete `n` issues (and their comments and attachments) for good."""
        return removals.delete_issues(self, n)

    def delete_comments(self, n: int) -> list[str]:
        """Delete `n` comments for good."""
        return removals.delete_comments(self, n)

    # -- comments, users, teams ----------------------------------------------------------------
    def add_comments(self, n: int) -> list[str]:
        """Add `n` comments, now, on random unarchived issues by random active users."""
        with self.lock:
            comments = self.table("comments")
            issues = [r for r in self.table("issues").rows if r["archivedAt"] is None]
            users = [u for u in self.table("users").rows if u["active"]]
            added = []
            for _ in range(n if issues and users else 0):
                now = self.clock.next()
                issue = vocab.pick(self._rng, issues)
                row: Row = {"id": new_id(self._rng)}
                for field in ("createdAt", "updatedAt"):
                    set_time(row, field, now)
                set_time(row, "archivedAt", None)
                row.update(
                    body=vocab.text(self._rng, 2),
                    editedAt=None,
                    url=f"{issue['url']}#comment-{row['id'][:8]}",
                    issue=issue,
                    user=vocab.pick(self._rng, users),
                    parent=None,
                )
                comments.add(row)
                added.append(row["id"])
            return added

    def edit_comments(self, n: int) -> list[str]:
        """Edit the body of `n` unarchived comments now (`editedAt` = `updatedAt` = now)."""
        with self.lock:
            comments = self.table("comments")
            picked = self._pick([r for r in comments.rows if r["archivedAt"] is None], n)
            for row in picked:
                now = self.clock.next()
                row["body"] = f"{row['body']} (edited) {vocab.text(self._rng, 1)}"
                row["editedAt"] = iso_ms(now)
                set_time(row, "updatedAt", now)
            comments.changed()
            return [row["id"] for row in picked]

    def deactivate_users(self, n: int) -> list[str]:
        """Deactivate `n` active users (never the viewer); `updatedAt` moves."""
        with self.lock:
            users = self.table("users")
            candidates = [u for u in users.rows if u["active"] and u is not self.viewer]
            picked = self._pick(candidates, n)
            for row in picked:
                row["active"] = False
                set_time(row, "updatedAt", self.clock.next())
            users.changed()
            return [row["id"] for row in picked]

    def rename_teams(self, n: int) -> list[str]:
        """Rename `n` teams (e.g. "Engineering" -> "Engineering Core"); `updatedAt` moves."""
        with self.lock:
            teams = self.table("teams")
            picked = self._pick(teams.rows, n)
            for row in picked:
                row["name"] = f"{row['name']} {vocab.pick(self._rng, TEAM_SUFFIXES)}"
                set_time(row, "updatedAt", self.clock.next())
            teams.changed()
            return [row["id"] for row in picked]

    # -- workflow states -----------------------------------------------------------------------
    def add_state_type(self, kind: str, name: str) -> list[str]:
        """Give every team a workflow state of type `kind` (e.g. Linear's `duplicate`, or a
        type this pipeline has never seen); returns the new states' ids."""
        with self.lock:
            states = self.table("workflowStates")
            added = []
            for team in self.table("teams").rows:
                now = self.clock.next()
                row = base_row(new_id(self._rng), now, now)
                position = 1 + max(s["position"] for s in states.rows if s["team"] is team)
                row.update(name=name, type=kind, color="#95a2b3", position=position)
                row.update(description=None, team=team)
                states.add(row)
                added.append(row["id"])
            states.changed(relinked=True)
            return added

    def move_issues_to_state_type(self, kind: str, n: int) -> list[str]:
        """Move `n` open (not completed, canceled or archived) issues to their team's state of
        type `kind`, as marking an issue a duplicate does; `updatedAt` moves."""
        with self.lock:
            issues = self.table("issues")
            states = self.table("workflowStates").rows
            open_issues = [
                r
                for r in issues.rows
                if r["archivedAt"] is None and r["state"]["type"] not in ("completed", "canceled")
            ]
            picked = self._pick(open_issues, n)
            for row in picked:
                state = next(s for s in states if s["team"] is row["team"] and s["type"] == kind)
                now = self.clock.next()
                self._move(row, state, now)
                row["state"] = state
                set_time(row, "updatedAt", now)
            issues.changed(relinked=True)
            return [row["id"] for row in picked]


def _dt(text: str | None) -> datetime | None:
    return None if text is None else datetime.fromisoformat(text).astimezone(UTC)


def _to_ms(timestamp: datetime | str | int) -> int:
    if isinstance(timestamp, datetime):
        return to_ms(timestamp if timestamp.tzinfo else timestamp.replace(tzinfo=UTC))
    if isinstance(timestamp, str):
        return parse_datetime(timestamp)
    return int(timestamp)
