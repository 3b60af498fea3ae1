"""Full syncs of both sources at growing sizes: how time and peak memory grow with the data."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from bench.workspace import Workspace
from sandbox import Sandbox

Say = Callable[[str], None]


def run_scaling(*, sizes: list[str], seed: int, work_dir: Path, say: Say) -> dict[str, Any]:
    """One full sync per source and size (latency 0)."""
    out: dict[str, Any] = {"linear": {}, "github": {}}
    for size in sizes:
        box = Sandbox(seed=seed, size=size).start()
        try:
            for source in ("linear", "github"):
                ws = Workspace(work_dir / f"scaling-{source}-{size}", box)
                run = ws.run(source, f"{source}-full-{size}")
                log = box.linear.log if source == "linear" else box.github.log
                out[source][size] = {"run": run.to_dict(), "ok": run.ok, "requests": len(log)}
                if run.ok:
                    say(
                        f"scaling {source} {size}: {run.total_rows:,} rows, {len(log)} "
                        f"requests, wall {run.wall_s:.2f} s, peak RSS "
                        f"{run.max_rss_kib / 1024:.0f} MiB"
                    )
                else:
                    say(f"scaling {source} {size}: FAILED\n{run.output_tail}")
        finally:
            box.stop()
    return out
