"""What the resumable passes share (`resumable.py`: the windowed entities; `history_pass.py`:
the issues' history): a pass as page chains, one per disjoint `createdAt` window of a first load
(`created_windows.py`), read concurrently (`concurrent_chains.py`), with ONE `SyncWindow` fed in
the consumer's thread and each chain's position kept in the resume position.

The probe: every first load of a source run takes its windows from ONE request, the earliest
issue's `createdAt` (`EARLIEST_QUERY`), made by the first windowed read to ask (per lower bound)
and shared by the issues, the comments and the history (`FirstLoadWindows`), so windows cost no
request beyond the one the history needed alone (one when the history is not selected). Why
the issues' probe for comments too: Linear's `comments` has no `sort` argument (only
`orderBy: createdAt | updatedAt`, no direction), so its earliest row cannot be asked for; a
comment is written after its issue, and the windows are open at both ends, so the bound only
balances the chains and never decides what is read.

Resume position: plan `{"from", "windows": [[lower, upper], ...]}`, position `{"count",
"chains": [{"after", "done"}, ...], **SyncWindow.checkpoint()}`; a position saved before windows
existed (a single `after`, no `chains`) resumes as one chain.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable, Iterable, Iterator, MutableMapping
from datetime import datetime
from typing import Any, Generic, TypeVar

import pendulum

from pipelines.sources.concurrent_chains import interleave
from pipelines.sources.linear import created_windows
from pipelines.sources.linear.client import LinearClient
from pipelines.sources.linear.created_windows import WHOLE, Window
from pipelines.sources.linear.entities import ISSUES
from pipelines.sources.linear.queries import sync_variables
from pipelines.sources.linear.sync_window import SyncWindow
from pipelines.sources.run_budget import ResumePosition, RunStopped, current, stoppable

log = logging.getLogger("pipelines")

T = TypeVar("T")
Page = list[dict[str, Any]]
Variables = Callable[[datetime | None], dict[str, Any]]  # lower bound -> the query's variables


class FirstLoadWindows:
    """The `createdAt` windows of this source run's first loads, `count` of them (1: one chain,
    no request), from one probe per lower bound; thread-safe (the reads run concurrently)."""

    def __init__(self, client: LinearClient, count: int) -> None:
        self.client, self.count = client, count
        self._lock = threading.Lock()
        self._known: dict[str | None, list[Window]] = {}

    def split(self, start: str | None) -> list[Window]:
        """The windows of a first load reading from `start` (None: everything)."""
        if self.count <= 1:
            return list(WHOLE)
        with self._lock:  # the others wait for the first one's probe
            if start not in self._known:
                windows = self._probe(start)
                if windows is None:
                    return list(WHOLE)  # a stopped run reads nothing anyway
                self._known[start] = windows
            return list(self._known[start])

    def _probe(self, start: str | None) -> list[Window] | None:
        variables = {"filter": sync_variables(ISSUES, _parse(start), 1).get("filter")}
        try:
            nodes = next(self.client.pages("issues", created_windows.EARLIEST_QUERY, variables))
        except (RunStopped, StopIteration):
            return None
        earliest = created_windows.earliest_created(nodes)
        return created_windows.split(earliest, pendulum.now("UTC"), self.count)


class PageChain(Generic[T]):
    """One chain's units (a page, its end cursor, what `read` made of it) and, once read,
    whether it reached its end. A `RunStopped` inside `read` drops that page: the chain
    resumes before it."""

    def __init__(self, pages: Iterable[tuple[Page, str | None]], read: Callable[[Page], T]):
        self.pages, self.read = pages, read
        self.completed = False

    def units(self) -> Iterator[tuple[Page, str | None, T]]:
        pages = stoppable(self.pages)
        for page, end_cursor in pages:
            try:
                made = self.read(page)
            except RunStopped:
                return
            yield page, end_cursor, made
        self.completed = pages.completed


class ChainedPass:
    """One resumable pass of `name` from `start` (its lower bound as text): a first load (no
    cursor, nothing seen, no resume position) in the windows `windows` gives (None: one
    chain), anything else one chain, or the chains a stopped run left."""

    def __init__(
        self,
        client: LinearClient,
        state: MutableMapping[str, Any],
        window: SyncWindow,
        *,
        start: str | None,
        backfill: bool,
        windows: FirstLoadWindows | None,
        name: str,
        unit: str,
    ) -> None:
        self.client, self.window, self.name, self.unit = client, window, name, unit
        self.key = f"linear:{name}"
        self.resume = ResumePosition(state)
        plan: dict[str, Any] = {"from": start}
        saved = self.resume.saved_plan
        if saved is not None and (not backfill or saved.get("from") == start):
            plan = saved  # a plain run (or the same --since) continues the pending pass
        position = self.resume.load(plan)
        if self.resume.dropped is not None:
            log.warning(
                "linear %s: a stopped read from %s does not match this run's --since (%s): "
                "it starts over from %s",
                name,
                self.resume.dropped.get("from") or "the start",
                start,
                start,
            )
        first = position is None and window.previous_cursor is None and not window.previous_seen
        if first and windows is not None:
            plan = {**plan, "windows": created_windows.as_plan(windows.split(plan["from"]))}
        self.plan = plan
        self.windows = created_windows.from_plan(plan.get("windows"))
        if len(self.windows) > 1 and position is None:
            log.info("linear %s: first load read in %d createdAt windows", name, len(self.windows))
        self.chains = _chains(position, len(self.windows))
        self.count: int = (position or {}).get("count", 0)
        if position is not None:
            window.restore(position)
            log.info("linear %s: resuming after %s rows read earlier", name, f"{self.count:,}")

    def read(
        self, query: str, variables: Variables, read: Callable[[Page], T], root_field: str = ""
    ) -> Iterator[tuple[Page, T]]:
        """Each page of every unfinished chain (with what `read` made of it, in the chain's
        thread), chains interleaved; counts the rows read across chains for the progress."""
        budget = current()
        start = _parse(self.plan["from"])
        pending = [n for n, chain in enumerate(self.chains) if not chain["done"]]
        reads = []
        for n in pending:
            values = variables(start)
            if self.windows[n] != WHOLE[0]:
                values["filter"] = created_windows.within(values.get("filter"), self.windows[n])
            values["after"] = self.chains[n]["after"]
            pages = self.client.cursor_pages(root_field or self.name, query, values)
            reads.append(PageChain(pages, read))
        for index, (page, end_cursor, made) in interleave([r.units for r in reads]):
            chain = self.chains[pending[index]]
            self.count, chain["after"] = self.count + len(page), end_cursor or chain["after"]
            budget.progress(self.key, self.count, unit=self.unit, scope="Linear")
            yield page, made
        for n, done in zip(pending, reads, strict=True):
            self.chains[n]["done"] = done.completed

    def finish(self, *, full_refresh: bool = False) -> bool:
        """Commit the window once every chain completed (True); else save every chain's
        position for the next run (False)."""
        if all(chain["done"] for chain in self.chains):
            self.resume.clear()
            self.window.commit()
            current().finished(self.key)
            return True
        position = {"count": self.count, "chains": self.chains, **self.window.checkpoint()}
        self.resume.save(self.plan, position, full_refresh=full_refresh)
        return False


def _chains(position: dict[str, Any] | None, count: int) -> list[dict[str, Any]]:
    """Each window's chain position (a position saved before windows: one chain)."""
    saved = (position or {}).get("chains")
    if saved is not None and len(saved) == count:
        return [dict(chain) for chain in saved]
    after = (position or {}).get("after") if count == 1 else None
    return [{"after": after, "done": False} for _ in range(count)]


def _parse(text: str | None) -> datetime | None:
    return pendulum.parse(text) if text else None  # type: ignore[return-value]
