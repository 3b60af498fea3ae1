"""The dbt build, once both sources are in one DuckDB file: `python pipelines/transform.py`
(every model, seed and test), measured like the pipelines (wall, peak RSS, CPU), with dbt's own
summary line and `run_results.json` (dbt's target and logs under the work dir, never `dbt/`)."""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

from bench.workspace import Workspace

Say = Callable[[str], None]
_SUMMARY = re.compile(
    r"dbt \((?P<selection>[^)]*)\): (?P<built>\d+) models and seeds built, (?P<passed>\d+) of "
    r"(?P<tests>\d+) tests passed, (?P<seconds>[\d.]+) s"
)


def run_dbt(ws: Workspace, say: Say, name: str) -> dict[str, Any]:
    run = ws.run("transform", "dbt-build")
    out: dict[str, Any] = {"run": run.to_dict(), "ok": run.ok}
    match = _SUMMARY.search(run.stdout)
    if match:
        out.update(
            selection=match["selection"],
            built=int(match["built"]),
            tests=int(match["tests"]),
            passed=int(match["passed"]),
            dbt_seconds=float(match["seconds"]),
        )
    out["nodes"] = _slowest(ws.root / "dbt-target" / "run_results.json")
    if run.ok:
        say(
            f"{name} dbt build: wall {run.wall_s:.1f} s (dbt's own {out.get('dbt_seconds', 0):.1f}"
            f" s), {out.get('built', '?')} models and seeds, {out.get('passed', '?')} of "
            f"{out.get('tests', '?')} tests passed, peak RSS {run.max_rss_kib / 1024:.0f} MiB"
        )
    else:
        say(f"{name} dbt build: FAILED (exit {run.returncode})\n{run.output_tail}")
    return out


def _slowest(path: Path, keep: int = 5) -> dict[str, Any]:
    """Node count and the slowest nodes of the build (dbt's run_results.json)."""
    if not path.exists():
        return {}
    results = json.loads(path.read_text()).get("results", [])
    timed = sorted(results, key=lambda r: r.get("execution_time") or 0, reverse=True)
    return {
        "count": len(results),
        "sum_execution_s": sum(r.get("execution_time") or 0 for r in results),
        "slowest": [
            {
                "node": r["unique_id"].split(".", 1)[0] + " " + r["unique_id"].split(".")[-1],
                "seconds": r.get("execution_time") or 0,
            }
            for r in timed[:keep]
        ],
    }
