"""The Linear section: runs, requests beside the minimum, complexity, extract time."""

from __future__ import annotations

from typing import Any

from bench.minimum import LINEAR_FORMULA
from bench.report.figures import base_latency, latencies_of, scenario, sizes_of
from bench.report.format import RUN_HEADERS, div, run_row, secs, table
from bench.report.prose import prose


def section(results: dict[str, Any]) -> list[str]:
    found = [(s, e) for s, e in sizes_of(results) if scenario(e, base_latency(e), "linear")]
    if not found:
        return []
    lines = ["## Linear", ""]
    for size, entry in found:
        lin = scenario(entry, base_latency(entry), "linear")
        assert lin is not None
        lines.append(
            f"- `{size}`: "
            + ", ".join(f"{n:,} {e}" for e, n in lin["truth_rows"].items())
            + f"; before the incremental sync `mutate_issues({lin['mutations']['mutate_issues']})`"
            f" + `add_comments({lin['mutations']['add_comments']})`, then a rerun with nothing "
            "changed."
        )
    lines += ["", "### Runs", ""]
    rows = []
    for size, entry in found:
        for lat in latencies_of(entry):
            lin = scenario(entry, lat, "linear")
            for key, name in (
                ("full", "full"),
                ("incremental", "incremental"),
                ("noop", "no-change"),
            ):
                if lin and key in lin:
                    rows.append(run_row(f"`{size}` {name}, {lat} ms", lin[key]["run"]))
    lines += table(RUN_HEADERS, rows)

    lines += ["", "### Requests beside the theoretical minimum", "", f"{LINEAR_FORMULA}.", ""]
    rows = []
    for size, entry in found:
        lin = scenario(entry, base_latency(entry), "linear")
        assert lin is not None
        full, inc = lin["full"], lin["incremental"]
        for entity, f in full["entities"].items():
            i = inc["entities"][entity]
            rows.append(
                [
                    f"`{size}`",
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
                f"`{size}`",
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
            "size",
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
    same = all(
        (scenario(e, lat, "linear") or {}).get("full", {}).get("requests")
        == (scenario(e, base_latency(e), "linear") or {}).get("full", {}).get("requests")
        for _, e in found
        for lat in latencies_of(e)
    )
    lines += [
        "",
        *prose("sources", "linear_rows_read", same_at_every_latency=same),
        "",
        "### Complexity",
        "",
    ]
    rows = []
    for size, entry in found:
        lin = scenario(entry, base_latency(entry), "linear")
        assert lin is not None
        issues = lin["truth_rows"].get("issues", 0)
        for key, name in (("full", "full"), ("incremental", "incremental"), ("noop", "no-change")):
            if key not in lin:
                continue
            r = lin[key]
            ie = r["entities"].get("issues", {})
            rows.append(
                [
                    f"`{size}` {name}",
                    r["requests"],
                    div(r["requests"], issues / 1000) if issues and key == "full" else None,
                    ie.get("requests"),
                    ", ".join(f"{p:,}" for p in ie.get("complexity_per_page", [])),
                    r["issue_complexity"],
                    r["issue_rows_read"],
                    div(r["issue_complexity"], r["issue_rows_read"]),
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
        rows,
    )
    lines += [
        "",
        *prose("sources", "linear_complexity"),
        "",
        "### Where the extract time goes",
        "",
    ]
    rows = []
    for size, entry in found:
        for lat in latencies_of(entry):
            lin = scenario(entry, lat, "linear")
            if not lin:
                continue
            for key, name in (("full", "full"), ("incremental", "incremental")):
                r = lin[key]
                extract = (r["run"].get("stage_seconds") or {}).get("extract")
                busy = r["server"]["busy_s"]
                rest = extract - busy if extract is not None else None
                rows.append(
                    [
                        f"`{size}` {name}, {lat} ms",
                        r["requests"],
                        secs(extract),
                        secs(busy),
                        secs(rest),
                        secs(div(rest, r["requests"] / 1000) if rest else None),
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
        *prose("sources", "linear_extract"),
        "",
    ]
    return lines
