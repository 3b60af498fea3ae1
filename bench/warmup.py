"""Warm-up: tiny syncs of both sources before anything is measured, so every measured run finds
the bytecode cache filled as a user's second run does. The first run is also the cold-start
figure: the same tiny Linear sync is then run again, warm, to show the difference."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from bench.workspace import Workspace
from sandbox import Sandbox

Say = Callable[[str], None]


def run_warmup(*, seed: int, work_dir: Path, say: Say) -> dict[str, Any]:
    box = Sandbox(seed=seed, size="tiny").start()
    out: dict[str, Any] = {}
    try:
        for key, source in (
            ("linear_cold", "linear"),
            ("github_cold", "github"),
            ("linear_warm", "linear"),
        ):
            ws = Workspace(work_dir / f"warmup-{key}", box)
            run = ws.run(source, f"warmup-{key}")
            out[key] = {"run": run.to_dict(), "ok": run.ok}
            if not run.ok:
                say(f"warm-up {key}: FAILED\n{run.output_tail}")
    finally:
        box.stop()
    cold, warm = out["linear_cold"]["run"], out["linear_warm"]["run"]
    say(
        f"warm-up: tiny Linear full sync {cold['wall_s']:.2f} s with a cold bytecode cache, "
        f"{warm['wall_s']:.2f} s warm"
    )
    return out
