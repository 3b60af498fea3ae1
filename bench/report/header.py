"""The report's opening: machine and settings, headlines, how it was measured, warm-up."""

from __future__ import annotations

from typing import Any

from bench.report.figures import (
    SOURCES,
    base_latency,
    latencies_of,
    normalize_load,
    run_of,
    scenario,
    sizes_of,
)
from bench.report.format import RUN_HEADERS, div, mib, ratio, run_row, secs, table, versus
from bench.report.targets import target_rows


def header(results: dict[str, Any]) -> list[str]:
    m, s = results["machine"], results["settings"]
    pk = m["packages"]
    cores = f"{m['cores']} cores"
    if m.get("usable_cores") and m["usable_cores"] != m["cores"]:
        cores += f" ({m['usable_cores']} usable)"
    per_size = ", ".join(
        f"`{size}` {entry.get('elapsed_s', 0) / 60:.1f} min" for size, entry in sizes_of(results)
    )
    lines = [
        "# Benchmark report",
        "",
        f"{m['date']}, `{s.get('command', 'python -m bench')}`: sizes "
        f"{', '.join(f'`{x}`' for x in s['sizes'])} at "
        f"{', '.join(f'{x:g} ms' for x in s['latencies'])} of API latency; "
        f"{results['elapsed_s'] / 60:.1f} min in all ({per_size}). Single runs on a shared "
        "machine: times are noisy; request counts and rows are deterministic for the seed.",
        "",
        "## Machine",
        "",
    ]
    lines += table(
        ["", ""],
        [
            ["CPU", f"{m['cpu']}, {cores}"],
            ["Memory", f"{m['memory_gib']:.1f} GiB" if m.get("memory_gib") else "unknown"],
            ["OS", m["os"]],
            ["Python", m["python"]],
            ["dlt", pk.get("dlt")],
            ["duckdb", pk.get("duckdb")],
            ["pyarrow", pk.get("pyarrow")],
            ["requests / graphql-core", f"{pk.get('requests')} / {pk.get('graphql-core')}"],
            ["Commit", m["commit"]],
        ],
    )
    lines += ["", "Settings:", ""]
    lines.append(f"- seed {s['seed']}; the sandbox runs in the benchmark process on 127.0.0.1")
    details = s.get("size_details") or {}
    for size in s["sizes"]:
        d = details.get(size) or {}
        lines.append(
            f"- size `{size}`: Linear {d.get('linear', '')}; GitHub {d.get('github', '')} "
            "(the PRs spread over the repos)"
        )
    lines.append(
        f"- a fresh sandbox per size and latency; the GitHub sandbox's hourly budget raised to "
        f"{s.get('github_requests_per_hour', 0):,} requests (GitHub's own 5,000 is less than "
        "one full sync of the large org), Linear's left at its defaults (5,000 requests, "
        "3,000,000 complexity points an hour)"
    )
    lines.append(
        "- bytecode: "
        + (
            "the caller's settings, no warm-up (`--cold`)"
            if s.get("cold")
            else "a private cache, warmed before the measured runs"
        )
    )
    lines.append(
        f"- `extract.workers` = {s['extract_workers']} (parallel GitHub review calls), "
        f"`sources.github.max_concurrency` = {s['github_concurrency']} (member profiles)"
    )
    lines.append("")
    return lines


