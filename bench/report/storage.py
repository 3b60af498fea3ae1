"""The dbt build, the straight-insert lower bound, and memory by stage and disk."""

from __future__ import annotations

from typing import Any

from bench.report.figures import (
    SOURCES,
    base_latency,
    latencies_of,
    normalize_load,
    run_of,
    runs_of,
    scenario,
    sizes_of,
)
from bench.report.format import div, mib, ratio, secs, table
from bench.report.prose import prose


def dbt(results: dict[str, Any]) -> list[str]:
    found = [(s, e, scenario(e, base_latency(e), "dbt")) for s, e in sizes_of(results)]
    found = [(s, e, d) for s, e, d in found if d]
    if not found:
        return []
    lines = [
        "## dbt build",
        "",
        *prose("storage", "dbt_intro"),
        "",
    ]
    rows = []
    for size, _, d in found:
        run = d["run"]
        nodes = d.get("nodes") or {}
        slowest = ", ".join(
            f"{n['node']} {n['seconds']:.1f} s" for n in (nodes.get("slowest") or [])[:3]
        )
        rows.append(
            [
                f"`{size}`",
                run["returncode"],
                secs(run["wall_s"], 1),
                secs(d.get("dbt_seconds"), 1),
                d.get("built"),
                f"{d.get('passed', '–')} of {d.get('tests', '–')}",
                nodes.get("count"),
                secs(nodes.get("sum_execution_s"), 1),
                mib(run["max_rss_kib"]),
                secs(run["cpu_user_s"] + run["cpu_sys_s"], 1),
                slowest,
            ]
        )
    lines += table(
        [
            "size",
            "exit",
            "wall s",
            "dbt's own s",
            "models and seeds",
            "tests passed",
            "nodes",
            "node time summed s",
            "peak RSS MiB",
            "CPU s",
            "slowest nodes",
        ],
        rows,
    )
    lines += [
        "",
        *prose("storage", "dbt_columns"),
        "",
    ]
    return lines


def lower_bound(results: dict[str, Any]) -> list[str]:
    found = [(s, e) for s, e in sizes_of(results) if e.get("lower_bound")]
    if not found:
        return []
    lines = [
        "## Lower bound: the same rows straight into DuckDB",
        "",
        *prose("storage", "lower_bound_intro"),
        "",
    ]
    rows = []
    for size, entry in found:
        bound = entry["lower_bound"]
        for source, title in SOURCES:
            d = bound.get(source)
            if not d:
                continue
            if not d.get("ok"):
                rows.append([f"`{size}`", title, "FAILED"] + ["–"] * 9)
                continue
            ours = {
                lat: normalize_load(run_of(entry, lat, source, "full"))
                for lat in latencies_of(entry)
            }
            base = ours.get(bound.get("latency", base_latency(entry)))
            rows.append(
                [
                    f"`{size}`",
                    title,
                    len(d["tables"]),
                    d["rows"],
                    f"{sum(t['jsonl_bytes'] for t in d['tables']) / 1e6:.1f}",
                    secs(d["read_json_s"], 3),
                    secs(d["arrow_insert_s"], 3),
                    secs(d["best_s"], 3),
                    mib(d["max_rss_kib"]),
                    secs(base),
                    ratio(div(base, d["best_s"])),
                    ", ".join(f"{lat} ms: {ratio(div(v, d['best_s']))}" for lat, v in ours.items()),
                ]
            )
    lines += table(
        [
            "size",
            "source",
            "tables",
            "rows",
            "JSONL MB",
            "read_json s",
            "Arrow insert s",
            "best s",
            "straight insert peak RSS MiB",
            "our normalize + load s",
            "ratio",
            "ratio by latency",
        ],
        rows,
    )
    size, entry = found[-1]
    lines += ["", f"By table, `{size}` (seconds of the best repeat of each method):", ""]
    rows = []
    for source, title in SOURCES:
        d = entry["lower_bound"].get(source)
        if not d or not d.get("ok"):
            continue
        for t in d["tables"]:
            rows.append(
                [
                    title,
                    f"`{t['name']}`",
                    t["rows"],
                    t["columns"],
                    secs(d["read_json_by_table"].get(t["name"]), 3),
                    secs(d["arrow_by_table"].get(t["name"]), 3),
                ]
            )
    lines += table(["source", "table", "rows", "columns", "read_json s", "Arrow s"], rows)
    lines += [
        "",
        *prose("storage", "lower_bound_why"),
        "",
    ]
    gaps = [(s, e["gap"]) for s, e in found if (e.get("gap") or {}).get("ok")]
    if len(gaps) > 1:
        lines += [
            *prose("storage", "gap_by_size"),
            "",
        ]
        keys = list(gaps[-1][1]["variants"])
        rows = []
        for key in keys:
            row: list[Any] = [f"`{key}`"]
            for _, gap in gaps:
                x = gap["variants"].get(key)
                nl = x["normalize_s"] + x["load_s"] if x else None
                row.append(f"{secs(nl)} s ({ratio(div(nl, gap['direct']['best_s']))})")
            rows.append(row)
        rows.append(["straight insert"] + [f"{secs(g['direct']['best_s'], 3)} s" for _, g in gaps])
        lines += table(["variant"] + [f"`{s}` ({g['rows']:,} issues)" for s, g in gaps], rows)
        lines.append("")
    return lines


def memory(results: dict[str, Any]) -> list[str]:
    lines = [
        "## Memory by stage, and disk",
        "",
        *prose("storage", "memory_intro"),
        "",
    ]
    rows = []
    for size, entry in sizes_of(results):
        for name, run in runs_of(entry):
            peaks = run.get("stage_peak_rss_kib") or {}
            rows.append(
                [
                    f"`{size}` {name}",
                    mib(run["max_rss_kib"]),
                    mib(peaks.get("startup")),
                    mib(peaks.get("extract")),
                    mib(peaks.get("normalize")),
                    mib(peaks.get("load")),
                    _disk(run, "duckdb"),
                    _disk(run, "dlt_data_dir"),
                    _kib(run, "state"),
                ]
            )
    lines += table(
        [
            "run",
            "peak RSS MiB",
            "startup",
            "extract",
            "normalize",
            "load",
            "DuckDB file MiB",
            "dlt data dir MiB",
            "state KiB",
        ],
        rows,
    )
    lines.append("")
    return lines


def _disk(run: dict[str, Any], place: str) -> str:
    value = (run.get("disk_bytes") or {}).get(place)
    return "–" if value is None else f"{value / 2**20:,.1f}"


def _kib(run: dict[str, Any], place: str) -> str:
    value = (run.get("disk_bytes") or {}).get(place)
    return "–" if value is None else f"{value / 1024:,.0f}"
