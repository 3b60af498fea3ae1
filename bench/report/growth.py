"""Growth from the smallest size to the largest, and the observations."""

from __future__ import annotations

from typing import Any

from bench.report.figures import (
    SOURCES,
    STAGES,
    base_latency,
    latencies_of,
    normalize_load,
    run_of,
    runs_of,
    scenario,
    sizes_of,
    stage_increments,
)
from bench.report.format import MiB, div, fig, ratio, secs, table
from bench.report.prose import prose


def growth_figures(entry: dict[str, Any]) -> list[tuple[str, Any]]:
    """(figure, value) of one size, in the growth table's order; None where not measured."""
    base = base_latency(entry)
    slow = [lat for lat in latencies_of(entry) if float(lat) > 0]
    out: list[tuple[str, Any]] = []
    lin = scenario(entry, base, "linear")
    if lin:
        full, inc = lin["full"], lin["incremental"]
        run = full["run"]
        out += [
            ("Linear: issues in the workspace", lin["truth_rows"].get("issues")),
            *_full_sync_figures("Linear", full),
            ("Linear: incremental requests", inc["requests"]),
            ("Linear: incremental minimum requests", inc["minimum"]),
            ("Linear: complexity points, full sync", full["complexity"]),
            (
                "Linear: complexity points per issue",
                div(full["issue_complexity"], full["issue_rows_read"]),
            ),
            (f"Linear: full sync wall s, {base} ms", run["wall_s"]),
        ]
        for lat in slow:
            out.append(
                (
                    f"Linear: full sync wall s, {lat} ms",
                    (run_of(entry, lat, "linear", "full") or {}).get("wall_s"),
                )
            )
        out += [
            *_speed_figures("Linear", full, inc),
            (
                "Linear: sync window map MiB (rebuilt)",
                None if entry.get("sync_window_kib") is None else entry["sync_window_kib"] / MiB,
            ),
        ]
    gh = scenario(entry, base, "github")
    if gh:
        full, inc = gh["full"], gh["incremental"]
        run = full["run"]
        out += [
            ("GitHub: pull requests", sum(n["pulls"] for n in gh["shape"]["repos"].values())),
            *_full_sync_figures("GitHub", full),
            ("GitHub: incremental charged requests", inc["charged"]),
            ("GitHub: incremental minimum charged", inc["minimum_charged"]),
            (f"GitHub: full sync wall s, {base} ms", run["wall_s"]),
        ]
        for lat in slow:
            g = scenario(entry, lat, "github")
            if g:
                out += [
                    (f"GitHub: full sync wall s, {lat} ms", g["full"]["run"]["wall_s"]),
                    (
                        f"GitHub: ideal (requests × latency / workers) s, {lat} ms",
                        g["full"]["ideal_naive_s"],
                    ),
                ]
        out += _speed_figures("GitHub", full, inc)
    d = scenario(entry, base, "dbt")
    if d:
        out += [
            ("dbt: build wall s", d["run"]["wall_s"]),
            ("dbt: peak RSS MiB", round((d["run"].get("max_rss_kib") or 0) / MiB)),
        ]
    bound = entry.get("lower_bound") or {}
    for source, title in SOURCES:
        direct = bound.get(source)
        if direct and direct.get("ok"):
            ours = normalize_load(run_of(entry, bound.get("latency", base), source, "full"))
            out += [
                (f"{title}: straight insert s", direct["best_s"]),
                (f"{title}: normalize + load s", ours),
                (f"{title}: ratio to the straight insert (x)", div(ours, direct["best_s"])),
            ]
    return out


def _full_sync_figures(title: str, full: dict[str, Any]) -> list[tuple[str, Any]]:
    """A source's full sync: the rows it loaded, its requests and their minimum."""
    return [
        (f"{title}: rows loaded by the full sync (every table)", full["run"].get("total_rows")),
        (f"{title}: full sync requests", full["requests"]),
        (f"{title}: full sync minimum requests", full["minimum"]),
    ]