def headlines(results: dict[str, Any]) -> list[str]:
    lines = ["## Headlines", ""]
    for size, entry in sizes_of(results):
        base = base_latency(entry)
        lin = scenario(entry, base, "linear")
        if lin and lin["full"]["ok"]:
            full, inc = lin["full"], lin["incremental"]
            run = full["run"]
            issues = lin["truth_rows"].get("issues", 0)
            per_issue = div(full["issue_complexity"], full["issue_rows_read"])
            lines.append(
                f"- **`{size}` Linear** ({issues:,} issues, {run['total_rows']:,} rows loaded): "
                f"full sync {full['requests']:,} requests (minimum {full['minimum']:,}, "
                f"{versus(full['requests'], full['minimum'])}), "
                f"{per_issue or 0:.1f} complexity points per issue, wall "
                + " / ".join(
                    f"{secs((run_of(entry, lat, 'linear', 'full') or {}).get('wall_s'))} s at "
                    f"{lat} ms"
                    for lat in latencies_of(entry)
                )
                + f", peak RSS {mib(run['max_rss_kib'])} MiB; incremental "
                f"{inc['requests']} requests (minimum {inc['minimum']})."
            )
        gh = scenario(entry, base, "github")
        if gh and gh["full"]["ok"]:
            full, inc = gh["full"], gh["incremental"]
            slow = [
                (lat, scenario(entry, lat, "github"))
                for lat in latencies_of(entry)
                if float(lat) > 0
            ]
            slow_text = "".join(
                f"; at {lat} ms wall {secs(g['full']['run']['wall_s'])} s vs "
                f"{secs(g['full']['ideal_naive_s'])} s ideal "
                f"({ratio(div(g['full']['run']['wall_s'], g['full']['ideal_naive_s']))})"
                for lat, g in slow
                if g and g["full"]["ok"]
            )
            lines.append(
                f"- **`{size}` GitHub** ({shape_summary(gh)}): full sync "
                f"{full['requests']:,} requests (minimum {full['minimum']:,}, "
                f"{versus(full['requests'], full['minimum'])}), wall "
                f"{secs(full['run']['wall_s'])} s at {base} ms{slow_text}; peak RSS "
                f"{mib(full['run']['max_rss_kib'])} MiB; incremental {inc['charged']} charged "
                f"requests (minimum {inc['minimum_charged']}) + {inc['uncharged']} uncharged 304s."
                + graphql_budget(full, inc)
            )
        dbt = scenario(entry, base, "dbt")
        bound = entry.get("lower_bound") or {}
        extras = []
        if dbt:
            extras.append(
                f"dbt build {secs(dbt['run']['wall_s'], 1)} s wall "
                f"({dbt.get('built', '?')} models and seeds, {dbt.get('passed', '?')} of "
                f"{dbt.get('tests', '?')} tests passed)"
                if dbt["ok"]
                else "dbt build FAILED"
            )
        for source, title in SOURCES:
            direct = bound.get(source)
            ours = normalize_load(run_of(entry, bound.get("latency", base), source, "full"))
            if direct and direct.get("ok") and ours is not None:
                extras.append(
                    f"{title} normalize + load {ratio(ours / direct['best_s'])} the straight "
                    "DuckDB insert"
                )
        if extras:
            lines.append(f"- **`{size}`**: " + "; ".join(extras) + ".")
    met = [r for r in target_rows(results) if r["met"] is not None]
    if met:
        lines.append(
            f"- **Targets**: {sum(1 for r in met if r['met'])} of {len(met)} checks met "
            "(see below)."
        )
    lines.append("")
    return lines


def shape_summary(gh: dict[str, Any]) -> str:
    repos = gh["shape"]["repos"]
    pulls = sum(n["pulls"] for n in repos.values())
    return f"{len(repos)} repos, {pulls:,} PRs, {gh['shape']['members']} members"


#: Issue 11's reference: the large company's first load on REST (one review call per PR).
REST_FIRST_LOAD_LARGE = 10_520


def graphql_budget(full: dict[str, Any], inc: dict[str, Any]) -> str:
    """Issue 11's figures: GraphQL points + charged REST requests, beside REST before."""
    if "graphql_points" not in full:
        return ""
    spent = full["budget_spent"]
    return (
        f" Rate-limit budget (GraphQL points + REST requests): full {spent:,} "
        f"({full['graphql_points']:,} points in {full['graphql_queries']:,} queries, minimum "
        f"{full['graphql_points_minimum']:,} points; {spent / REST_FIRST_LOAD_LARGE:.1%} of "
        f"the {REST_FIRST_LOAD_LARGE:,} REST requests the large first load needed before), "
        f"incremental {inc['budget_spent']:,} ({inc['graphql_points']:,} points)."
    )


