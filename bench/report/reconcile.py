"""The reconcile section: per size and source, a plain incremental run beside a `--reconcile`
run of the same workspace after a few deletes (`bench/reconcile.py`)."""

from __future__ import annotations

from typing import Any

from bench.report.figures import SOURCES, base_latency, sizes_of
from bench.report.format import secs, table
from bench.report.prose import prose

HEADERS = (
    "size",
    "source",
    "run",
    "requests",
    "charged",
    "points",
    "rows loaded",
    "marked deleted",
    "deleted in the sandbox",
    "wall s",
)


def reconcile_rows(results: dict[str, Any]) -> list[list[Any]]:
    """One row per size, source and run (plain, reconcile), and the reconcile's extra cost."""
    rows: list[list[Any]] = []
    for size, entry in sizes_of(results):
        found = (entry.get("latencies") or {}).get(base_latency(entry), {}).get("reconcile")
        for source, label in SOURCES:
            measured = (found or {}).get(source)
            if not measured:
                continue
            deleted = measured["changes"]["deleted"]
            runs = [(kind, measured[kind]) for kind in ("plain", "reconcile")]
            for kind, run in runs:
                points = run.get("graphql_points", run.get("complexity"))
                marked = run["marked_deleted"]
                rows.append(
                    [
                        size,
                        label,
                        kind,
                        run["requests"],
                        run["charged"],
                        points,
                        run["rows_loaded"],
                        marked,
                        deleted,
                        secs(run["wall_s"]),
                    ]
                )
            plain, full = measured["plain"], measured["reconcile"]
            extra = [full[k] - plain[k] for k in ("requests", "charged")]
            points_key = "graphql_points" if "graphql_points" in full else "complexity"
            rows.append(
                [
                    size,
                    label,
                    "reconcile's cost",
                    *extra,
                    full[points_key] - plain[points_key],
                    "",
                    "",
                    "",
                    secs(full["wall_s"] - plain["wall_s"]),
                ]
            )
    return rows


def section(results: dict[str, Any]) -> list[str]:
    rows = reconcile_rows(results)
    if not rows:
        return []
    lines = ["## Reconcile (`--reconcile`)", ""]
    lines += prose("reconcile", "reconcile_intro")
    return [*lines, "", *table(HEADERS, rows), ""]
