"""Under Targets: what grows in peak memory, and where GitHub's wall time goes."""

from __future__ import annotations

from typing import Any

from bench.report.figures import (
    MEMORY_LIMIT_KIB,
    SOURCES,
    STAGES,
    base_latency,
    latencies_of,
    run_of,
    scenario,
    sizes_of,
    stage_increments,
)
from bench.report.format import MiB, div, mib, ratio, secs, table
from bench.report.prose import prose


def why_memory(results: dict[str, Any]) -> list[str]:
    found = sizes_of(results)
    if not found:
        return []
    lines = [
        "### Peak memory: what grows",
        "",
        *prose("targets", "memory_intro"),
        "",
    ]
    rows = []
    series: dict[str, list[tuple[str, dict[str, Any], dict[str, int], dict[str, Any]]]] = {}
    for size, entry in found:
        for source, title in SOURCES:
            run = run_of(entry, base_latency(entry), source, "full")
            inc = stage_increments(run) if run else None
            if not run or not inc:
                continue
            direct = (entry.get("lower_bound") or {}).get(source) or {}
            series.setdefault(source, []).append((size, run, inc, direct))
            rows.append(
                [
                    f"{title} `{size}`",
                    run.get("total_rows"),
                    mib(run["max_rss_kib"]),
                    mib(inc["startup"]),
                    f"+{mib(inc['extract'])}",
                    f"+{mib(inc['normalize'])}",
                    f"+{mib(inc['load'])}",
                    mib(direct.get("rss_after_imports_kib")),
                    mib(direct.get("rss_with_arrow_tables_kib")),
                    mib(direct.get("max_rss_kib")),
                ]
            )
    if not rows:
        return []
    lines += table(
        [
            "full sync",
            "rows loaded",
            "peak RSS MiB",
            "start-up MiB",
            "extract adds",
            "normalize adds",
            "load adds",
            "straight insert: imports MiB",
            "+ Arrow tables MiB",
            "peak MiB",
        ],
        rows,
    )
    lines.append("")
    notes: list[str] = []
    for source, title in SOURCES:
        points = series.get(source) or []
        if len(points) < 2:
            continue
        (s0, r0, i0, d0), (s1, r1, i1, d1) = points[0], points[-1]
        d_rows = (r1.get("total_rows") or 0) - (r0.get("total_rows") or 0)
        d_peak = r1["max_rss_kib"] - r0["max_rss_kib"]
        growth = {st: i1[st] - i0[st] for st in STAGES}
        top = max(STAGES[1:], key=lambda st: growth[st])
        text = (
            f"**{title}**: from `{s0}` to `{s1}` the peak rose {mib(d_peak)} MiB for "
            f"{d_rows:+,} rows ({_per_row(d_peak, d_rows)}); start-up "
            f"{round(growth['startup'] / MiB):+,d} MiB, what extract "
            f"adds {mib(i0['extract'])} → {mib(i1['extract'])}, normalize {mib(i0['normalize'])} "
            f"→ {mib(i1['normalize'])}, load {mib(i0['load'])} → {mib(i1['load'])} MiB: the "
            f"{top} grows most."
        )
        if source == "linear":
            w0 = dict(found)[s0].get("sync_window_kib")
            w1 = dict(found)[s1].get("sync_window_kib")
            if w0 is not None and w1 is not None:
                text += (
                    f" The sync window's fingerprint map of the rows read (rebuilt from the same "
                    f"issues and comments and weighed with tracemalloc, `bench/footprint.py`) is "
                    f"{mib(w0)} → {mib(w1)} MiB: it accounts for "
                    f"{_share(w1 - w0, i1['extract'] - i0['extract'])} of the extract's growth "
                    "(sampled)."
                )
        if (
            d0.get("max_rss_kib")
            and d1.get("max_rss_kib")
            and d0.get("rss_with_arrow_tables_kib")
            and d1.get("rss_with_arrow_tables_kib")
        ):
            duck0 = d0["max_rss_kib"] - d0["rss_with_arrow_tables_kib"]
            duck1 = d1["max_rss_kib"] - d1["rss_with_arrow_tables_kib"]
            text += (
                f" DuckDB writing the same rows in a bare process needs {mib(duck0)} → "
                f"{mib(duck1)} MiB above its Arrow input: the load's growth "
                f"({mib(i0['load'])} → {mib(i1['load'])} MiB) is of that order, DuckDB's "
                "working set inside the pipeline's process."
            )
        per_kib = d_peak / d_rows if d_rows > 0 else None
        if per_kib and per_kib > 0 and r1["max_rss_kib"] < MEMORY_LIMIT_KIB:
            rows_at_limit = (r1.get("total_rows") or 0) + (
                MEMORY_LIMIT_KIB - r1["max_rss_kib"]
            ) / per_kib
            times = rows_at_limit / (r1.get("total_rows") or 1)
            text += (
                f" Straight-line from these two sizes, one full sync would reach 1 GB at about "
                f"{rows_at_limit:,.0f} rows loaded ({times:.1f}x `{s1}`)."
            )
        notes.append(text)
    if notes:
        lines += [f"- {n}" for n in notes] + [""]
    lines += [*prose("targets", "memory_stages"), ""]
    return lines


def _per_row(kib: float, rows: int) -> str:
    return "–" if rows <= 0 else f"{kib * 1024 / rows:,.0f} bytes per added row"


def _share(part: float, whole: float) -> str:
    return "–" if whole <= 0 else f"{part / whole:.0%}"


def _base_extract(entry: dict[str, Any], size: str) -> str:
    """The extract of the same GitHub full sync at the lowest latency run (its CPU share)."""
    base = scenario(entry, base_latency(entry), "github")
    if not base or float(base_latency(entry)) > 0 or not base["full"]["ok"]:
        return ""
    return secs(base["full"]["extract_s"])


def why_wall(results: dict[str, Any]) -> list[str]:
    lines = ["### GitHub wall time at latency: where it goes", ""]
    any_slow = False
    for size, entry in sizes_of(results):
        for lat in latencies_of(entry):
            gh = scenario(entry, lat, "github")
            if float(lat) <= 0 or not gh or not gh["full"]["ok"]:
                continue
            any_slow = True
            full = gh["full"]
            wall, ideal = full["run"]["wall_s"], full["ideal_naive_s"]
            chain = full.get("longest_chain", 0)
            stages = full["run"].get("stage_seconds") or {}
            outside = wall - sum(stages.values())
            every = full["concurrency_all"]
            lines += prose(
                "targets",
                "wall",
                size=size,
                latency=lat,
                wall=secs(wall),
                extract=secs(full["extract_s"]),
                normalize=secs(stages.get("normalize")),
                load=secs(stages.get("load")),
                outside=secs(outside),
                ideal=secs(ideal),
                sequential=f"{full['sequential_requests']:,}",
                requests=f"{full['requests']:,}",
                chain=f"{chain:,}",
                chain_s=secs(chain * float(lat) / 1000),
                all_mean=f"{every['mean']:.1f}",
                all_peak=every["peak"],
                ideal_chain=secs(full["ideal_sequential_s"]),
                of_chain=ratio(div(full["extract_s"], full["ideal_sequential_s"])),
                of_naive=ratio(div(full["extract_s"], ideal)),
                extract_base=_base_extract(entry, size),
                rest=secs(wall - (full["extract_s"] or 0)),
                rest_share=_share(wall - (full["extract_s"] or 0), wall),
            )
    if not any_slow:
        return []
    lines += ["", *prose("targets", "wall_remedy"), ""]
    return lines
