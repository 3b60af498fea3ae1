"""Build a Linear workspace's initial rows from a `Company`, deterministically and fast.

Each entity draws from its own `company.rng(purpose)` stream. Times are epoch ms between
`company.start` (a few entities predate it: users, teams, labels) and `company.now`.
"""

from __future__ import annotations

import random
import re
from bisect import bisect
from dataclasses import dataclass
from itertools import accumulate

from sandbox.company import Company
from sandbox.linear import vocab
from sandbox.linear.store import Row, set_time
from sandbox.linear.timeutil import DAY_MS, day, iso_ms, to_ms
from sandbox.linear.vocab import T, pick

HOUR_MS = 3_600_000
CYCLE_MS = 14 * DAY_MS
STATE_TYPES = ["triage", "backlog", "unstarted", "started", "completed", "canceled"]
OLD_ISSUE_WEIGHTS = list(accumulate([2, 8, 4, 4, 70, 12]))  # issues older than 60 days
NEW_ISSUE_WEIGHTS = list(accumulate([8, 20, 20, 22, 25, 5]))
PRIORITY_WEIGHTS = list(accumulate([30, 5, 20, 30, 15]))
ESTIMATES = [None, 1, 2, 3, 5, 8]
ESTIMATE_WEIGHTS = list(accumulate([35, 15, 20, 15, 10, 5]))
LABEL_COUNT_WEIGHTS = list(accumulate([30, 35, 25, 10]))


@dataclass
class Generated:
    """The initial rows of every entity, the organization and the viewer."""

    organization: Row
    tables: dict[str, list[Row]]
    viewer: Row | None  # None only for a company without Linear users


def new_id(rng: random.Random) -> str:
    """A UUID v4 string drawn from `rng` (as `str(uuid.UUID(int=..., version=4))`)."""
    bits = rng.getrandbits(128) & _UUID_CLEAR | _UUID_SET
    h = f"{bits:032x}"
    return f"{h[:8]}-{h[8:12]}-{h[12:16]}-{h[16:20]}-{h[20:]}"


_UUID_CLEAR = ~((0xF000 << 64) | (0xC000 << 48))
_UUID_SET = (0x4000 << 64) | (0x8000 << 48)


def weighted(rng: random.Random, items: list[T], cumulative: list[int] | list[float]) -> T:
    """One of `items`, drawn with the given cumulative weights."""
    return items[bisect(cumulative, rng.random() * cumulative[-1])]


def base_row(row_id: str, created: int, updated: int, archived: int | None = None) -> Row:
    """A row with its id and the three indexed timestamps."""
    row: Row = {"id": row_id}
    set_time(row, "createdAt", created)
    set_time(row, "updatedAt", updated)
    set_time(row, "archivedAt", archived)
    return row


def user_slug(user: Row | None) -> str:
    """The user part of a branch name (`jane.doe` -> `janedoe`)."""
    return "" if user is None else re.sub(r"[^a-z0-9]", "", user["displayName"].lower())


def issue_links(row: Row, url_key: str) -> None:
    """(Re)compute an issue's `url` and `branchName` from its identifier, title and assignee."""
    title_slug = vocab.slug(row["title"], 50)
    row["url"] = f"https://linear.app/{url_key}/issue/{row['identifier']}/{title_slug}"
    prefix = user_slug(row["assignee"] or row["creator"])
    branch = f"{row['identifier'].lower()}-{title_slug}"
    row["branchName"] = f"{prefix}/{branch}" if prefix else branch


