"""What every source hands the runner, whatever its API: the request counters of the run
summary (`ApiStats`, one per API per process) and the user-facing error type (`SourceError`).

The runner imports this module and never a source's internals; sources (and their shared HTTP
client, `pipelines.sources.http`) count into `stats_for(api)` and raise `SourceError`.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass, field
from datetime import datetime


class SourceError(Exception):
    """A source failed for a reason a user can act on; the message says what and where."""


@dataclass
class Budget:
    """The last seen state of one rate-limit budget (requests, complexity points, ...)."""

    limit: int | None = None
    remaining: int | None = None
    reset_at: datetime | None = None


@dataclass
class ApiStats:
    """Counters for one API over a run: what the run summary reports."""

    api: str
    requests: int = 0
    retries: int = 0
    rate_limit_waits: int = 0
    waited_seconds: float = 0.0
    not_modified: int = 0
    budgets: dict[str, Budget] = field(default_factory=dict)
    extra: dict[str, float] = field(default_factory=dict)
    _lock: threading.Lock = field(default_factory=threading.Lock, repr=False)

    def add(self, name: str, value: float = 1) -> None:
        with self._lock:
            if name in ("requests", "retries", "rate_limit_waits", "not_modified"):
                setattr(self, name, getattr(self, name) + int(value))
            elif name == "waited_seconds":
                self.waited_seconds += value
            else:
                self.extra[name] = self.extra.get(name, 0) + value


_STATS: dict[str, ApiStats] = {}


def stats_for(api: str) -> ApiStats:
    """The counters of `api` in this process (created on first use)."""
    return _STATS.setdefault(api, ApiStats(api))


def reset_stats(api: str) -> ApiStats:
    """Start counting `api` afresh (a runner calls this at the start of a run)."""
    _STATS[api] = ApiStats(api)
    return _STATS[api]