def method(results: dict[str, Any]) -> list[str]:
    return [
        "## How it was measured",
        "",
        "- Per size and latency, a fresh sandbox (both APIs, the seed's company); Linear's "
        "full, incremental and no-change syncs, then GitHub's full and incremental syncs, "
        "each `python pipelines/<source>.py --no-dbt` in a subprocess as users run it "
        "(default log level), both loading one DuckDB file (each source with its own "
        "`DLT_DATA_DIR`), as `make sync` does. At the lowest latency, `python "
        "pipelines/transform.py` then builds every dbt model on that file, and the lower "
        "bound and the gap experiment run.",
        "- **wall s**: a monotonic clock from spawn to reaping the child. **extract / normalize "
        "/ load s**: the run summary's `stage_seconds` (`PIPELINES_SUMMARY_FILE`). **outside "
        "stages s**: wall minus the three stages: interpreter start, imports, pipeline set-up "
        "and teardown.",
        "- **rows loaded**: the summary's rows over every table (child tables such as "
        "`raw_issues__labels` included); **rows/s** of a stage = rows loaded / that stage's "
        "seconds.",
        "- **peak RSS**: the child's `ru_maxrss` from `os.wait4` (exact), taken by a small "
        "launcher process (`bench/launch.py`, a few MiB): spawned straight from the benchmark, "
        "which holds the sandbox's data, a child would inherit the benchmark's own high-water "
        "mark. Peaks per stage come from sampling `/proc/<pid>/status` every 50 ms between the "
        "runner's stage log lines (approximate: a spike shorter than 50 ms can be missed). "
        "**CPU s**: the child's user + system CPU.",
        "- **Requests** are counted on the sandbox's request log (what the server saw), beside "
        "the client's own count from the summary; complexity points are the sandbox's "
        "`X-Complexity` response headers.",
        "- **Straight insert**: right after a full sync, every data table it loaded (child "
        "tables and dlt's columns included: the very rows it wrote) is exported to JSON lines "
        "and Parquet (not timed); `bench/direct.py`, in a process of its own, writes them into "
        "a fresh DuckDB file with `read_json`, and from Arrow tables read beforehand; best of "
        "the repeats, connect to close. **Our ratio** = the full sync's normalize + load "
        "seconds / that best.",
        "- Single runs, not averages, on a machine shared with other work: expect noise on "
        "times (the two latencies' runs of one size give two samples of normalize and load); "
        "request counts and rows are deterministic for a seed.",
        "",
    ] + (
        ["**Failed runs: " + ", ".join(results["failures"]) + "** (their figures are partial).", ""]
        if results.get("failures")
        else []
    )


def warmup(warmup: dict[str, Any], settings: dict[str, Any]) -> list[str]:
    names = {
        "linear_cold": "tiny Linear full sync, cold bytecode cache",
        "github_cold": "tiny GitHub full sync, after it",
        "linear_warm": "tiny Linear full sync again, warm",
    }
    why = (
        "The calling environment sets `PYTHONDONTWRITEBYTECODE=1`, so without a cache of its "
        "own every run would recompile every module it imports. "
        if settings.get("caller_dont_write_bytecode")
        else ""
    )
    lines = [
        "## Start-up: cold and warm bytecode cache",
        "",
        why + "The runs get a private bytecode cache (`PYTHONPYCACHEPREFIX` in the work dir, "
        "nothing written next to the sources), warmed by these tiny syncs before anything "
        "else; every figure after this section is warm, like a user's second run "
        "(`--cold` measures without it).",
        "",
    ]
    lines += table(RUN_HEADERS, [run_row(names[k], v["run"]) for k, v in warmup.items()])
    lines.append("")
    return lines
