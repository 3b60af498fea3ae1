"""What the demo remembers between runs: a small JSON file next to the DuckDB file it loads
(`warehouse.duckdb.demo-state.json`). It marks the warehouse as the demo's, and keeps the
company's size and time anchor, the sandbox's last ports and the figures of recent runs."""

from __future__ import annotations

import dataclasses
import json
import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

SUFFIX = ".demo-state.json"
HISTORY = 10  # runs kept in the file


@dataclass
class RunRecord:
    """One demo run: when, for which anchor, how it ended, and what each source did."""

    number: int
    started_at: str  # ISO, UTC
    as_of: str  # the company's time anchor, ISO
    changes: bool  # a batch of changes was applied in the sandbox before syncing
    result: str = "running"  # running, ok, failed, interrupted
    seconds: float | None = None
    #: per source ("linear", "github"): {"rows": n, "requests": n, "not_modified": n}
    figures: dict[str, dict[str, int]] = field(default_factory=dict)


@dataclass
class DemoState:
    """The demo's memory of one warehouse."""

    size: str
    seed: int
    as_of: str | None = None  # anchor of the last run that started the sandbox
    ports: dict[str, int] = field(default_factory=dict)  # "linear"/"github" -> last port
    runs: list[RunRecord] = field(default_factory=list)

    @property
    def next_number(self) -> int:
        return self.runs[-1].number + 1 if self.runs else 1

    def to_dict(self) -> dict[str, Any]:
        data = dataclasses.asdict(self)
        data["runs"] = data["runs"][-HISTORY:]
        return data

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> DemoState:
        names = {f.name for f in dataclasses.fields(RunRecord)}
        runs = [RunRecord(**{k: v for k, v in r.items() if k in names}) for r in data["runs"]]
        return cls(
            size=str(data["size"]),
            seed=int(data["seed"]),
            as_of=data.get("as_of"),
            ports={str(k): int(v) for k, v in (data.get("ports") or {}).items()},
            runs=runs,
        )


def state_path(warehouse: Path) -> Path:
    """Where the state of `warehouse` lives: next to it."""
    return warehouse.with_name(warehouse.name + SUFFIX)


class UnreadableState(Exception):
    """The state file exists but is not ours or is damaged."""


def load(path: Path) -> DemoState | None:
    """The saved state, or None when there is no file (UnreadableState when it is damaged)."""
    if not path.exists():
        return None
    try:
        return DemoState.from_dict(json.loads(path.read_text()))
    except (OSError, ValueError, TypeError, KeyError, AttributeError) as exc:
        raise UnreadableState(f"{path}: {type(exc).__name__}: {exc}") from exc


def save(path: Path, state: DemoState) -> None:
    """Write the state atomically (a reader never sees half a file)."""
    tmp = path.with_name(path.name + ".tmp")
    tmp.write_text(json.dumps(state.to_dict(), indent=2) + "\n")
    os.replace(tmp, path)
