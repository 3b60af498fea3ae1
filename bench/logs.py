"""Reading the sandbox's request logs: counts by operation, and how many requests were in flight
at once."""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterable
from typing import Any

from sandbox.core import LoggedRequest


def github_scope_op(entry: LoggedRequest) -> tuple[str, str]:
    """("acme/api", "pulls.comments") for a repo operation, ("org", "users.get") otherwise."""
    kind, _, rest = entry.operation.partition(" ")
    if kind == "graphql":
        # "graphql rateLimit,repository acme/api": a page of pull requests of that repo;
        # "graphql rateLimit,node,...": nested lists paged on; "organization": repo discovery.
        if "repository " in rest:
            return rest.split("repository ", 1)[1].split(",", 1)[0], "graphql.pulls"
        return "org", "graphql.nested" if "node" in rest else "graphql.other"
    if kind in ("orgs.members", "users.get", "rate_limit"):
        return "org", kind
    return rest.split("#", 1)[0] or "?", kind


def github_counts(log: Iterable[LoggedRequest]) -> dict[str, dict[str, int]]:
    """Requests by scope (repo or "org") and operation."""
    out: dict[str, Counter[str]] = defaultdict(Counter)
    for entry in log:
        scope, op = github_scope_op(entry)
        out[scope][op] += 1
    return {scope: dict(ops) for scope, ops in out.items()}


def status_counts(log: Iterable[LoggedRequest]) -> dict[str, int]:
    """Requests by HTTP status ("dropped" when the connection was cut)."""
    return dict(Counter("dropped" if e.status is None else str(e.status) for e in log))


def in_flight(log: Iterable[LoggedRequest]) -> dict[str, Any]:
    """Concurrency of a set of requests, as the server saw them (arrival to answer):
    the peak number in flight, and the mean over their span (busy request-seconds / span)."""
    entries = list(log)
    if not entries:
        return {"requests": 0, "peak": 0, "mean": 0.0, "span_s": 0.0, "busy_s": 0.0}
    events = sorted(
        [(e.started_at, 1) for e in entries]
        + [(e.started_at + e.duration_ms / 1000, -1) for e in entries],
        key=lambda ev: (ev[0], ev[1]),
    )
    current = peak = 0
    for _, step in events:
        current += step
        peak = max(peak, current)
    start = min(e.started_at for e in entries)
    end = max(e.started_at + e.duration_ms / 1000 for e in entries)
    busy = sum(e.duration_ms for e in entries) / 1000
    span = end - start
    return {
        "requests": len(entries),
        "peak": peak,
        "mean": busy / span if span > 0 else float(len(entries)),
        "span_s": span,
        "busy_s": busy,
    }


def graphql_points(log: Iterable[LoggedRequest]) -> int:
    """GraphQL points the sandbox charged (GitHub's cost formula)."""
    return sum(e.cost or 0 for e in log if e.operation.startswith("graphql") and e.charged)