class Builder:
    """Generates every entity in dependency order; `build()` returns the result."""

    def __init__(self, company: Company) -> None:
        self.company = company
        self.size = company.size
        self.now = to_ms(company.now)
        self.start = to_ms(company.start)
        self.url_key = vocab.ORGANIZATION[1]

    def rng(self, purpose: str) -> random.Random:
        return self.company.rng(f"linear:{purpose}")

    def build(self) -> Generated:
        org_rng = self.rng("organization")
        organization = {
            "id": new_id(org_rng),
            "name": vocab.ORGANIZATION[0],
            "urlKey": self.url_key,
        }
        users = self.users()
        teams = self.teams()
        states = self.states(teams)
        cycles = self.cycles(teams)
        projects = self.projects(users)
        labels = self.labels(teams)
        issues = self.issues(teams, states, cycles, projects, labels, users)
        comments = self.comments(issues, users)
        active = [u for u in users if u["active"]]
        fallback = active[0] if active else (users[0] if users else None)
        viewer = next((u for u in active if u["admin"]), fallback)
        tables = {
            "issues": issues,
            "users": users,
            "teams": teams,
            "workflowStates": states,
            "cycles": cycles,
            "projects": projects,
            "issueLabels": labels,
            "comments": comments,
        }
        return Generated(organization, tables, viewer)

    def later(self, rng: random.Random, after: int, within: int | None = None) -> int:
        """A time after `after`, within `within` ms of it (default: until now), <= now."""
        span = self.now - after if within is None else min(within, self.now - after)
        return after + int(rng.random() * max(span, 0))

    # -- reference entities -------------------------------------------------------------------
    def users(self) -> list[Row]:
        rng = self.rng("users")
        rows = []
        for person in self.company.linear_people:
            created = self.start - int(rng.random() * 200 * DAY_MS)
            updated = self.later(rng, created, 30 * DAY_MS)
            if not person.linear_active:  # deactivated some time later
                updated = self.later(rng, self.later(rng, created))
            display = person.email.split("@")[0]
            admin = person.index == 0 or rng.random() < 0.1
            row = base_row(new_id(rng), created, updated)
            row.update(
                name=person.name,
                displayName=display,
                email=person.email,
                active=person.linear_active,
                admin=admin,
                guest=not admin and rng.random() < 0.05,
                gitHubUserId=str(person.github_id) if person.links_github else None,
                timezone=rng.choice(vocab.TIMEZONES),
                url=f"https://linear.app/{self.url_key}/profiles/{display}",
                _person=person.index,
            )
            rows.append(row)
        return rows

    def teams(self) -> list[Row]:
        rng = self.rng("teams")
        rows = []
        for i in range(self.size.teams):
            key, name = vocab.TEAMS[i] if i < len(vocab.TEAMS) else (f"T{i + 1}", f"Team {i + 1}")
            created = self.start - 200 * DAY_MS + i * 7 * DAY_MS + int(rng.random() * DAY_MS)
            row = base_row(new_id(rng), created, self.later(rng, created))
            row.update(
                key=key,
                name=name,
                description=f"The {name.lower()} team." if rng.random() < 0.7 else None,
                private=i >= 2 and i == self.size.teams - 1,
                timezone=rng.choice(vocab.TIMEZONES),
                cyclesEnabled=self.size.cycles_per_team > 0 and key != "OPS",
            )
            rows.append(row)
        return rows

    def states(self, teams: list[Row]) -> list[Row]:
        rng = self.rng("states")
        rows = []
        for team in teams:
            for position, (name, kind, color) in enumerate(vocab.WORKFLOW_STATES):
                created = team["_createdAt"]
                row = base_row(new_id(rng), created, self.later(rng, created, 90 * DAY_MS))
                row.update(
                    name=name,
                    type=kind,
                    color=color,
                    position=position,
                    description="Issues waiting to be triaged." if kind == "triage" else None,
                    team=team,
                )
                rows.append(row)
        return rows

    def cycles(self, teams: list[Row]) -> list[Row]:
        rng = self.rng("cycles")
        count = self.size.cycles_per_team
        future = min(2, max(count - 1, 0) // 3)
        current = count - 1 - future
        rows = []
        for team in teams:
            if not team["cyclesEnabled"]:
                continue
            now_day = self.now - self.now % DAY_MS
            current_start = now_day - rng.randint(1, 13) * DAY_MS
            for k in range(count):
                starts = current_start + (k - current) * CYCLE_MS
                ends = starts + CYCLE_MS
                created = min(starts - 7 * DAY_MS, self.now - rng.randint(1, 48) * HOUR_MS)
                completed = ends if k < current else None
                updated = completed if completed is not None else self.later(rng, created, DAY_MS)
                archived = None
                if k == 0 and count >= 4 and completed is not None:
                    archived = min(completed + 30 * DAY_MS, self.now)
                    updated = max(updated, archived)
                row = base_row(new_id(rng), created, updated, archived)
                row.update(
                    number=k + 1,
                    name=f"Sprint {k + 1}" if rng.random() < 0.5 else None,
                    description=None,
                    startsAt=iso_ms(starts),
                    endsAt=iso_ms(ends),
                    completedAt=None if completed is None else iso_ms(completed),
                    team=team,
                    _startsAt=starts,
                )
                rows.append(row)
        return rows

    def projects(self, users: list[Row]) -> list[Row]:
        rng = self.rng("projects")
        names = vocab.PROJECT_NAMES
        to_archive = max(1, self.size.projects // 8) if self.size.projects >= 3 else 0
        rows = []
        for i in range(self.size.projects):
            name = names[i % len(names)] + (f" {i // len(names) + 1}" if i >= len(names) else "")
            state = rng.choices(vocab.PROJECT_STATES, weights=[15, 20, 30, 5, 20, 10])[0]
            created = self.start + int(rng.random() * max(self.now - self.start - 30 * DAY_MS, 0))
            started = completed = canceled = archived = None
            if state in ("started", "paused", "completed") or (
                state == "canceled" and rng.random() < 0.5
            ):
                started = self.later(rng, created, 30 * DAY_MS)
            if state == "completed":
                completed = self.later(rng, started or created)
            if state == "canceled":
                canceled = self.later(rng, started or created)
            last = max(t for t in (created, started, completed, canceled) if t is not None)
            updated = self.later(rng, last, 5 * DAY_MS)
            if to_archive and (completed or canceled):
                to_archive -= 1
                archived = self.later(rng, completed or canceled or created)
                updated = max(updated, archived)
            start_ms = started or created + 7 * DAY_MS
            start_date = day(start_ms) if rng.random() < 0.8 else None
            target = start_ms + rng.randint(30, 120) * DAY_MS
            slug_id = f"{rng.getrandbits(48):012x}"
            row = base_row(new_id(rng), created, updated, archived)
            row.update(
                name=name,
                description=vocab.text(rng, 2),
                slugId=slug_id,
                url=f"https://linear.app/{self.url_key}/project/{vocab.slug(name)}-{slug_id}",
                priority=rng.randint(0, 4),
                state=state,
                startDate=start_date,
                targetDate=day(target) if start_date and rng.random() < 0.8 else None,
                startedAt=_iso(started),
                completedAt=_iso(completed),
                canceledAt=_iso(canceled),
                lead=rng.choice(users) if users and rng.random() < 0.8 else None,
                creator=rng.choice(users) if users else None,
            )
            rows.append(row)
        return rows

    def labels(self, teams: list[Row]) -> list[Row]:
        rng = self.rng("labels")
        wanted: list[tuple[str, str | None, Row | None]] = []
        for name, parent, team_scoped in vocab.LABELS:
            if team_scoped:
                wanted.extend((name, parent, team) for team in teams)
            else:
                wanted.append((name, parent, None))
        extra = 1
        while len(wanted) < self.size.labels:
            wanted.append((f"Label {extra}", None, None))
            extra += 1
        groups: dict[str, Row] = {}
        rows = []
        for i, (name, parent_name, team) in enumerate(wanted[: self.size.labels]):
            parent = groups.get(parent_name) if parent_name else None
            created = self.start - 60 * DAY_MS + int(rng.random() * 260 * DAY_MS)
            if parent is not None:
                created = max(created, parent["_createdAt"] + DAY_MS)
            is_group = name in vocab.LABEL_GROUPS
            archived = None
            if i % 8 == 6 and not is_group:
                archived = self.later(rng, created)
            updated = max(self.later(rng, created, 60 * DAY_MS), archived or 0)
            row = base_row(new_id(rng), created, updated, archived)
            row.update(
                name=name,
                description=None,
                color=rng.choice(vocab.COLORS),
                isGroup=is_group,
                team=team,
                parent=parent,
            )
            if is_group:
                groups[name] = row
            rows.append(row)
        return rows

    # -- issues and comments ------------------------------------------------------------------
    def issues(
        self,
        teams: list[Row],
        states: list[Row],
        cycles: list[Row],
        projects: list[Row],
        labels: list[Row],
        users: list[Row],
    ) -> list[Row]:
        rng = self.rng("issues")
        if not teams:
            return []
        count = self.size.issues
        span = max(self.now - self.start - 60_000, 1)
        created_times = sorted(self.start + int(rng.random() * span) for _ in range(count))
        team_weights = list(accumulate(1 / (i + 1) for i in range(len(teams))))
        by_team_state: dict[str, dict[str, list[Row]]] = {t["id"]: {} for t in teams}
        for state in states:
            by_team_state[state["team"]["id"]].setdefault(state["type"], []).append(state)
        team_cycles: dict[str, list[Row]] = {t["id"]: [] for t in teams}
        for cycle in cycles:
            team_cycles[cycle["team"]["id"]].append(cycle)
        leaves = [label for label in labels if not label["isGroup"]]
        pools = {t["id"]: [lab["id"] for lab in leaves if lab["team"] in (None, t)] for t in teams}
        numbers = dict.fromkeys(by_team_state, 0)
        per_team: dict[str, list[Row]] = {t["id"]: [] for t in teams}
        rows = []
        for created in created_times:
            team = weighted(rng, teams, team_weights)
            numbers[team["id"]] += 1
            old = self.now - created > 60 * DAY_MS
            kind = weighted(rng, STATE_TYPES, OLD_ISSUE_WEIGHTS if old else NEW_ISSUE_WEIGHTS)
            number = numbers[team["id"]]
            row, ref = self.issue(rng, created, team, number, kind, by_team_state, users)
            self.issue_links_to(
                rng,
                row,
                ref,
                team_cycles[team["id"]],
                projects,
                pools[team["id"]],
                per_team[team["id"]],
            )
            issue_links(row, self.url_key)
            per_team[team["id"]].append(row)
            rows.append(row)
        return rows

    def issue(
        self,
        rng: random.Random,
        created: int,
        team: Row,
        number: int,
        kind: str,
        by_team_state: dict[str, dict[str, list[Row]]],
        users: list[Row],
    ) -> tuple[Row, int]:
        """One issue's own fields and timestamps, consistent with its state type, and the time
        that places it in a cycle (started, else created)."""
        started = completed = canceled = triaged = auto_closed = archived = None
        if kind != "triage" and rng.random() < 0.25:
            triaged = self.later(rng, created, 2 * DAY_MS)
        if kind in ("started", "completed"):
            started = self.later(rng, created, 20 * DAY_MS)
        if kind == "completed":
            completed = self.later(rng, started or created, 15 * DAY_MS)
        if kind == "canceled":
            canceled = self.later(rng, created, 40 * DAY_MS)
            auto_closed = canceled if rng.random() < 0.2 else None
        events = (created, triaged, started, completed, canceled)
        last = max(t for t in events if t is not None)
        updated = self.later(rng, last, 3 * DAY_MS)
        auto_archived = trashed = None
        if rng.random() < 0.05:
            end = completed or canceled or created
            archived = self.later(rng, end)
            if (completed or canceled) and rng.random() < 0.5:
                auto_archived = archived
            trashed = True if rng.random() < 0.1 else None
            if rng.random() < 0.5:  # archiving does not always move updatedAt
                updated = max(updated, archived)
        priority = weighted(rng, [0, 1, 2, 3, 4], PRIORITY_WEIGHTS)
        row = base_row(new_id(rng), created, updated, archived)
        row.update(
            identifier=f"{team['key']}-{number}",
            number=number,
            title=vocab.title(rng),
            description=vocab.text(rng, 1 + int(rng.random() * 4)) if rng.random() < 0.7 else None,
            priority=priority,
            priorityLabel=vocab.PRIORITY_LABELS[priority],
            estimate=weighted(rng, ESTIMATES, ESTIMATE_WEIGHTS),
            dueDate=day(self.later(rng, created, 60 * DAY_MS)) if rng.random() < 0.15 else None,
            startedAt=_iso(started),
            completedAt=_iso(completed),
            canceledAt=_iso(canceled),
            autoClosedAt=_iso(auto_closed),
            autoArchivedAt=_iso(auto_archived),
            triagedAt=_iso(triaged),
            trashed=trashed,
            team=team,
            state=pick(rng, by_team_state[team["id"]][kind]),
            assignee=pick(rng, users) if users and rng.random() < 0.8 else None,
            creator=pick(rng, users) if users and rng.random() < 0.97 else None,
        )
        return row, started or created

    def issue_links_to(
        self,
        rng: random.Random,
        row: Row,
        ref: int,
        cycles: list[Row],
        projects: list[Row],
        label_pool: list[str],
        earlier: list[Row],
    ) -> None:
        """An issue's cycle (the one running at `ref`), project, parent and labels."""
        row["cycle"] = None
        if cycles and rng.random() < 0.6:
            k = (ref - cycles[0]["_startsAt"]) // CYCLE_MS
            row["cycle"] = cycles[k] if 0 <= k < len(cycles) else None
        row["project"] = pick(rng, projects) if projects and rng.random() < 0.35 else None
        row["parent"] = pick(rng, earlier) if earlier and rng.random() < 0.1 else None
        wanted = weighted(rng, [0, 1, 2, 3], LABEL_COUNT_WEIGHTS)
        row["labelIds"] = rng.sample(label_pool, min(wanted, len(label_pool)))

    def comments(self, issues: list[Row], users: list[Row]) -> list[Row]:
        rng = self.rng("comments")
        if not issues or not users:
            return []
        picks = []
        for _ in range(self.size.comments):
            issue = issues[int(rng.random() * len(issues))]
            start = issue["_createdAt"]
            picks.append((start + int((self.now - start) * rng.random() ** 2), issue))
        picks.sort(key=lambda pick: pick[0])
        roots: dict[str, list[Row]] = {}
        rows = []
        for created, issue in picks:
            row_id = new_id(rng)
            thread = roots.get(issue["id"])
            parent = pick(rng, thread) if thread and rng.random() < 0.25 else None
            edited = self.later(rng, created, 2 * DAY_MS) if rng.random() < 0.15 else None
            updated = edited or created
            archived = None
            if rng.random() < 0.05:
                archived = self.later(rng, created)
                if rng.random() < 0.5:
                    updated = max(updated, archived)
            row = base_row(row_id, created, updated, archived)
            row.update(
                body=vocab.text(rng, 1 + int(rng.random() * 3)),
                editedAt=_iso(edited),
                url=f"{issue['url']}#comment-{row_id[:8]}",
                issue=issue,
                user=pick(rng, users),
                parent=parent,
            )
            if parent is None:
                roots.setdefault(issue["id"], []).append(row)
            rows.append(row)
        return rows


def _iso(ms: int | None) -> str | None:
    return None if ms is None else iso_ms(ms)


def generate(company: Company) -> Generated:
    """The initial workspace of `company`."""
    return Builder(company).build()
