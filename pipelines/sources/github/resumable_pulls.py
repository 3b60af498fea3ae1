"""A repository's pull requests read as resumable passes, with their `updated_at` cursor.

A pass reads pages newest change first from now (or a `--since` backfill's end) down to its
lower bound. Stopped between pages (a spent budget, `--max-duration`) it saves where it was
(the page cursor, the newest change seen) with that load; the next run continues after that
page down to the same bound, then does a normal pass from the cursor, which picks up what
changed meanwhile (a pull request updated while the pass was paused moves to the front of the
list, ahead of the saved page cursor). The cursor moves only when a pass completes.

The cursor is kept where dlt's incremental kept it for the REST reader
(`incremental.updated_at.last_value`), beside the ids seen at that very second, so a rerun
without changes loads nothing and a pull request updated in the same second is not missed.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator, MutableMapping
from datetime import datetime
from typing import Any

import pendulum

from pipelines.sources.github.graphql_rows import repo_slug
from pipelines.sources.github.incremental import iso
from pipelines.sources.github.plan import mark_loaded
from pipelines.sources.run_budget import ResumePosition, current, stoppable

log = logging.getLogger("pipelines.github")

Data = dict[str, Any]


def _parse(text: str | None) -> datetime | None:
    return None if text is None else pendulum.parse(text)  # type: ignore[return-value]


class Cursor:
    """The newest `updated_at` loaded, and the ids loaded at that second."""

    def __init__(self, state: MutableMapping[str, Any]) -> None:
        self.slot = state.setdefault("incremental", {}).setdefault("updated_at", {})

    @property
    def last_value(self) -> str | None:
        return self.slot.get("last_value")

    @property
    def ids_at_last(self) -> set[int]:
        return set(self.slot.get("ids_at_last_value") or [])

    def advance(self, newest: str | None, ids: list[int]) -> None:
        if newest is None:
            return
        last = self.last_value
        if last is None or _parse(newest) > _parse(last):  # type: ignore[operator]
            self.slot["last_value"] = newest
            self.slot["ids_at_last_value"] = sorted(set(ids))
        elif _parse(newest) == _parse(last):
            self.slot["ids_at_last_value"] = sorted(self.ids_at_last | set(ids))


class _Pass:
    """What one pass has seen so far (saved in a resume position)."""

    def __init__(self, position: Data | None) -> None:
        position = position or {}
        self.after: str | None = position.get("after")
        self.count: int = position.get("count", 0)
        self.newest: str | None = position.get("newest")
        self.ids_at_newest: list[int] = list(position.get("ids_at_newest") or [])

    def see(self, pulls: list[Data]) -> None:
        for pull in pulls:
            updated = pull.get("updatedAt")
            if updated is None:
                continue
            if self.newest is None or _parse(updated) > _parse(self.newest):  # type: ignore[operator]
                self.newest, self.ids_at_newest = updated, [pull["databaseId"]]
            elif _parse(updated) == _parse(self.newest):
                self.ids_at_newest.append(pull["databaseId"])
        self.count += len(pulls)

    def position(self) -> Data:
        return {
            "after": self.after,
            "count": self.count,
            "newest": self.newest,
            "ids_at_newest": self.ids_at_newest,
        }


def read_resumable(
    reader: Any,
    state: MutableMapping[str, Any],
    *,
    since: datetime,
    backfill_until: datetime | None,
    full_refresh: bool = False,
) -> Iterator[list[Data]]:
    """Complete pages of changed pull requests of `reader.repo` (see the module docstring)."""
    cursor = Cursor(state)
    resume = ResumePosition(state)
    has_cursor = cursor.last_value is not None
    if backfill_until is not None and has_cursor:
        plan: Data = {"from": iso(since), "until": iso(backfill_until)}
    elif has_cursor:
        plan = {"from": cursor.last_value, "until": None}
    else:
        plan = {"from": iso(since), "until": None}
    if resume.saved_plan is not None and backfill_until is None:
        plan = resume.saved_plan  # a plain run continues whatever pass is pending
    position = resume.load(plan)
    if resume.dropped is not None:
        log.warning(
            "github %s: a stopped read from %s does not match this run's --since: it starts "
            "over from %s",
            reader.repo,
            resume.dropped.get("from"),
            plan["from"],
        )
    completed = yield from _one_pass(reader, cursor, resume, plan, position, full_refresh)
    if completed and (position or {}).get("after") is not None and plan["until"] is None:
        # Pull requests changed while the pass was spread over runs moved ahead of it (a pass
        # resumed before its first page started at the top, as now: it missed nothing).
        plain = {"from": cursor.last_value, "until": None}
        yield from _one_pass(reader, cursor, resume, plain, None, full_refresh)


def _one_pass(
    reader: Any,
    cursor: Cursor,
    resume: ResumePosition,
    plan: Data,
    position: Data | None,
    full_refresh: bool = False,
) -> Iterator[list[Data]]:
    budget = current()
    progress = _Pass(position)
    start, end = _parse(plan["from"]), _parse(plan["until"])
    skip_ids = cursor.ids_at_last if plan["from"] == cursor.last_value else set()
    if position is not None:
        log.info(
            "github %s: resuming after %s pull requests read earlier", reader.repo, progress.count
        )
    key = f"github:pull_requests__{repo_slug(reader.repo)}"  # the resource's name
    budget.progress(key, progress.count, unit="pull requests read", scope=reader.repo)
    pages = stoppable(reader.pages(start, end, after=progress.after), budget)
    more = True
    for pulls, after, more in pages:  # noqa: B007 - `more` of the last page is read below
        fresh = [
            p
            for p in pulls
            if not (p["databaseId"] in skip_ids and _parse(p.get("updatedAt")) == start)
        ]
        progress.see(pulls)
        progress.after = after
        budget.progress(key, progress.count, unit="pull requests read", scope=reader.repo)
        if fresh:
            yield fresh
    if not pages.completed and more:  # (a stop after the last page still completes it)
        resume.save(plan, progress.position(), full_refresh=full_refresh)
        return False
    resume.clear()
    if plan["until"] is None:
        newest, ids = progress.newest, progress.ids_at_newest
        if reader.incomplete:
            # A partial error left pull requests incomplete: stop the cursor short of the
            # oldest of them (or keep it where it was, when unknown), to read them again.
            known = [ts for ts in reader.incomplete if ts is not None]
            newest = min(known, key=_parse) if len(known) == len(reader.incomplete) else None
            ids = []
            log.warning(
                "github %s: %d partial errors: the next run reads the affected pull requests again",
                reader.repo,
                len(reader.incomplete),
            )
        cursor.advance(newest, ids)
        mark_loaded(resume.state)
    budget.finished(key)
    return True
