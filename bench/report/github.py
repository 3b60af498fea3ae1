"""The GitHub section: runs, requests beside the minimum, charged requests, wall time."""

from __future__ import annotations

from typing import Any

from bench.minimum import GITHUB_FULL_FORMULA, GITHUB_INCREMENTAL_FORMULA
from bench.report.figures import base_latency, latencies_of, scenario, sizes_of
from bench.report.format import RUN_HEADERS, div, ratio, run_row, secs, table
from bench.report.prose import prose

GITHUB_OPS = (
    "graphql.pulls",
    "graphql.nested",
    "pulls.comments",
    "issues.comments",
    "orgs.members",
    "users.get",
)


def _by_op(counts: dict[str, dict[str, int]]) -> dict[str, int]:
    out: dict[str, int] = {}
    for ops in counts.values():
        for op, n in ops.items():
            if op != "charged profiles":
                out[op] = out.get(op, 0) + n
    return out


def section(results: dict[str, Any]) -> list[str]:
    found = [(s, e) for s, e in sizes_of(results) if scenario(e, base_latency(e), "github")]
    if not found:
        return []
    lines = ["## GitHub", ""]
    for size, entry in found:
        gh = scenario(entry, base_latency(entry), "github")
        assert gh is not None
        shape, m = gh["shape"], gh["mutations"]
        lines.append(
            f"- `{size}`: {len(shape['repos'])} repos, "
            + "; ".join(
                f"`{repo}` {n['pulls']:,} PRs, {n['review_comments']:,} review comments, "
                f"{n['issue_comments']:,} conversation comments"
                for repo, n in shape["repos"].items()
            )
            + f"; {shape['members']} members. Between the syncs `add_reviews("
            f"{m['add_reviews']})`, `add_review_comments({m['add_review_comments']})`, "
            f"`add_issue_comments({m['add_issue_comments']})`, `merge_pulls({m['merge_pulls']})`"
            f": {m['changed_pulls']} distinct PRs changed."
        )
    lines += ["", "### Runs", ""]
    rows = []
    for size, entry in found:
        for lat in latencies_of(entry):
            gh = scenario(entry, lat, "github")
            for key in ("full", "incremental"):
                if gh:
                    rows.append(run_row(f"`{size}` {key}, {lat} ms", gh[key]["run"]))
    lines += table(RUN_HEADERS, rows)
    lines += [
        "",
        "### Requests beside the theoretical minimum",
        "",
        *prose(
            "sources",
            "github_minimum",
            full_formula=GITHUB_FULL_FORMULA,
            incremental_formula=GITHUB_INCREMENTAL_FORMULA,
        ),
        "",
    ]
    rows = []
    for size, entry in found:
        gh = scenario(entry, base_latency(entry), "github")
        assert gh is not None
        full, inc = gh["full"], gh["incremental"]
        fmin, imin = _by_op(gh["full_minimum"]), _by_op(gh["incremental_minimum"])
        fact, iact = _by_op(full["counts"]), _by_op(inc["counts"])
        for op in [*GITHUB_OPS, *sorted((set(fact) | set(iact)) - set(GITHUB_OPS))]:
            per_repo = all(
                full["counts"].get(scope, {}).get(op, 0) == ops.get(op, 0)
                for scope, ops in gh["full_minimum"].items()
            ) and all(
                inc["counts"].get(scope, {}).get(op, 0) == ops.get(op, 0)
                for scope, ops in gh["incremental_minimum"].items()
            )
            rows.append(
                [
                    f"`{size}`",
                    op,
                    fact.get(op, 0),
                    fmin.get(op, 0),
                    iact.get(op, 0),
                    imin.get(op, 0),
                    per_repo,
                ]
            )
        rows.append(
            [
                f"`{size}`",
                "**total**",
                full["requests"],
                full["minimum"],
                inc["requests"],
                inc["minimum"],
                "",
            ]
        )
    lines += table(
        [
            "size",
            "operation",
            "full: requests",
            "full: minimum",
            "incr: requests",
            "incr: minimum",
            "every repo at its minimum",
        ],
        rows,
    )
    lines += ["", *prose("sources", "github_charged"), ""]
    rows = []
    for size, entry in found:
        for lat in latencies_of(entry):
            gh = scenario(entry, lat, "github")
            for key in ("full", "incremental"):
                if not gh:
                    continue
                r = gh[key]
                rows.append(
                    [
                        f"`{size}` {key}, {lat} ms",
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
    lines += ["", "### Wall time and latency", ""]
    rows = []
    workers = pool = None
    for size, entry in found:
        for lat in latencies_of(entry):
            gh = scenario(entry, lat, "github")
            if not gh:
                continue
            workers, pool = gh["extract_workers"], gh["profile_concurrency"]
            for key in ("full", "incremental"):
                r = gh[key]
                cr = r["concurrency_all"]
                wall = r["run"]["wall_s"]
                rows.append(
                    [
                        f"`{size}` {key}, {lat} ms",
                        r["requests"],
                        r["sequential_requests"],
                        secs(wall),
                        secs(r["extract_s"]),
                        secs(r["ideal_naive_s"]),
                        ratio(div(wall, r["ideal_naive_s"])) if float(lat) > 0 else "–",
                        r.get("longest_chain", "–"),
                        secs(r["ideal_sequential_s"]),
                        ratio(div(r["extract_s"], r["ideal_sequential_s"]))
                        if float(lat) > 0
                        else "–",
                        f"{cr['mean']:.1f} / {cr['peak']}" if cr["requests"] else "–",
                        secs(r["concurrency_all"]["busy_s"]),
                        secs(r["run"]["cpu_user_s"] + r["run"]["cpu_sys_s"]),
                    ]
                )
    lines += table(
        [
            "run",
            "requests",
            "sequential requests",
            "wall s",
            "extract s",
            "ideal naive s",
            "wall / ideal naive",
            "longest chain",
            "ideal chain-aware s",
            "extract / chain-aware",
            "in flight mean / peak",
            "sandbox busy s",
            "pipeline CPU s",
        ],
        rows,
    )
    lines += [
        "",
        *prose("sources", "github_wall", workers=workers, pool=pool),
        "",
    ]
    return lines
