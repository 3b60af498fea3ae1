"""One pass over the history of the issues changed since the cursor, resumable like the
entities' (`resumable.py`): stopped between pages, it keeps each chain's position and the next
run continues after them.

A first load (no cursor yet) is split into disjoint `createdAt` windows (`created_windows.py`),
one chain each, read concurrently (`concurrent_chains.py`): the history is a third of a first
load's requests and, read as one chain, the longest wait of it. An incremental pass is one chain.
"""

from __future__ import annotations

import logging
from collections.abc import Generator, Iterator
from datetime import datetime, timedelta
from typing import Any

import pendulum

from pipelines.sources.concurrent_chains import interleave
from pipelines.sources.http import SourceError
from pipelines.sources.linear import created_windows
from pipelines.sources.linear.client import LinearClient
from pipelines.sources.linear.queries import _iso
from pipelines.sources.linear.sync_window import SyncWindow
from pipelines.sources.run_budget import ResumePosition, RunStopped, current, stoppable

log = logging.getLogger("pipelines")

Rows = tuple[list[dict[str, Any]], list[dict[str, Any]]]  # (span rows, history rows)
Unit = tuple[list[dict[str, Any]], str | None, list[Rows]]  # a page, its cursor, its rows


class HistoryPass:
    """Reads the issues' history for one run; `run()` yields `(spans, entries)` per issue."""

    def __init__(
        self,
        client: LinearClient,
        reader: Any,  # history.IssueHistoryReader
        query: str,
        make_variables: Any,  # history.history_variables
        *,
        overlap: timedelta,
        windows: int,
        progress_key: str,
    ) -> None:
        self.client, self.reader, self.query = client, reader, query
        self.make_variables = make_variables
        self.overlap, self.windows, self.progress_key = overlap, windows, progress_key
        self.where = f"linear: POST {client.api_url} (issues, for their history)"

    def run(
        self, state: dict[str, Any], since: datetime | None, backfill: bool
    ) -> Generator[Rows, None, bool]:
        """Every changed issue's rows; returns whether the pass completed."""
        budget = current()
        window = SyncWindow(
            state,
            cursor_fields=("updatedAt", "archivedAt"),
            incremental=True,
            since=since,
            backfill=backfill,
            overlap=self.overlap,
        )
        resume = ResumePosition(state)
        bound = window.lower_bound()
        plan: dict[str, Any] = {"from": _iso(bound) if bound else None}
        saved = resume.saved_plan
        if saved is not None and (not backfill or saved.get("from") == plan["from"]):
            plan = saved  # a plain run (or the same --since) continues the pending pass
        position = resume.load(plan)
        if position is None and window.previous_cursor is None and not window.previous_seen:
            plan = {**plan, "windows": created_windows.as_plan(self._split(plan["from"]))}
        windows = created_windows.from_plan(plan.get("windows"))
        chains = _chains(position, len(windows))
        count = (position or {}).get("count", 0)
        if position is not None:
            window.restore(position)
        pending = [n for n, chain in enumerate(chains) if not chain["done"]]
        reads = [self._chain(plan["from"], windows[n], chains[n], window) for n in pending]
        for index, (page, end_cursor, read) in interleave([r.units for r in reads]):
            chain = chains[pending[index]]
            list(window.select(page))  # records each issue's change time and fingerprint
            count, chain["after"] = count + len(page), end_cursor or chain["after"]
            budget.progress(self.progress_key, count, unit="issue histories read", scope="Linear")
            yield from read
        for n, read in zip(pending, reads, strict=True):
            chains[n]["done"] = read.completed
        if all(chain["done"] for chain in chains):
            resume.clear()
            window.commit()
            budget.finished(self.progress_key)
            return True
        resume.save(plan, {"count": count, "chains": chains, **window.checkpoint()})
        return False

    def _split(self, start: str | None) -> list[created_windows.Window]:
        """The windows of a first load: from the earliest issue it reads to now."""
        if self.windows <= 1:
            return list(created_windows.WHOLE)
        variables = {"filter": self.make_variables(_parse(start)).get("filter")}
        try:
            nodes = next(self.client.pages("issues", created_windows.EARLIEST_QUERY, variables))
        except (RunStopped, StopIteration):
            return list(created_windows.WHOLE)  # a stopped run reads nothing anyway
        now = pendulum.now("UTC")
        earliest = created_windows.earliest_created(nodes)
        windows = created_windows.split(earliest, now, self.windows)
        if len(windows) > 1:
            log.info("linear issueHistory: first load read in %d createdAt windows", len(windows))
        return windows

    def _chain(
        self,
        start: str | None,
        window_range: created_windows.Window,
        position: dict[str, Any],
        window: SyncWindow,
    ) -> _ChainRead:
        variables = self.make_variables(_parse(start))
        variables["filter"] = created_windows.within(variables.get("filter"), window_range)
        variables["after"] = position["after"]
        return _ChainRead(self, variables, window)


class _ChainRead:
    """One chain's units (a page of issues with every issue's whole history: follow-ups read)
    and, once read, whether it reached its end."""

    def __init__(self, owner: HistoryPass, variables: dict[str, Any], window: SyncWindow) -> None:
        self.owner, self.variables, self.window = owner, variables, window
        self.completed = False

    def units(self) -> Iterator[Unit]:
        owner = self.owner
        pages = stoppable(owner.client.cursor_pages("issues", owner.query, self.variables))
        for page, end_cursor in pages:
            for issue in page:
                _check(issue, owner.where)
            try:
                # Content fingerprints skip issues re-read in the overlap with nothing new.
                read = [owner.reader.rows(issue) for issue in page if self.window.is_new(issue)]
            except RunStopped:
                return  # the half-read page is dropped; the chain resumes before it
            yield page, end_cursor, read
        self.completed = pages.completed


def _chains(position: dict[str, Any] | None, count: int) -> list[dict[str, Any]]:
    """Each window's chain position (a position saved before windows: one chain)."""
    saved = (position or {}).get("chains")
    if saved is not None and len(saved) == count:
        return [dict(chain) for chain in saved]
    after = (position or {}).get("after") if count == 1 else None
    return [{"after": after, "done": False} for _ in range(count)]


def _check(issue: dict[str, Any], where: str) -> None:
    key, updated = issue.get("id"), issue.get("updatedAt")
    if not isinstance(key, str) or not key:
        raise SourceError(f"{where}: a record has no usable `id` ({key!r})")
    if not isinstance(updated, str) or not updated[:4].isdigit():
        raise SourceError(f"{where}: record {key} has no usable `updatedAt`")


def _parse(text: str | None) -> datetime | None:
    return pendulum.parse(text) if text else None  # type: ignore[return-value]
