"""A repository's pull requests read as resumable passes, with their `updated_at` cursor.

A pass reads pages newest change first from now (or a `--since` backfill's end) down to its
lower bound. Stopped between pages (a spent budget, `--max-duration`) it saves where it was
(the page cursor, the newest change seen) with that load; the next run continues after that
page down to the same bound, then does a normal pass from the cursor, which picks up what
changed meanwhile (a pull request updated while the pass was paused moves to the front of the
list, ahead of the saved page cursor). The cursor moves only when a pass completes.

The cursor is kept where dlt's incremental kept it for the REST reader
(`incremental.updated_at.last_value`). A pass from the cursor reads down to `overlap_seconds`
before it, and the fingerprints of the pull requests loaded in that window
(`pipelines.sources.overlap`) drop those re-read unchanged: a rerun without changes loads
nothing, while one changed again within the cursor's second, or shown late with an older
`updatedAt`, is loaded. A first pass with pages of 16 costs no page more as long as the first
page reaches past the window.
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
from pipelines.sources.overlap import OVERLAP_SECONDS, Fingerprints
from pipelines.sources.run_budget import ResumePosition, current, stoppable

log = logging.getLogger("pipelines.github")

Data = dict[str, Any]


def _parse(text: str | None) -> datetime | None:
    return None if text is None else pendulum.parse(text)  # type: ignore[return-value]


class Cursor:
    """The newest `updated_at` loaded."""

    def __init__(self, state: MutableMapping[str, Any]) -> None:
        self.slot = state.setdefault("incremental", {}).setdefault("updated_at", {})

    @property
    def last_value(self) -> str | None:
        return self.slot.get("last_value")

    def advance(self, newest: str | None) -> None:
        if newest is None:
            return
        last = self.last_value
        if last is None or _parse(newest) > _parse(last):  # type: ignore[operator]
            self.slot["last_value"] = newest
        self.slot.pop("ids_at_last_value", None)  # the fingerprints replace the ids


class _Pass:
    """What one pass has seen so far (saved in a resume position)."""

    def __init__(self, position: Data | None) -> None:
        position = position or {}
        self.after: str | None = position.get("after")
        self.count: int = position.get("count", 0)
        self.newest: str | None = position.get("newest")

    def see(self, pulls: list[Data]) -> None:
        for pull in pulls:
            updated = pull.get("updatedAt")
            if updated is None:
                continue
            if self.newest is None or _parse(updated) > _parse(self.newest):  # type: ignore[operator]
                self.newest = updated
        self.count += len(pulls)

    def position(self) -> Data:
        return {"after": self.after, "count": self.count, "newest": self.newest}


def read_resumable(
    reader: Any,
    state: MutableMapping[str, Any],
    *,
    since: datetime,
    backfill_until: datetime | None,
    full_refresh: bool = False,
    overlap_seconds: int = OVERLAP_SECONDS,
) -> Iterator[list[Data]]:
    """Complete pages of changed pull requests of `reader.repo` (see the module docstring)."""
    cursor = Cursor(state)
    loaded = Fingerprints(
        state, overlap_seconds, key=lambda p: p["databaseId"], changed=lambda p: p.get("updatedAt")
    )
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
    completed = yield from _one_pass(reader, cursor, loaded, resume, plan, position, full_refresh)
    if completed and (position or {}).get("after") is not None and plan["until"] is None:
        # Pull requests changed while the pass was spread over runs moved ahead of it (a pass
        # resumed before its first page started at the top, as now: it missed nothing).
        plain = {"from": cursor.last_value, "until": None}
        yield from _one_pass(reader, cursor, loaded, resume, plain, None, full_refresh)


def _one_pass(
    reader: Any,
    cursor: Cursor,
    loaded: Fingerprints,
    resume: ResumePosition,
    plan: Data,
    position: Data | None,
    full_refresh: bool = False,
) -> Iterator[list[Data]]:
    budget = current()
    progress = _Pass(position)
    start, end = _parse(plan["from"]), _parse(plan["until"])
    # A pass from the cursor re-reads its overlap; a first load or a backfill reads its range.
    from_cursor = plan["until"] is None and plan["from"] == cursor.last_value
    if from_cursor and start is not None:
        start = start.subtract(seconds=loaded.overlap)  # type: ignore[attr-defined]
    if position is not None:
        log.info(
            "github %s: resuming after %s pull requests read earlier", reader.repo, progress.count
        )
    key = f"github:pull_requests__{repo_slug(reader.repo)}"  # the resource's name
    budget.progress(key, progress.count, unit="pull requests read", scope=reader.repo)
    pages = stoppable(reader.pages(start, end, after=progress.after), budget)
    more = True
    for pulls, after, more in pages:  # noqa: B007 - `more` of the last page is read below
        fresh = loaded.fresh(pulls) if plan["until"] is None else pulls
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
        newest, forget = progress.newest, None
        if reader.incomplete:
            # A partial error left pull requests incomplete: stop the cursor short of the
            # oldest of them (or keep it where it was, when unknown), to read them again.
            known = [ts for ts in reader.incomplete if ts is not None]
            newest = min(known, key=_parse) if len(known) == len(reader.incomplete) else None
            forget = newest or "0001-01-01T00:00:00Z"  # keep no fingerprint of what they touched
            log.warning(
                "github %s: %d partial errors: the next run reads the affected pull requests again",
                reader.repo,
                len(reader.incomplete),
            )
        cursor.advance(newest)
        loaded.commit(cursor.last_value, forget_from=forget)
        mark_loaded(resume.state)
    budget.finished(key)
    return True
