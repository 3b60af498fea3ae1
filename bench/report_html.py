"""The engineering-metrics report of a size's warehouse (after its dbt build):
`python pipelines/report.py`, as `make report` runs it; its wall time and the file's size
(issue 15's figures: under 10 s and under 5 MB for the large company)."""

from __future__ import annotations

import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from pipelines.paths import REPO_ROOT

Say = Callable[[str], None]


def run_report(duckdb_file: Path, env: dict[str, str], out: Path, say: Say, name: str) -> dict:
    """Write the report of `duckdb_file` to `out`; wall seconds, bytes, charts drawn."""
    started = time.monotonic()
    proc = subprocess.run(
        [sys.executable, str(REPO_ROOT / "pipelines" / "report.py"), "--out", str(out)],
        cwd=REPO_ROOT,
        env={**env, "DESTINATION__DUCKDB__CREDENTIALS": str(duckdb_file)},
        capture_output=True,
        text=True,
        timeout=600,
    )
    wall = time.monotonic() - started
    result: dict[str, Any] = {"ok": proc.returncode == 0, "wall_s": wall}
    if proc.returncode != 0:
        say(f"{name} report: FAILED (exit {proc.returncode})\n{proc.stderr[-2000:]}")
        return result
    html = out.read_text(encoding="utf-8")
    result.update(
        bytes=out.stat().st_size,
        charts_drawn=html.count('data-state="drawn"'),
        charts_waiting=html.count('data-state="no-data"'),
    )
    say(
        f"{name} report: {wall:.1f} s, {result['bytes'] / 1024:.0f} KiB, "
        f"{result['charts_drawn']} charts drawn, {result['charts_waiting']} waiting for data"
    )
    return result


def report_section(sizes: list[tuple[str, dict[str, Any]]]) -> list[str]:
    """The bench report's section on the HTML report (sizes that rendered one)."""
    from bench.report.prose import prose  # the report imports this module

    found = [(size, entry["report"]) for size, entry in sizes if entry.get("report")]
    if not found:
        return []
    lines = [
        "## The HTML report",
        "",
        *prose("storage", "html_report"),
        "",
        "| size | wall s | file KiB | charts drawn | waiting for data |",
        "| --- | --- | --- | --- | --- |",
    ]
    for size, report in found:
        if not report.get("ok"):
            lines.append(f"| `{size}` | failed | – | – | – |")
            continue
        lines.append(
            f"| `{size}` | {report['wall_s']:.1f} | {report['bytes'] / 1024:.0f} | "
            f"{report['charts_drawn']} | {report['charts_waiting']} |"
        )
    return [*lines, ""]