def _speed_figures(title: str, full: dict[str, Any], inc: dict[str, Any]) -> list[tuple[str, Any]]:
    """A source's incremental wall, then its full sync's rows/s by stage and its memory."""
    run = full["run"]
    per_s = run.get("rows_per_second") or {}
    return [
        (f"{title}: incremental wall s", inc["run"]["wall_s"]),
        *((f"{title}: {stage} rows/s", per_s.get(stage)) for stage in STAGES[1:]),
        (f"{title}: full sync peak RSS MiB", round((run.get("max_rss_kib") or 0) / MiB)),
        *_increment_figures(title, run),
    ]


def _increment_figures(title: str, run: dict[str, Any]) -> list[tuple[str, Any]]:
    inc = stage_increments(run) or {}
    return [
        (f"{title}: memory the {stage} adds MiB", round(inc[stage] / MiB) if stage in inc else None)
        for stage in STAGES[1:]
    ]


def growth(results: dict[str, Any]) -> list[str]:
    found = sizes_of(results)
    if len(found) < 2:
        return []
    figures = [dict(growth_figures(e)) for _, e in found]
    names = [name for name, _ in growth_figures(found[-1][1])]
    first, last = found[0][0], found[-1][0]
    lines = [
        f"## Growth from `{first}` to `{last}`",
        "",
        *prose("growth", "growth_intro"),
        "",
    ]
    rows = []
    for name in names:
        values = [f.get(name) for f in figures]
        a, b = values[0], values[-1]
        rows.append([name, *[fig(v) for v in values], ratio(div(b, a))])
    lines += table(["figure", *[f"`{s}`" for s, _ in found], f"`{last}` / `{first}`"], rows)
    lines.append("")
    return lines


def observations(results: dict[str, Any]) -> list[str]:
    """Facts derived from the figures above (no judgement on times: they are reported only)."""
    notes: list[str] = []
    for size, entry in sizes_of(results):
        for lat in latencies_of(entry):
            lin = scenario(entry, lat, "linear")
            if lin:
                above = {
                    f"{key} {e}": v["requests"] - v["minimum"]
                    for key in ("full", "incremental", "noop")
                    if key in lin
                    for e, v in lin[key]["entities"].items()
                    if v["requests"] != v["minimum"]
                }
                notes.append(
                    f"`{size}` Linear at {lat} ms: "
                    + (
                        "every entity of every sync at its minimum request count."
                        if not above
                        else "above the minimum: "
                        + ", ".join(f"{k} ({d:+})" for k, d in above.items())
                        + "."
                    )
                )
            gh = scenario(entry, lat, "github")
            if gh:
                off = [
                    key
                    for key in ("full", "incremental")
                    if gh[key]["requests"] != gh[key]["minimum"]
                    or gh[key]["charged"] != gh[key]["minimum_charged"]
                ]
                notes.append(
                    f"`{size}` GitHub at {lat} ms: "
                    + (
                        "full and incremental syncs at their minimum (charged and uncharged)."
                        if not off
                        else f"{', '.join(off)} off the minimum (see the tables)."
                    )
                )
        lin = scenario(entry, base_latency(entry), "linear")
        if lin and "noop" in lin:
            nr = lin["noop"]["run"]
            st = nr.get("stage_seconds") or {}
            notes.append(
                f"`{size}`: a Linear run that loads nothing takes {secs(nr['wall_s'])} s "
                f"(outside the stages {secs(nr['wall_s'] - sum(st.values()))} s): the fixed "
                "cost of any run."
            )
    runs = [(n, r) for _, e in sizes_of(results) for n, r in runs_of(e) if r.get("total_rows")]
    in_load = [
        n
        for n, r in runs
        if (peaks := r.get("stage_peak_rss_kib") or {})
        and max(peaks, key=lambda k: peaks[k]) == "load"
    ]
    if runs:
        notes.append(
            f"The sampled peak RSS falls in the load stage in {len(in_load)} of the {len(runs)} "
            "pipeline runs that loaded rows."
        )
    lines = ["## Observations", ""]
    lines += [f"- {n}" for n in notes] or ["- none"]
    lines.append("")
    return lines
