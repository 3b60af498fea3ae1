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
from bench.report.prose import prose
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
        *prose(
            "header",
            "intro",
            date=m["date"],
            command=s.get("command", "python -m bench"),
            sizes=", ".join(f"`{x}`" for x in s["sizes"]),
            latencies=", ".join(f"{x:g} ms" for x in s["latencies"]),
            minutes=f"{results['elapsed_s'] / 60:.1f}",
            per_size=per_size,
        ),
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
    details = s.get("size_details") or {}
    lines += prose(
        "header",
        "settings",
        seed=s["seed"],
        sizes=[
            (size, *((details.get(size) or {}).get(k, "") for k in ("linear", "github")))
            for size in s["sizes"]
        ],
        github_requests_per_hour=f"{s.get('github_requests_per_hour', 0):,}",
        cold=bool(s.get("cold")),
        extract_workers=s["extract_workers"],
        github_concurrency=s["github_concurrency"],
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
        *prose("header", "method"),
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
    dont_write = bool(settings.get("caller_dont_write_bytecode"))
    lines = [*prose("header", "warmup", dont_write_bytecode=dont_write), ""]
    lines += table(RUN_HEADERS, [run_row(names[k], v["run"]) for k, v in warmup.items()])
    lines.append("")
    return lines
