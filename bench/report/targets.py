"""The targets of issues 6 and 17: each with its measured figure and verdict, and the section."""

from __future__ import annotations

from typing import Any

from bench.report.figures import (
    FLAT_MEMORY,
    GITHUB_WALL_LIMIT,
    LINEAR_WALL_LIMIT,
    MEMORY_LIMIT_KIB,
    NORMALIZE_LOAD_LIMIT,
    SOURCES,
    base_latency,
    latencies_of,
    memory_size,
    normalize_load,
    peak,
    run_of,
    scenario,
    sizes_of,
)
from bench.report.format import cell, div, mib, ratio, secs, table, verdict
from bench.report.prose import prose
from bench.report.why_gap import why_gap
from bench.report.why_linear_wall import why_linear_wall
from bench.report.why_memory import why_memory, why_wall


def target_rows(results: dict[str, Any]) -> list[dict[str, Any]]:
    """Every target of issue 6 with its measured figure and verdict (None: not measured)."""
    rows: list[dict[str, Any]] = []
    found = sizes_of(results)
    # 1. Normalize + load within 2x of the straight insert.
    for size, entry in found:
        bound = entry.get("lower_bound") or {}
        for source, title in SOURCES:
            direct = bound.get(source)
            if not direct or not direct.get("ok"):
                continue
            by_latency = {
                lat: div(normalize_load(run_of(entry, lat, source, "full")), direct["best_s"])
                for lat in latencies_of(entry)
            }
            value = by_latency.get(bound.get("latency", base_latency(entry)))
            ours = normalize_load(run_of(entry, bound.get("latency", "0"), source, "full"))
            others = [
                f"{ratio(v)} in the {lat} ms run"
                for lat, v in by_latency.items()
                if lat != bound.get("latency") and v is not None
            ]
            rows.append(
                {
                    "target": "Normalize + load within 2x of the straight DuckDB insert",
                    "what": f"{title} full sync, `{size}`",
                    "measured": f"{secs(ours)} s vs {secs(direct['best_s'], 3)} s = "
                    f"{ratio(value)}" + (f" ({', '.join(others)})" if others else ""),
                    "limit": f"≤ {NORMALIZE_LOAD_LIMIT:g}x",
                    "value": value,
                    "met": None if value is None else value <= NORMALIZE_LOAD_LIMIT,
                }
            )
    # 2. Peak memory under 1 GB for 50,000 issues, and flat with size.
    judged = memory_size(results)
    if judged:
        size, entry = judged
        issues = (entry.get("spec") or {}).get("issues", 0)
        peaks = [
            (lat, key, peak(run_of(entry, lat, "linear", key)))
            for lat in latencies_of(entry)
            for key in ("full", "incremental", "noop")
        ]
        peaks = [p for p in peaks if p[2]]
        if peaks:
            lat, key, top = max(peaks, key=lambda p: p[2])
            rows.append(
                {
                    "target": "Peak memory under 1 GB for 50,000 issues",
                    "what": f"Linear, `{size}` ({issues:,} issues): highest of its "
                    f"{len(peaks)} runs ({key}, {lat} ms)",
                    "measured": f"{mib(top)} MiB",
                    "limit": f"< 1 GB ({mib(MEMORY_LIMIT_KIB)} MiB)",
                    "value": top,
                    "met": top < MEMORY_LIMIT_KIB,
                }
            )
    if len(found) >= 2:
        (small, first), (large, last) = found[0], found[-1]
        for source, title in SOURCES:
            a = max((peak(run_of(first, lat, source, "full")) or 0) for lat in latencies_of(first))
            b = max((peak(run_of(last, lat, source, "full")) or 0) for lat in latencies_of(last))
            rows_a = (run_of(first, base_latency(first), source, "full") or {}).get("total_rows")
            rows_b = (run_of(last, base_latency(last), source, "full") or {}).get("total_rows")
            if not a or not b:
                continue
            rows.append(
                {
                    "target": "Peak memory not growing with the workspace size",
                    "what": f"{title} full sync, `{small}` → `{large}` (rows loaded "
                    f"{cell(rows_a)} → {cell(rows_b)}, {ratio(div(rows_b, rows_a))})",
                    "measured": f"{mib(a)} → {mib(b)} MiB ({ratio(b / a)})",
                    "limit": f"≤ {FLAT_MEMORY:.2f}x (flat, within noise)",
                    "value": b / a,
                    "met": b / a <= FLAT_MEMORY,
                }
            )
    rows += linear_wall_rows(results)
    # 3. GitHub full sync's wall within 1.3x of requests x latency / concurrency.
    for size, entry in found:
        for lat in latencies_of(entry):
            if float(lat) <= 0:
                continue
            gh = scenario(entry, lat, "github")
            if not gh or not gh["full"]["ok"]:
                continue
            full, workers = gh["full"], gh["extract_workers"]
            ideal = full["ideal_naive_s"]
            rows.append(wall_row("GitHub", GITHUB_WALL_LIMIT, size, lat, full, workers, ideal))
    return rows


def linear_wall_rows(results: dict[str, Any]) -> list[dict[str, Any]]:
    """Issue 17: Linear's full sync at a latency within 2x of requests x latency / concurrency
    (its requests in flight at once: `sources.linear.max_concurrency`)."""
    concurrency = (results.get("settings") or {}).get("linear_concurrency")
    rows: list[dict[str, Any]] = []
    for size, entry in sizes_of(results):
        for lat in latencies_of(entry):
            full = (scenario(entry, lat, "linear") or {}).get("full") or {}
            if float(lat) <= 0 or not concurrency or not full.get("ok"):
                continue
            ideal = full["requests"] * float(lat) / 1000 / concurrency
            rows.append(wall_row("Linear", LINEAR_WALL_LIMIT, size, lat, full, concurrency, ideal))
    return rows


def wall_row(
    title: str, limit: float, size: str, lat: str, full: dict[str, Any], workers: int, ideal: float
) -> dict[str, Any]:
    """The target row of `title`'s full sync at `lat` ms: its wall within `limit` times
    `ideal` (requests × latency / `workers`, the requests in flight at once)."""
    wall = full["run"]["wall_s"]
    value = div(wall, ideal)
    return {
        "target": f"{title} full sync's wall within {limit:g}x of requests × latency / concurrency",
        "what": f"`{size}` at {lat} ms",
        "measured": f"{secs(wall)} s vs {full['requests']:,} × {float(lat) / 1000:g} s / "
        f"{workers} = {secs(ideal)} s: {ratio(value)}",
        "limit": f"≤ {limit:g}x",
        "value": value,
        "met": None if value is None else value <= limit,
    }


def targets(results: dict[str, Any]) -> list[str]:
    rows = target_rows(results)
    lines = [
        "## Targets",
        "",
        *prose("targets", "intro"),
        "",
    ]
    if not rows:
        return [*lines, "Nothing measured for the targets in this run.", ""]
    lines += table(
        ["target", "what", "measured", "limit", "verdict"],
        [[r["target"], r["what"], r["measured"], r["limit"], verdict(r["met"])] for r in rows],
    )
    lines.append("")
    if not any((e.get("spec") or {}).get("issues") == 50_000 for _, e in sizes_of(results)):
        lines += [*prose("targets", "memory_size_missing"), ""]
    lines += why_gap(results)
    lines += why_memory(results)
    lines += why_wall(results)
    lines += why_linear_wall(results)
    return lines
