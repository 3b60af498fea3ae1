"""What a run that stopped early says: the one paragraph (what was loaded, what remains, when
the budget resets, that the next run resumes) and its plain-data form for the summary file."""

from __future__ import annotations

import logging
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from pipelines.errors import RunFailed
from pipelines.settings import setting
from pipelines.sources import run_budget
from pipelines.sources.run_budget import Progress, RunBudget, StopReason

log = logging.getLogger("pipelines")

#: The exit status of a run that loaded part of the work and will resume.
EXIT_PARTIAL = 3


@dataclass
class PartialRun:
    """A stopped run: why, how far each unfinished unit got, what holds a resume position."""

    reason: StopReason
    unfinished: list[Progress] = field(default_factory=list)
    resuming: list[str] = field(default_factory=list)  # resources with a saved position
    rows_loaded: int = 0

    def render(self) -> str:
        parts = [
            f"Stopped early: {self.reason.describe()}.",
            f"Loaded and committed {self.rows_loaded:,} rows read completely.",
        ]
        remaining = [p.describe() for p in self.unfinished]
        described = {p.key.split(":", 1)[-1] for p in self.unfinished}
        remaining += [f"{name} (not started)" for name in self.resuming if name not in described]
        if remaining:
            parts.append("Unfinished so far: " + "; ".join(remaining) + ".")
        if self.reason.kind == "rate_limit" and self.reason.reset_at is not None:
            parts.append(f"The budget resets at {self.reason.reset_at:%Y-%m-%d %H:%M:%S} UTC.")
        parts.append(
            "The next run (the same command) resumes where this one stopped; the marts show the "
            "data loaded so far (a backfill is in progress)."
        )
        return " ".join(parts)

    def to_dict(self) -> dict[str, Any]:
        return {
            "reason": self.reason.kind,
            "api": self.reason.api or None,
            "reset_at": self.reason.reset_at.isoformat() if self.reason.reset_at else None,
            "unfinished": [p.describe() for p in self.unfinished],
            "resuming": self.resuming,
        }


def resolve_max_duration(source: str, value: float | None) -> float | None:
    """`--max-duration`, else `sources.<source>.max_duration` (minutes), checked."""
    if value is None:
        value = setting(f"sources.{source}.max_duration")
    if value is None:
        return None
    try:
        minutes = float(value)
    except (TypeError, ValueError):
        minutes = float("nan")
    if not minutes > 0:
        raise RunFailed(
            f"--max-duration / sources.{source}.max_duration must be a positive number of "
            f"minutes, not {value!r}."
        )
    return minutes


def resuming_full_refresh(source_state: Mapping[str, Any]) -> bool:
    """A `--full-refresh` that stopped early is resumed by the same command, not restarted."""
    if run_budget.full_refresh_in_progress(source_state):  # type: ignore[arg-type]
        log.warning(
            "resuming the --full-refresh a previous run stopped early (its data stays); "
            "rerun --full-refresh after it completes to start over"
        )
        return True
    return False


def partial_of(
    source_state: Mapping[str, Any], budget: RunBudget, rows_loaded: int
) -> tuple[list[str], PartialRun | None]:
    """(resources holding a resume position, the stopped run; None when it is complete)."""
    resuming = run_budget.pending_resumes(source_state)  # type: ignore[arg-type]
    unfinished = budget.unfinished()
    if not resuming and not unfinished:
        return resuming, None  # complete (a deadline passed during load or dbt changes nothing)
    reason = budget.stop_reason or StopReason("max_duration")
    return resuming, PartialRun(reason, unfinished, resuming, rows_loaded)
