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


def why_memory(results: dict[str, Any]) -> list[str]:
    found = sizes_of(results)
    if not found:
        return []
    lines = [
        "### Peak memory: what grows",
        "",
        "Each full sync's sampled high-water mark split by stage: start-up's level, then what "
        "each later stage added on top (memory a stage frees mostly stays with the process, so "
        "the next one starts from there); beside it, the straight insert of the same rows in a "
        "bare process (`bench/direct.py`): after importing duckdb and pyarrow, with the rows "
        "loaded as Arrow tables, and at its peak.",
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
    lines += [
        "What each stage holds (from the code; the figures above say how much):",
        "",
        "- **start-up**: the interpreter with dlt, pandas, pyarrow and duckdb imported: the "
        "floor of any run, the same at every size.",
        "- **extract** streams: the resources yield one page at a time (Linear 250 nodes, "
        "GitHub 100 items), and dlt's buffered writers flush to disk every 5,000 items per "
        "table, so no table is held whole; those buffers fill up to their cap as tables pass "
        "5,000 rows. What grows with the rows read is per-row bookkeeping: Linear's sync "
        "window map above (dlt reads the resources round-robin, so every entity's map is "
        "alive until the extract ends, though the state keeps only the overlap window's "
        "entries afterwards). For GitHub the benchmark does not attribute the growth further.",
        "- **normalize** reads the extracted files item by item and writes Parquet through "
        "pyarrow, buffering up to 5,000 rows per table: bounded by the buffers, not the rows.",
        "- **load** runs DuckDB inside the pipeline's process: every Parquet file is read "
        "into the staging table, the merge deletes and inserts by key with a deduplicating "
        "window over the staging rows, and DuckDB's buffer manager keeps what it touched "
        "until the connection closes (its default memory limit is 80% of the machine's RAM, "
        "so nothing makes it let go): a working set proportional to the rows of the load.",
        "",
        "What would keep it flat: a DuckDB `memory_limit` on the load's connection (dlt's "
        "DuckDB credentials take `global_config` / `pragmas`), so the merge spills to disk "
        "instead of growing; and a sync window that drops, as it goes, the entries behind "
        "`highest change time seen so far − overlap` (they can never be kept in the state): "
        "with the rows read newest change first, as the query asks, its map would stay the "
        "size of the overlap window. Both are changes to `pipelines/` or its configuration: "
        "left to the lead.",
        "",
    ]
    return lines


def _per_row(kib: float, rows: int) -> str:
    return "–" if rows <= 0 else f"{kib * 1024 / rows:,.0f} bytes per added row"


def _share(part: float, whole: float) -> str:
    return "–" if whole <= 0 else f"{part / whole:.0%}"


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
            seq = full["sequential_requests"] * float(lat) / 1000
            stages = full["run"].get("stage_seconds") or {}
            outside = wall - sum(stages.values())
            reviews = full["concurrency_reviews"]
            lines.append(
                f"- `{size}` at {lat} ms: wall {secs(wall)} s = extract "
                f"{secs(full['extract_s'])} s + normalize {secs(stages.get('normalize'))} s + "
                f"load {secs(stages.get('load'))} s + {secs(outside)} s outside the stages "
                f"(start-up, set-up). The ideal {secs(ideal)} s assumes every request overlaps; "
                f"but {full['sequential_requests']:,} of the {full['requests']:,} requests are "
                f"list pages read one after another ({secs(seq)} s at {lat} ms each: each "
                "page's URL comes from the previous page's `Link` header), and only the review "
                f"calls overlap ({reviews['mean']:.1f} in flight on average, peak "
                f"{reviews['peak']}). The sequential-aware ideal is "
                f"{secs(full['ideal_sequential_s'])} s: the extract took "
                f"{ratio(div(full['extract_s'], full['ideal_sequential_s']))} of it. The "
                f"extract alone is {ratio(div(full['extract_s'], ideal))} the naive ideal; "
                f"the rest of the wall ({secs(wall - (full['extract_s'] or 0))} s of stages "
                "after it and start-up, about the same at any latency) weighs "
                f"{_share(wall - (full['extract_s'] or 0), wall)} of it."
            )
    if not any_slow:
        return []
    lines += [
        "",
        "What would bring it closer to the naive ideal: read the four list endpoints of "
        "every repo concurrently (they are independent: one thread per repo and endpoint) "
        "so their pages overlap with each other and with the review calls; the stages after "
        "the extract and the start-up are a fixed few seconds at any latency.",
        "",
    ]
    return lines
