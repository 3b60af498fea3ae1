"""When a run must stop early, why, and how far it got: one neutral object per run that every
source consults between *complete units* of work (a page, a pull request with all its nested
data), so a stopped run loads what it read and the next run resumes.

A run stops early for one of two reasons:
- a rate limit whose reset is later than `max_rate_limit_wait` (the HTTP layer reports it with
  `stop_for_rate_limit` instead of failing the run), or
- the time budget (`--max-duration MINUTES` / `sources.<name>.max_duration`) is spent.

API (the runner calls `start_run`; sources and the HTTP layer call `current()`):

    budget = start_run(max_duration_minutes=30)   # once per run, before the source is built
    budget = current()                            # the budget of the run in progress

    budget.should_stop() -> bool     # ask between complete units; True: return normally
    budget.check()                   # raise `RunStopped` if the run must stop (before a request)
    budget.stop_for_rate_limit(api, where, reset_at)  # a reset beyond the maximum wait
    budget.stop_reason               # a `StopReason` (kind, api, where, reset_at) or None;
                                     # `.describe()` for a summary, `.message()` for an error
    budget.progress(key, done, total=None, unit="rows", scope="")  # "1,240 of ~4,800 ..."
    budget.finished(key)             # that unit of work is complete this run
    budget.unfinished()              # the `Progress` of every key not finished

    for page in stoppable(pages, budget):  # yields whole units; stops quietly on `RunStopped`
        yield page
    stoppable(...).completed         # False when it stopped early (save a resume position)

`RunStopped` is what the HTTP layer raises once the run must stop (a spent budget, or a
request after the deadline). A resource must never let it escape mid-unit: wrap the unit's
requests in `stoppable` (or catch it), drop the half-read unit, save its resume position with
`ResumePosition` and return normally, so dlt's extract completes and the runner loads what was
read. A `RunStopped` that does escape fails the extract as before (nothing loaded).

Resume positions live in dlt resource state, which dlt commits only together with the load
package of the extract that wrote it: a killed run leaves the previous position in place.
`ResumePosition(state).load(plan)` returns the saved position only when it was saved for the
same `plan` (a dict naming what the pass reads: e.g. its `since` or mode); otherwise it drops
it and says so in `dropped`, so a changed configuration starts its own pass, plainly.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Generic, TypeVar

# Resume positions (their own module; importable from here as before).
from pipelines.sources.resume_state import (
    STATE_KEY,
    PendingAtStart,
    ResumePosition,
    full_refresh_in_progress,
    pending_resumes,
)

T = TypeVar("T")


class RunStopped(Exception):
    """The run must stop now (a spent rate limit or time budget); the message says why."""


@dataclass(frozen=True)
class StopReason:
    """Why a run stopped before finishing its work."""

    kind: str  # "rate_limit" or "max_duration"
    api: str = ""
    where: str = ""
    reset_at: datetime | None = None

    def describe(self) -> str:
        if self.kind == "max_duration":
            return "the run's time budget (--max-duration) was spent"
        when = (
            f"it resets at {self.reset_at:%Y-%m-%d %H:%M:%S} UTC"
            if self.reset_at
            else "the API did not say when it resets"
        )
        return f"the {self.api} rate-limit budget is spent ({when})"

    def message(self) -> str:
        """The error for a request refused because the run must stop."""
        if self.kind != "rate_limit":
            return f"stopping: {self.describe()}"
        when = (
            f"it resets at {self.reset_at:%Y-%m-%d %H:%M:%S} UTC"
            if self.reset_at
            else "the API did not say when it resets"
        )
        return (
            f"{self.where}: rate limit exhausted; {when}, later than the maximum wait "
            f"(sources.{self.api}.max_rate_limit_wait): rerun after the reset"
        )


@dataclass
class Progress:
    """How far one unit of work (an entity, a repository's pull requests) got."""

    key: str
    done: int
    total: int | None = None
    unit: str = "rows"
    scope: str = ""

    def describe(self) -> str:
        total = f" of ~{self.total:,}" if self.total is not None else ""
        scope = f" in {self.scope}" if self.scope else ""
        return f"{self.done:,}{total} {self.unit}{scope}"


class RunBudget:
    """The stop conditions and progress of one run (thread-safe)."""

    def __init__(
        self, max_duration_minutes: float | None = None, *, clock: Any = time.monotonic
    ) -> None:
        if max_duration_minutes is not None and max_duration_minutes <= 0:
            raise ValueError(
                f"max_duration must be a positive number of minutes, not {max_duration_minutes!r}"
            )
        self.max_duration_minutes = max_duration_minutes
        self._clock = clock
        self._deadline = (
            None if max_duration_minutes is None else clock() + max_duration_minutes * 60
        )
        self._lock = threading.Lock()
        self._reason: StopReason | None = None
        self._progress: dict[str, Progress] = {}
        self._finished: set[str] = set()

    # -- stopping ------------------------------------------------------------------------------
    @property
    def stop_reason(self) -> StopReason | None:
        with self._lock:
            self._check_deadline()
            return self._reason

    def should_stop(self) -> bool:
        """Whether the run must stop before starting another unit of work."""
        return self.stop_reason is not None

    def check(self) -> None:
        """Raise `RunStopped` when the run must stop (the HTTP layer calls this per request)."""
        reason = self.stop_reason
        if reason is not None:
            raise RunStopped(reason.message())

    def stop_for_rate_limit(self, api: str, where: str, reset_at: datetime | None) -> None:
        """Record that `api`'s budget is spent until `reset_at` (later than the maximum wait)."""
        with self._lock:
            known = self._reason
            later = reset_at is not None and (
                known is None or known.reset_at is None or reset_at > known.reset_at
            )
            if known is None or known.kind != "rate_limit" or later:
                self._reason = StopReason("rate_limit", api, where, reset_at)

    def _check_deadline(self) -> None:
        if self._reason is None and self._deadline is not None and self._clock() >= self._deadline:
            self._reason = StopReason("max_duration")

    # -- progress ------------------------------------------------------------------------------
    def progress(
        self, key: str, done: int, total: int | None = None, unit: str = "rows", scope: str = ""
    ) -> None:
        """Record how far `key` got (overwrites the previous report)."""
        with self._lock:
            self._progress[key] = Progress(key, done, total, unit, scope)

    def finished(self, key: str) -> None:
        """`key`'s work is complete for this run."""
        with self._lock:
            self._finished.add(key)

    def unfinished(self) -> list[Progress]:
        """Progress of every reported key not finished, in the order first reported."""
        with self._lock:
            return [p for k, p in self._progress.items() if k not in self._finished]


_CURRENT = RunBudget()


def start_run(max_duration_minutes: float | None = None) -> RunBudget:
    """A fresh budget for the run that starts now (the runner calls this first)."""
    global _CURRENT
    _CURRENT = RunBudget(max_duration_minutes)
    return _CURRENT


def current() -> RunBudget:
    """The budget of the run in progress (an unlimited one outside a run)."""
    return _CURRENT


class stoppable(Generic[T]):  # noqa: N801 - used like a function
    """Iterate `units` until the run must stop. A `RunStopped` raised while producing a unit
    ends the iteration quietly (that unit is dropped); `completed` says whether all came."""

    def __init__(self, units: Iterable[T], budget: RunBudget | None = None) -> None:
        self._units = units
        self._budget = budget or current()
        self.completed = False

    def __iter__(self) -> Iterator[T]:
        iterator = iter(self._units)
        while not self._budget.should_stop():
            try:
                unit = next(iterator)
            except StopIteration:
                self.completed = True
                return
            except RunStopped:
                return
            yield unit
        close = getattr(iterator, "close", None)
        if close is not None:
            close()


__all__ = [
    "STATE_KEY",
    "PendingAtStart",
    "Progress",
    "ResumePosition",
    "RunBudget",
    "RunStopped",
    "StopReason",
    "current",
    "full_refresh_in_progress",
    "pending_resumes",
    "start_run",
    "stoppable",
]
