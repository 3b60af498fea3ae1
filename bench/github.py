"""The GitHub scenario: per simulated latency, a full sync of the org, then an incremental sync
after reviews, comments and merges on some pull requests; requests beside the theoretical
minimum (charged and not), and wall time beside the ideal for that latency."""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from typing import Any

from bench import minimum as mins
from bench.logs import github_counts, github_scope_op, graphql_points, in_flight, status_counts
from bench.process import RunResult
from bench.workspace import Workspace, configured_extract_workers, configured_github_concurrency
from sandbox import Sandbox
from sandbox.core import LoggedRequest
from sandbox.github.clock import parse_gh_time

Say = Callable[[str], None]
SEQUENTIAL_OPS = ("graphql.pulls", "pulls.comments", "issues.comments", "orgs.members")


def run_github(
    *,
    box: Sandbox,
    ws: Workspace,
    latency_ms: float,
    say: Say,
    name: str = "github",
    per_mutation: int = 5,
    after_full: Callable[[], None] | None = None,
) -> dict[str, Any]:
    """Full and incremental syncs of the started sandbox `box` (answering after `latency_ms`)
    into `ws`. `name` prefixes the printed lines."""
    org = box.github.org_data
    workers = configured_extract_workers(ws.env)
    profiles_pool = configured_github_concurrency(ws.env)
    out: dict[str, Any] = {
        "latency_ms": latency_ms,
        "extract_workers": workers,
        "profile_concurrency": profiles_pool,
        "repos": list(box.github.repo_names),
    }

    shape: dict[str, dict[str, int]] = {}
    for full_name in box.github.repo_names:
        repo = org.repo(*full_name.split("/"))
        assert repo is not None
        shape[full_name] = {
            "pulls": len(org.pulls(repo, state="all")),
            "review_comments": len(org.review_comments(repo)),
            "issue_comments": len(org.issue_comments(repo)),
        }
    members = len(org.members())
    out["shape"] = {"repos": shape, "members": members}
    out["full_minimum"] = mins.github_full_minimum(shape, members)

    full = ws.run("github", "github-full")
    out["full"] = _analyse(
        full, box.github.log, out["full_minimum"], latency_ms, ws, incremental=False
    )
    say(_line(f"{name} full", out["full"]))
    if after_full is not None:
        after_full()  # e.g. export what it loaded (between the runs, not timed)

    reviewed = org.add_reviews(per_mutation)
    commented = org.add_review_comments(per_mutation)
    talked = org.add_issue_comments(per_mutation)
    merged = org.merge_pulls(per_mutation)
    changed = {*reviewed, *((r, n) for r, n, _ in commented), *((r, n) for r, n, _ in talked)}
    changed |= set(merged)
    new_rc = Counter(r for r, _, _ in commented)
    new_ic = Counter(r for r, _, _ in talked)
    by_repo = Counter(r for r, _ in changed)
    incremental_shape = {
        repo: {
            "changed_pulls": by_repo.get(repo, 0),
            "new_review_comments": new_rc.get(repo, 0),
            "new_issue_comments": new_ic.get(repo, 0),
        }
        for repo in box.github.repo_names
    }
    out["mutations"] = {
        "add_reviews": len(reviewed),
        "add_review_comments": len(commented),
        "add_issue_comments": len(talked),
        "merge_pulls": len(merged),
        "changed_pulls": len(changed),
        "by_repo": incremental_shape,
    }
    out["incremental_minimum"] = mins.github_incremental_minimum(incremental_shape, members)
    incremental = ws.run("github", "github-incremental")
    out["incremental"] = _analyse(
        incremental,
        box.github.log,
        out["incremental_minimum"],
        latency_ms,
        ws,
        incremental=True,
    )
    out["incremental"]["comment_rows_served"] = _comment_rows_served(box, box.github.log)
    say(_line(f"{name} incremental", out["incremental"]))
    return out


