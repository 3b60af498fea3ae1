"""The Markdown report: machine and settings, headlines, then one section per scenario, each
with its figures in tables and the formulas behind every "minimum" and "ideal"."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

from bench.minimum import GITHUB_FULL_FORMULA, GITHUB_INCREMENTAL_FORMULA, LINEAR_FORMULA

MiB = 1024


# -- formatting ----------------------------------------------------------------------------------
def table(headers: Sequence[str], rows: Iterable[Sequence[Any]]) -> list[str]:
    """A Markdown table; numbers right-aligned."""
    rows = [[_cell(v) for v in row] for row in rows]
    align = []
    for index in range(len(headers)):
        numeric = rows and all(_numeric(r[index]) for r in rows if r[index] not in ("", "–"))
        align.append("---:" if numeric else "---")
    lines = ["| " + " | ".join(headers) + " |", "|" + "|".join(align) + "|"]
    lines += ["| " + " | ".join(row) + " |" for row in rows]
    return lines


def _cell(value: Any) -> str:
    if value is None:
        return "–"
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, int):
        return f"{value:,}"
    if isinstance(value, float):
        return f"{value:,.2f}"
    return str(value).replace("|", "\\|")


def _numeric(text: str) -> bool:
    stripped = text.replace(",", "").replace(".", "").replace("x", "").replace("+", "")
    return stripped.lstrip("-").isdigit()


def secs(value: float | None, digits: int = 2) -> str:
    return "–" if value is None else f"{value:,.{digits}f}"


def rate(value: float | None) -> str:
    return "–" if value is None else f"{value:,.0f}"


def mib(kib: int | float | None) -> str:
    return "–" if kib is None else f"{kib / MiB:,.0f}"


def ratio(value: float | None) -> str:
    return "–" if value is None else f"{value:,.2f}x"


def versus(actual: int | None, minimum: int | None) -> str:
    """ "at minimum", "+3 (+2.1%)" or "-1"."""
    if actual is None or minimum is None:
        return "–"
    extra = actual - minimum
    if extra == 0:
        return "at minimum"
    share = f" ({extra / minimum:+.1%})" if minimum else ""
    return f"{extra:+,}{share}"


# -- shared tables -------------------------------------------------------------------------------
RUN_HEADERS = [
    "run",
    "exit",
    "wall s",
    "extract s",
    "normalize s",
    "load s",
    "outside stages s",
    "rows loaded",
    "extract rows/s",
    "normalize rows/s",
    "load rows/s",
    "peak RSS MiB",
    "CPU s",
]


def run_row(name: str, run: dict[str, Any]) -> list[Any]:
    stages = run.get("stage_seconds") or {}
    per_s = run.get("rows_per_second") or {}
    wall = run["wall_s"]
    outside = wall - sum(stages.values()) if stages else None
    return [
        name,
        run["returncode"],
        secs(wall),
        secs(stages.get("extract")),
        secs(stages.get("normalize")),
        secs(stages.get("load")),
        secs(outside),
        run.get("total_rows", 0),
        rate(per_s.get("extract")),
        rate(per_s.get("normalize")),
        rate(per_s.get("load")),
        mib(run["max_rss_kib"]),
        secs(run["cpu_user_s"] + run["cpu_sys_s"]),
    ]


def _all_runs(results: dict[str, Any]) -> list[tuple[str, dict[str, Any]]]:
    runs: list[tuple[str, dict[str, Any]]] = []
    linear = results.get("linear")
    if linear:
        for key, name in (("full", "Linear full"), ("incremental", "Linear incremental")):
            runs.append((name, linear[key]["run"]))
        if "noop" in linear:
            runs.append(("Linear no-change rerun", linear["noop"]["run"]))
    for latency, gh in (results.get("github") or {}).items():
        runs.append((f"GitHub full, {latency} ms", gh["full"]["run"]))
        runs.append((f"GitHub incremental, {latency} ms", gh["incremental"]["run"]))
    bound = results.get("lower_bound")
    if bound:
        runs.append(("Linear issues only", bound["issues_only"]["run"]))
    for source, by_size in (results.get("scaling") or {}).items():
        for size, entry in by_size.items():
            runs.append((f"{source.title()} full, {size}", entry["run"]))
    return runs


# -- the report ----------------------------------------------------------------------------------
def render(results: dict[str, Any]) -> str:
    lines: list[str] = []
    lines += _header(results)
    lines += _headlines(results)
    lines += _method(results)
    if results.get("warmup"):
        lines += _warmup(results["warmup"], results["settings"])
    if results.get("linear"):
        lines += _linear(results["linear"])
    if results.get("github"):
        lines += _github(results["github"])
    if results.get("lower_bound"):
        lines += _lower_bound(results["lower_bound"], results.get("linear"))
    if results.get("scaling"):
        lines += _scaling(results["scaling"], results)
    lines += _memory(results)
    lines += _observations(results)
    return "\n".join(lines).rstrip() + "\n"


def _header(results: dict[str, Any]) -> list[str]:
    m, s = results["machine"], results["settings"]
    pk = m["packages"]
    cores = f"{m['cores']} cores"
    if m.get("usable_cores") and m["usable_cores"] != m["cores"]:
        cores += f" ({m['usable_cores']} usable)"
    mode = "`python -m bench --quick`" if s["quick"] else "`python -m bench`"
    lines = [
        "# Benchmark report",
        "",
        f"{m['date']}, {mode} (scenarios: {', '.join(s['scenarios'])}), "
        f"{results['elapsed_s'] / 60:.1f} min in all.",
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
    sizes = s.get("size_details") or {}
    lsizes = s.get("linear_size_details") or sizes
    gsizes = s.get("github_size_details") or sizes
    lines.append(f"- seed {s['seed']}; the sandbox runs in the benchmark process on 127.0.0.1")
    if "linear" in s["scenarios"] or "lower-bound" in s["scenarios"]:
        lines.append(
            f"- Linear workspace: `{s['linear_size']}` ({lsizes.get(s['linear_size'], '')})"
        )
    if "github" in s["scenarios"]:
        lines.append(
            f"- GitHub org: `{s['github_size']}` ({gsizes.get(s['github_size'], '')}); "
            f"simulated latency {', '.join(f'{x:g} ms' for x in s['latencies'])}"
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


def _headlines(results: dict[str, Any]) -> list[str]:
    lines = ["## Headlines", ""]
    linear = results.get("linear")
    if linear:
        full, inc = linear["full"], linear["incremental"]
        run = full["run"]
        issues = linear["truth_rows"].get("issues", 0)
        per_k = full["requests"] / (issues / 1000) if issues else None
        per_issue = (
            full["issue_complexity"] / full["issue_rows_read"] if full["issue_rows_read"] else None
        )
        lines.append(
            f"- **Linear full sync** ({issues:,} issues, {run['total_rows']:,} rows loaded): "
            f"{full['requests']} requests (minimum {full['minimum']}, "
            f"{versus(full['requests'], full['minimum'])}), "
            f"{per_k:.1f} requests per 1,000 issues ("
            f"{full['entities']['issues']['requests'] / (issues / 1000):.1f} for the issues "
            f"themselves), {per_issue:.1f} complexity points per issue, "
            f"{full['complexity']:,} points in all; wall {secs(run['wall_s'])} s; rows/s: "
            f"extract {rate(run['rows_per_second'].get('extract'))}, normalize "
            f"{rate(run['rows_per_second'].get('normalize'))}, load "
            f"{rate(run['rows_per_second'].get('load'))}; peak RSS {mib(run['max_rss_kib'])} MiB."
            if per_k is not None and per_issue is not None
            else f"- **Linear full sync**: {full['requests']} requests (minimum {full['minimum']})."
        )
        lines.append(
            f"- **Linear incremental** ({linear['mutations']['mutate_issues']} issues changed, "
            f"{linear['mutations']['add_comments']} comments added): {inc['requests']} requests "
            f"(minimum {inc['minimum']}, {versus(inc['requests'], inc['minimum'])}), "
            f"{inc['run']['total_rows']:,} rows loaded, wall {secs(inc['run']['wall_s'])} s."
        )
    for latency, gh in (results.get("github") or {}).items():
        full, inc = gh["full"], gh["incremental"]
        lines.append(
            f"- **GitHub at {latency} ms** ({_shape_summary(gh)}): full sync {full['requests']:,} "
            f"requests (minimum {full['minimum']:,}, {versus(full['requests'], full['minimum'])}), "
            f"wall {secs(full['run']['wall_s'])} s, "
            + (
                f"extract {secs(full['extract_s'])} s vs ideal {secs(full['ideal_naive_s'])} s "
                f"naive / {secs(full['ideal_sequential_s'])} s sequential-aware; "
                if float(latency) > 0
                else f"extract {secs(full['extract_s'])} s; "
            )
            + f"incremental "
            f"({gh['mutations']['changed_pulls']} PRs changed) {inc['requests']} requests, "
            f"{inc['charged']} charged (minimum {inc['minimum_charged']}) + {inc['uncharged']} "
            f"uncharged 304s (minimum {inc['minimum_uncharged']})."
        )
    bound = results.get("lower_bound")
    if bound and bound.get("issues_ratio") is not None:
        lines.append(
            f"- **Normalize + load vs a direct DuckDB insert** of the same "
            f"{bound['tables']['issues']['rows']:,} issues: {secs(bound['issues_ours_s'])} s vs "
            f"{secs(bound['tables']['issues']['best_s'], 3)} s = {ratio(bound['issues_ratio'])}."
        )
    lines.append("")
    return lines


def _shape_summary(gh: dict[str, Any]) -> str:
    repos = gh["shape"]["repos"]
    pulls = sum(n["pulls"] for n in repos.values())
    return f"{len(repos)} repos, {pulls:,} PRs, {gh['shape']['members']} members"


def _warmup(warmup: dict[str, Any], settings: dict[str, Any]) -> list[str]:
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


def _method(results: dict[str, Any]) -> list[str]:
    return [
        "## How it was measured",
        "",
        "- Each run is `python pipelines/<source>.py --no-dbt` in a subprocess, as users run it "
        "(default log level), with its own DuckDB file and `DLT_DATA_DIR`, pointed at the "
        "sandbox by environment variables. Runs of one scenario share the workspace, so the "
        "incremental sync follows the full one as it would for a user.",
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
        "- Single runs, not averages: expect a few percent of noise on times; request counts "
        "and rows are deterministic for a seed.",
        "",
    ] + (
        ["**Failed runs: " + ", ".join(results["failures"]) + "** (their figures are partial).", ""]
        if results.get("failures")
        else []
    )


# -- Linear ----------------------------------------------------------------------------------------
def _linear(linear: dict[str, Any]) -> list[str]:
    truth = linear["truth_rows"]
    lines = [
        "## Linear",
        "",
        f"Workspace `{linear['size']}`: "
        + ", ".join(f"{n:,} {e}" for e, n in truth.items())
        + ". Then `mutate_issues("
        f"{linear['mutations']['mutate_issues']})` + `add_comments("
        f"{linear['mutations']['add_comments']})` before the incremental sync, and a rerun "
        "with nothing changed.",
        "",
        "### Runs",
        "",
    ]
    runs = [("full", "full sync"), ("incremental", "incremental"), ("noop", "no-change rerun")]
    lines += table(
        RUN_HEADERS, [run_row(name, linear[key]["run"]) for key, name in runs if key in linear]
    )
    lines += ["", "### Requests beside the theoretical minimum", "", f"{LINEAR_FORMULA}.", ""]
    full, inc = linear["full"], linear["incremental"]
    rows = []
    for entity, f in full["entities"].items():
        i = inc["entities"][entity]
        rows.append(
            [
                entity,
                f["kind"],
                f["rows_read"],
                f["requests"],
                f["minimum"],
                i["rows_read"],
                i["must_read"],
                i["requests"],
                i["minimum"],
            ]
        )
    rows.append(
        [
            "**total**",
            "",
            sum(f["rows_read"] for f in full["entities"].values()),
            full["requests"],
            full["minimum"],
            sum(i["rows_read"] for i in inc["entities"].values()),
            sum(i["must_read"] for i in inc["entities"].values()),
            inc["requests"],
            inc["minimum"],
        ]
    )
    lines += table(
        [
            "entity",
            "kind",
            "full: rows read",
            "full: requests",
            "full: minimum",
            "incr: rows read",
            "incr: rows changed",
            "incr: requests",
            "incr: minimum",
        ],
        rows,
    )
    lines += [
        "",
        "Rows read are the sandbox's rows matching the filter each request carried. On the full "
        "sync every row in the window must be read; on the incremental sync only the rows that "
        "changed must be (reference entities are read whole by design, yet each needs its one "
        "request anyway). Rows read above rows changed are the overlap window re-read "
        "(`overlap_seconds`) and reference entities' unchanged rows.",
        "",
    ]
    if "noop" in linear:
        noop = linear["noop"]
        lines += [
            f"No-change rerun: {noop['requests']} requests (minimum {noop['minimum']}), "
            f"{noop['run']['total_rows']:,} rows loaded, "
            f"{sum(e['rows_read'] for e in noop['entities'].values()):,} rows read.",
            "",
        ]
    lines += ["### Where the extract time goes", ""]
    rows = []
    for key, name in (("full", "full sync"), ("incremental", "incremental"), ("noop", "no-change")):
        if key not in linear:
            continue
        r = linear[key]
        extract = (r["run"].get("stage_seconds") or {}).get("extract")
        busy = r["server"]["busy_s"]
        rows.append(
            [
                name,
                r["requests"],
                secs(extract),
                secs(busy),
                secs(extract - busy if extract is not None else None),
                secs(
                    (extract - busy) / r["requests"] * 1000 if extract and r["requests"] else None
                ),
            ]
        )
    lines += table(
        [
            "run",
            "requests",
            "extract s",
            "sandbox answering s",
            "rest of extract s",
            "rest per request ms",
        ],
        rows,
    )
    lines += [
        "",
        "Linear pages are read one after another, so the extract time splits into the time the "
        "sandbox spent answering (its log: arrival to answer, GraphQL execution included; "
        "Linear's own time in production) and the rest: the pipeline's parsing, change "
        "fingerprints, dlt's item processing and file writing, plus start-up of the stage.",
        "",
        "### Complexity",
        "",
    ]
    issues = truth.get("issues", 0)
    crow = []
    for key, name in (("full", "full sync"), ("incremental", "incremental"), ("noop", "no-change")):
        if key not in linear:
            continue
        r = linear[key]
        ie = r["entities"].get("issues", {})
        crow.append(
            [
                name,
                r["requests"],
                r["requests"] / (issues / 1000) if issues and key == "full" else None,
                ie.get("requests"),
                ", ".join(f"{p:,}" for p in ie.get("complexity_per_page", [])),
                r["issue_complexity"],
                r["issue_rows_read"],
                r["issue_complexity"] / r["issue_rows_read"] if r["issue_rows_read"] else None,
                r["complexity"],
                int(r["client_complexity"]) if r.get("client_complexity") is not None else None,
            ]
        )
    lines += table(
        [
            "run",
            "requests",
            "requests per 1,000 issues",
            "issues requests",
            "points per issues page",
            "issues points",
            "issues read",
            "points per issue",
            "total points (sandbox)",
            "total points (client)",
        ],
        crow,
    )
    lines += [
        "",
        "Complexity is charged on the requested page size (`first: 250`), not on the nodes "
        "returned, so a short last page or a small incremental read costs a full page's points.",
        "",
    ]
    return lines


# -- GitHub ----------------------------------------------------------------------------------------
def _github(by_latency: dict[str, dict[str, Any]]) -> list[str]:
    first_key = next(iter(by_latency))
    first = by_latency[first_key]
    shape = first["shape"]
    lines = [
        "## GitHub",
        "",
        f"Org `{first['size']}`: {len(shape['repos'])} repos, "
        + "; ".join(
            f"`{repo}` {n['pulls']:,} PRs, {n['review_comments']:,} review comments, "
            f"{n['issue_comments']:,} conversation comments (issues' included)"
            for repo, n in shape["repos"].items()
        )
        + f"; {shape['members']} members. Between the syncs: "
        f"`add_reviews({first['mutations']['add_reviews']})`, "
        f"`add_review_comments({first['mutations']['add_review_comments']})`, "
        f"`add_issue_comments({first['mutations']['add_issue_comments']})`, "
        f"`merge_pulls({first['mutations']['merge_pulls']})`: "
        f"{first['mutations']['changed_pulls']} distinct PRs changed. A fresh sandbox (same "
        "seed) per latency.",
        "",
        "### Runs",
        "",
    ]
    rows = []
    for latency, gh in by_latency.items():
        rows.append(run_row(f"full, {latency} ms", gh["full"]["run"]))
        rows.append(run_row(f"incremental, {latency} ms", gh["incremental"]["run"]))
    lines += table(RUN_HEADERS, rows)

    lines += [
        "",
        f"### Requests beside the theoretical minimum (the {first_key} ms runs)",
        "",
        f"Full sync: {GITHUB_FULL_FORMULA}.",
        "",
        f"Incremental sync: {GITHUB_INCREMENTAL_FORMULA}.",
        "",
    ]
    full, inc = first["full"], first["incremental"]
    fmin, imin = first["full_minimum"], first["incremental_minimum"]
    rows = []
    scopes = list(fmin)
    for scope in scopes:
        for op in fmin[scope]:
            rows.append(
                [
                    scope,
                    op,
                    full["counts"].get(scope, {}).get(op, 0),
                    fmin[scope][op],
                    inc["counts"].get(scope, {}).get(op, 0),
                    imin.get(scope, {}).get(op),
                ]
            )
    unexpected = [
        (scope, op, n)
        for run in (full, inc)
        for scope, ops in run["counts"].items()
        for op, n in ops.items()
        if op not in fmin.get(scope, {})
    ]
    for scope, op, n in unexpected:
        rows.append([scope, f"{op} (unexpected)", n, 0, "", 0])
    rows.append(
        ["**total**", "", full["requests"], full["minimum"], inc["requests"], inc["minimum"]]
    )
    lines += table(
        [
            "scope",
            "operation",
            "full: requests",
            "full: minimum",
            "incr: requests",
            "incr: minimum",
        ],
        rows,
    )
    lines += ["", "Charged against the rate limit and not (304 Not Modified):", ""]
    rows = []
    for latency, gh in by_latency.items():
        for key, name in (("full", "full"), ("incremental", "incremental")):
            r = gh[key]
            rows.append(
                [
                    f"{name}, {latency} ms",
                    r["requests"],
                    r["client_requests"],
                    r["charged"],
                    r["minimum_charged"],
                    r["uncharged"],
                    r["minimum_uncharged"],
                    r["retries"],
                    ", ".join(f"{k}: {v:,}" for k, v in sorted(r["statuses"].items())),
                ]
            )
    lines += table(
        [
            "run",
            "requests (server)",
            "requests (client)",
            "charged",
            "minimum charged",
            "uncharged",
            "minimum uncharged",
            "retries",
            "statuses",
        ],
        rows,
    )
    served = inc.get("comment_rows_served") or {}
    if served:
        parts = [
            f"`{repo}` {ops.get('pulls.comments', 0)} review / {ops.get('issues.comments', 0)} "
            "conversation"
            for repo, ops in served.items()
        ]
        lines += [
            "",
            "Comment rows the incremental sync's `since` requests were served: "
            + "; ".join(parts)
            + " (new comments, plus any sharing the cursor's second: `since` is inclusive).",
        ]

    lines += ["", "### Wall time and latency", ""]
    rows = []
    for latency, gh in by_latency.items():
        for key, name in (("full", "full"), ("incremental", "incremental")):
            r = gh[key]
            cr = r["concurrency_reviews"]
            rows.append(
                [
                    f"{name}, {latency} ms",
                    r["requests"],
                    r["sequential_requests"],
                    secs(r["extract_s"]),
                    secs(r["ideal_naive_s"]),
                    secs(r["ideal_sequential_s"]),
                    ratio(r["extract_s"] / r["ideal_sequential_s"])
                    if r["extract_s"] and r["ideal_sequential_s"]
                    else "–",
                    f"{cr['mean']:.1f} / {cr['peak']}" if cr["requests"] else "–",
                    f"{r['concurrency_all']['mean']:.1f}",
                    secs(r["concurrency_all"]["busy_s"]),
                    secs(r["run"]["cpu_user_s"] + r["run"]["cpu_sys_s"]),
                    secs(r["run"]["wall_s"]),
                ]
            )
    lines += table(
        [
            "run",
            "requests",
            "sequential requests",
            "extract s",
            "ideal naive s",
            "ideal sequential-aware s",
            "extract / sequential-aware",
            "reviews in flight mean / peak",
            "all in flight mean",
            "sandbox busy s",
            "pipeline CPU s",
            "wall s",
        ],
        rows,
    )
    workers = first["extract_workers"]
    pool = first["profile_concurrency"]
    lines += [
        "",
        f"- **ideal naive** = requests × latency / {workers} (`extract.workers`): every request "
        "overlapped with others, the pool always full.",
        "- **ideal sequential-aware** = sequential requests × latency + review calls × latency "
        f"/ {workers} + profiles × latency / {pool}. The list endpoints (pulls, both comment "
        "endpoints, members) are paged by following `Link: next` and the pipeline reads them "
        "in its main thread, one page after another, so each of those requests costs its full "
        "latency; only the per-PR review calls (extract worker pool) and the member profiles "
        "(their own pool) overlap.",
        "- **in flight**: from the sandbox's log (arrival to answer); mean = busy request-seconds "
        "/ span of those requests. **sandbox busy s**: those request-seconds summed (simulated "
        "latency included); **pipeline CPU s**: the child's user + system CPU over the whole "
        "run. At 0 ms the extract is bound by the pipeline's own CPU (one interpreter: the "
        "review threads share the GIL), not by the API.",
    ]
    keys = list(by_latency)
    if len(keys) >= 2:
        low, high = by_latency[keys[0]], by_latency[keys[-1]]
        extra_rows = []
        for key, name in (("full", "full"), ("incremental", "incremental")):
            a, b = low[key], high[key]
            if a["extract_s"] is None or b["extract_s"] is None:
                continue
            delta = b["extract_s"] - a["extract_s"]
            ideal_n = b["ideal_naive_s"] - a["ideal_naive_s"]
            ideal_s = b["ideal_sequential_s"] - a["ideal_sequential_s"]
            extra_rows.append([name, secs(delta), secs(ideal_n), secs(ideal_s)])
        lines += [
            "",
            f"What the latency itself added (extract at {keys[-1]} ms minus extract at "
            f"{keys[0]} ms), beside the ideal added latency:",
            "",
        ]
        lines += table(
            ["run", "added extract s", "ideal naive s", "ideal sequential-aware s"], extra_rows
        )
        same = all(low[k]["counts"] == high[k]["counts"] for k in ("full", "incremental"))
        lines += [
            "",
            "Request counts at both latencies: "
            + ("identical." if same else "**differ** (see the JSON results)."),
        ]
    lines.append("")
    return lines


# -- lower bound -----------------------------------------------------------------------------------
def _lower_bound(bound: dict[str, Any], linear: dict[str, Any] | None) -> list[str]:
    tables = bound["tables"]
    lines = [
        "## Lower bound: the same rows straight into DuckDB",
        "",
        "The sandbox's truth, projected to the columns the pipeline selects (relations as "
        "`<name>__id`, label ids as a list column rather than a child table), written to "
        "JSON lines (not timed) and loaded into a new table of a fresh DuckDB file with "
        "`read_json`; and the same rows built into an Arrow table (timestamps typed; build time "
        f"shown apart) and inserted. Best of {bound['repeats']}, connect to close.",
        "",
    ]
    rows = [
        [
            name,
            t["rows"],
            t["columns"],
            f"{t['jsonl_bytes'] / 1e6:.1f}",
            secs(t["read_json_s"], 3),
            secs(t["arrow_build_s"], 3),
            secs(t["arrow_insert_s"], 3),
            secs(t["best_s"], 3),
        ]
        for name, t in tables.items()
    ]
    lines += table(
        [
            "entity",
            "rows",
            "columns",
            "JSONL MB",
            "read_json s",
            "Arrow build s",
            "Arrow insert s",
            "best s",
        ],
        rows,
    )
    run = bound["issues_only"]["run"]
    stages = run.get("stage_seconds") or {}
    lines += ["", "Ours beside it:", ""]
    rows = [
        [
            "issues only (`SOURCES__LINEAR__ENTITIES='[\"issues\"]'`)",
            run.get("total_rows", 0),
            secs(stages.get("normalize")),
            secs(stages.get("load")),
            secs(bound["issues_ours_s"]),
            secs(tables["issues"]["best_s"], 3),
            ratio(bound.get("issues_ratio")),
        ]
    ]
    if linear:
        fr = linear["full"]["run"]
        fs = fr.get("stage_seconds") or {}
        ours = fs.get("normalize", 0) + fs.get("load", 0)
        best = sum(t["best_s"] for t in tables.values())
        rows.append(
            [
                "full sync, every entity",
                fr.get("total_rows", 0),
                secs(fs.get("normalize")),
                secs(fs.get("load")),
                secs(ours),
                secs(best, 3),
                ratio(ours / best if best else None),
            ]
        )
    lines += table(
        [
            "run",
            "rows loaded",
            "normalize s",
            "load s",
            "normalize + load s",
            "direct insert s",
            "ratio",
        ],
        rows,
    )
    lines += [
        "",
        "The pipeline also writes a child table for labels, parquet files in between, dlt's "
        "bookkeeping tables, and merges through a staging dataset (`write_disposition=merge`, "
        "even on a first load): the ratio is what all of that costs over the bare insert.",
        "",
    ]
    return lines


# -- scaling ---------------------------------------------------------------------------------------
def _scaling(scaling: dict[str, Any], results: dict[str, Any]) -> list[str]:
    lines = [
        "## Scaling: full syncs by size",
        "",
        "Each source's full sync at the smaller sizes (latency 0), beside the main scenarios' "
        "full sync at the largest size.",
        "",
    ]
    rows = []
    for source, by_size in scaling.items():
        entries = list(by_size.items())
        main = results.get(source)
        if source == "linear" and main:
            entries.append(
                (main["size"], {"run": main["full"]["run"], "requests": main["full"]["requests"]})
            )
        if source == "github" and main:
            gh = next(iter(main.values()))
            entries.append(
                (
                    f"{gh['size']} (0 ms run)" if "0" in main else gh["size"],
                    {"run": gh["full"]["run"], "requests": gh["full"]["requests"]},
                )
            )
        base = None
        for size, entry in entries:
            run = entry["run"]
            stages = run.get("stage_seconds") or {}
            rows_loaded = run.get("total_rows", 0)
            if base is None:
                base = (rows_loaded, run["max_rss_kib"])
                growth = None
            else:
                d_rows = rows_loaded - base[0]
                growth = (run["max_rss_kib"] - base[1]) / (d_rows / 1000) if d_rows > 0 else None
            rows.append(
                [
                    source,
                    size,
                    rows_loaded,
                    entry["requests"],
                    secs(run["wall_s"]),
                    secs(stages.get("extract")),
                    secs(stages.get("normalize")),
                    secs(stages.get("load")),
                    mib(run["max_rss_kib"]),
                    f"{growth:,.0f}" if growth is not None else "–",
                ]
            )
    lines += table(
        [
            "source",
            "size",
            "rows loaded",
            "requests",
            "wall s",
            "extract s",
            "normalize s",
            "load s",
            "peak RSS MiB",
            "KiB more per 1,000 more rows",
        ],
        rows,
    )
    lines.append("")
    return lines


# -- memory ----------------------------------------------------------------------------------------
def _memory(results: dict[str, Any]) -> list[str]:
    lines = [
        "## Memory by stage, and disk",
        "",
        "Peak RSS of each run (exact) and the highest sample inside each stage (sampled every "
        '50 ms; "startup" is spawn to the extract log line); then the size of the DuckDB '
        "file and of the dlt data dir (state, schemas, load packages) after the run.",
        "",
    ]
    rows = []
    for name, run in _all_runs(results):
        peaks = run.get("stage_peak_rss_kib") or {}
        rows.append(
            [
                name,
                mib(run["max_rss_kib"]),
                mib(peaks.get("startup")),
                mib(peaks.get("extract")),
                mib(peaks.get("normalize")),
                mib(peaks.get("load")),
                _disk(run, "duckdb"),
                _disk(run, "dlt_data_dir"),
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
        ],
        rows,
    )
    lines.append("")
    return lines


def _disk(run: dict[str, Any], place: str) -> str:
    value = (run.get("disk_bytes") or {}).get(place)
    return "–" if value is None else f"{value / 2**20:,.1f}"


# -- observations ----------------------------------------------------------------------------------
def _observations(results: dict[str, Any]) -> list[str]:
    """Facts derived from the figures above (no judgement on times: they are reported only)."""
    notes: list[str] = []
    linear = results.get("linear")
    if linear:
        for key, name in (("full", "full"), ("incremental", "incremental"), ("noop", "no-change")):
            if key not in linear:
                continue
            r = linear[key]
            above = {
                e: v["requests"] - v["minimum"]
                for e, v in r["entities"].items()
                if v["requests"] != v["minimum"]
            }
            if above:
                notes.append(
                    f"Linear {name} sync: requests differ from the minimum for "
                    + ", ".join(f"{e} ({d:+})" for e, d in above.items())
                    + "."
                )
            else:
                notes.append(f"Linear {name} sync: every entity at its minimum request count.")
        inc = linear["incremental"]
        overlap = sum(
            v["rows_read"] - v["must_read"]
            for v in inc["entities"].values()
            if v["kind"] == "event"
        )
        notes.append(
            f"Linear incremental: {overlap:,} event rows read beyond the ones that changed "
            "(the overlap window); they are dropped by the fingerprints before loading."
        )
        if "noop" in linear:
            nr = linear["noop"]["run"]
            st = nr.get("stage_seconds") or {}
            notes.append(
                f"Fixed cost of a Linear run that loads nothing: wall {secs(nr['wall_s'])} s "
                f"(extract {secs(st.get('extract'))}, normalize {secs(st.get('normalize'))}, "
                f"load {secs(st.get('load'))}, outside the stages "
                f"{secs(nr['wall_s'] - sum(st.values()))} s)."
            )
    for latency, gh in (results.get("github") or {}).items():
        for key in ("full", "incremental"):
            r = gh[key]
            if r["requests"] != r["minimum"] or (
                key == "incremental" and r["charged"] != r["minimum_charged"]
            ):
                notes.append(
                    f"GitHub {key} at {latency} ms: {r['requests']} requests vs minimum "
                    f"{r['minimum']} ({r['charged']} charged vs {r['minimum_charged']})."
                )
            else:
                notes.append(f"GitHub {key} at {latency} ms: at the minimum request count.")
            if r["extract_s"] and r["ideal_sequential_s"] and float(latency) > 0:
                notes.append(
                    f"GitHub {key} at {latency} ms: extract took "
                    f"{ratio(r['extract_s'] / r['ideal_sequential_s'])} the sequential-aware "
                    f"ideal and {ratio(r['extract_s'] / r['ideal_naive_s'])} the naive one; "
                    f"{r['sequential_requests']} of its {r['requests']} requests were list pages "
                    "fetched one at a time."
                )
    for latency, gh in (results.get("github") or {}).items():
        r = gh["full"]
        lat = float(latency) / 1000
        if lat > 0 and r["extract_s"]:
            sequential = r["sequential_requests"] * lat
            notes.append(
                f"GitHub full at {latency} ms: its {r['sequential_requests']} list pages, read one "
                f"after another, account for {sequential:.1f} s of the {r['extract_s']:.1f} s "
                f"extract ({sequential / r['extract_s']:.0%}); the naive ideal assumes they "
                "overlap with the review calls."
            )
    runs = [(n, r) for n, r in _all_runs(results) if r.get("total_rows")]
    in_load = [
        n
        for n, r in runs
        if (peaks := r.get("stage_peak_rss_kib") or {})
        and max(peaks, key=lambda k: peaks[k]) == "load"
    ]
    if runs:
        notes.append(
            f"The sampled peak RSS falls in the load stage in {len(in_load)} of the {len(runs)} "
            "runs that loaded rows."
        )
    if linear:
        full_dir = (linear["full"]["run"].get("disk_bytes") or {}).get("dlt_data_dir")
        last = linear.get("noop", linear["incremental"])["run"]
        last_dir = (last.get("disk_bytes") or {}).get("dlt_data_dir")
        if full_dir is not None and last_dir is not None:
            notes.append(
                f"The Linear dlt data dir holds {full_dir / 2**20:.1f} MiB after the full sync "
                f"and {last_dir / 2**20:.1f} MiB after the later runs: loaded packages stay on "
                "disk."
            )
    lines = ["## Observations", ""]
    lines += [f"- {n}" for n in notes] or ["- none"]
    lines.append("")
    return lines
