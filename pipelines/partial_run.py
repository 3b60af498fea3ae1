"""What a run that stopped early says: the one paragraph (what was loaded, what remains, when
the budget resets, that the next run resumes) and its plain-data form for the summary file."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from pipelines.sources.run_budget import Progress, StopReason

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