def _analyse(
    run: RunResult,
    log: list[LoggedRequest],
    minimum: dict[str, dict[str, int]],
    latency_ms: float,
    ws: Workspace,
    *,
    incremental: bool,
) -> dict[str, Any]:
    """Requests by scope and operation beside the minimum; charged or not; the ideal extract
    time at this latency; concurrency as the server saw it. On a full sync every minimum
    request is charged (first reads: no ETag to send yet)."""
    counts = github_counts(log)
    by_op = Counter[str]()
    for ops in counts.values():
        by_op.update(ops)
    charged = sum(1 for e in log if e.charged)
    if incremental:
        min_charged, min_uncharged = mins.github_charged_split(minimum)
    else:
        min_charged, min_uncharged = mins.total(minimum), 0
    latency = latency_ms / 1000
    workers = configured_extract_workers(ws.env)
    sequential = sum(by_op.get(op, 0) for op in SEQUENTIAL_OPS)
    # One chain per repository and list (read beside the others): the longest bounds the wall.
    longest_chain = max(
        (ops.get(op, 0) for ops in counts.values() for op in SEQUENTIAL_OPS), default=0
    )
    points = graphql_points(log)
    pull_pages = by_op.get("graphql.pulls", 0)
    extract_s = run.stage_seconds.get("extract")
    return {
        "run": run.to_dict(),
        "ok": run.ok,
        "requests": len(log),
        "client_requests": run.api.get("requests"),
        "retries": run.api.get("retries"),
        "not_modified": run.api.get("not_modified"),
        "charged": charged,
        "uncharged": len(log) - charged,
        "statuses": status_counts(log),
        "counts": counts,
        "by_op": dict(by_op),
        "minimum": mins.total(minimum),
        "minimum_charged": min_charged,
        "minimum_uncharged": min_uncharged,
        "budgets": run.api.get("budgets"),
        # Issue 11's budget: GraphQL points + REST requests charged (REST before: 1 a request).
        "graphql_points": points,
        "graphql_points_minimum": sum(
            mins.graphql_points(ops.get("graphql.pulls", 0)) for ops in minimum.values()
        ),
        "graphql_queries": pull_pages + by_op.get("graphql.nested", 0),
        "budget_spent": points + sum(1 for e in log if e.charged and e.cost is None),
        "sequential_requests": sequential,
        "ideal_naive_s": mins.ideal_wall(len(log), latency, workers),
        "longest_chain": longest_chain,
        "ideal_sequential_s": mins.ideal_wall_chains(longest_chain, len(log), latency, workers),
        "extract_s": extract_s,
        "concurrency_all": in_flight(log),
        "concurrency_reviews": in_flight(e for e in log if e.operation.startswith("graphql")),
        "concurrency_profiles": in_flight(e for e in log if e.operation.startswith("users.get")),
    }


def _comment_rows_served(box: Sandbox, log: list[LoggedRequest]) -> dict[str, dict[str, int]]:
    """Rows each repo's comment endpoints served to the incremental sync (from its `since`)."""
    org = box.github.org_data
    out: dict[str, dict[str, int]] = {}
    for entry in log:
        scope, op = github_scope_op(entry)
        if op not in ("pulls.comments", "issues.comments") or "page" in entry.query:
            continue
        since_text = (entry.query.get("since") or [None])[0]
        repo = org.repo(*scope.split("/"))
        if repo is None:
            continue
        since = parse_gh_time(since_text) if since_text else None
        rows = (
            org.review_comments(repo, since=since)
            if op == "pulls.comments"
            else org.issue_comments(repo, since=since)
        )
        out.setdefault(scope, {})[op] = len(rows)
    return out


def _line(name: str, result: dict[str, Any]) -> str:
    run = result["run"]
    if not result["ok"]:
        return f"{name}: FAILED (exit {run['returncode']})\n{run['output_tail']}"
    stages = ", ".join(f"{k} {v:.2f} s" for k, v in run["stage_seconds"].items())
    ideal = (
        f"; ideal extract {result['ideal_naive_s']:.2f} s naive, "
        f"{result['ideal_sequential_s']:.2f} s chain-aware"
        if result["ideal_naive_s"]
        else ""
    )
    return (
        f"{name}: {result['requests']:,} requests (minimum {result['minimum']:,}; charged "
        f"{result['charged']:,}, minimum {result['minimum_charged']:,}), "
        f"{run['total_rows']:,} rows, "
        f"wall {run['wall_s']:.2f} s ({stages}{ideal}), "
        f"peak RSS {run['max_rss_kib'] / 1024:.0f} MiB"
    )
