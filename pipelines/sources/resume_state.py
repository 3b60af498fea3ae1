"""Resume positions: where a stopped pass of a resource goes on, kept in dlt resource state
(committed only with the load package of the extract that wrote it), and which resources of a
source hold one (see `run_budget` for when a run stops)."""

from __future__ import annotations

import threading
from collections.abc import MutableMapping
from datetime import UTC, datetime
from typing import Any

STATE_KEY = "resume"


class ResumePosition:
    """A resume position kept in a dlt resource state under `resume`, for one `plan`."""

    def __init__(self, state: MutableMapping[str, Any], key: str = STATE_KEY) -> None:
        self.state = state
        self.key = key
        self.dropped: dict[str, Any] | None = None  # the plan of a position that did not apply

    @property
    def pending(self) -> bool:
        """Whether a stopped pass left a position (of any plan)."""
        return bool(self.state.get(self.key))

    @property
    def saved_plan(self) -> dict[str, Any] | None:
        """The plan of the pending position (None: nothing pending)."""
        saved = self.state.get(self.key)
        return dict(saved.get("plan") or {}) if saved else None

    def load(self, plan: dict[str, Any]) -> dict[str, Any] | None:
        """The saved position if it was saved for `plan`; else None (dropping a foreign one)."""
        saved = self.state.get(self.key)
        if not saved:
            return None
        if saved.get("plan") != plan:
            self.dropped = saved.get("plan")
            self.clear()
            return None
        return dict(saved.get("position") or {})

    def save(
        self, plan: dict[str, Any], position: dict[str, Any], *, full_refresh: bool = False
    ) -> None:
        """Keep `position` for `plan` (committed with this extract's load package).
        `full_refresh` marks a pass a `--full-refresh` started (kept until the pass ends), so
        rerunning that command resumes it instead of dropping the data again."""
        saved = self.state.get(self.key) or {}
        started_by_refresh = full_refresh or (
            saved.get("plan") == plan and bool(saved.get("full_refresh"))
        )
        self.state[self.key] = {
            "plan": plan,
            "position": position,
            "full_refresh": started_by_refresh,
            "saved_at": datetime.now(UTC).isoformat(),
        }

    def clear(self) -> None:
        self.state.pop(self.key, None)


def pending_resumes(source_state: MutableMapping[str, Any]) -> list[str]:
    """Names of the resources of a dlt source state that hold a resume position."""
    resources = list((source_state.get("resources") or {}).items())  # others may add theirs
    return sorted(name for name, state in resources if state.get(STATE_KEY))


class PendingAtStart:
    """`pending_resumes` as the run's extract began: taken once, when the first resource asks
    (before any resource of this run saved or dropped a position), so resources read
    concurrently all get the same answer, whatever the order their threads run in."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._names: list[str] | None = None

    def __call__(self, source_state: MutableMapping[str, Any]) -> list[str]:
        with self._lock:
            if self._names is None:
                self._names = pending_resumes(source_state)
            return self._names


def full_refresh_in_progress(source_state: MutableMapping[str, Any]) -> bool:
    """Whether a pending position belongs to a pass that a `--full-refresh` started."""
    resources = source_state.get("resources") or {}
    return any((state.get(STATE_KEY) or {}).get("full_refresh") for state in resources.values())
