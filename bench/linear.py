"""The Linear scenario: a full sync of a workspace, then an incremental sync after changes, then
a rerun with nothing changed; requests and complexity beside the theoretical minimum."""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import datetime
from typing import Any

from bench.linear_chains import chains, longest
from bench.logs import in_flight
from bench.minimum import LINEAR_FORMULA, linear_minimum, pages
from bench.process import RunResult
from bench.workspace import Workspace
from sandbox import Sandbox
from sandbox.core import LoggedRequest
from sandbox.linear.model import ENTITIES

Say = Callable[[str], None]


def entity_kinds() -> dict[str, str]:
    """Linear entity -> "event" (read by cursor) or "reference" (read whole), as the pipeline
    declares them."""
    from pipelines.sources.linear.entities import ENTITIES as DECLARED

    return {e.name: e.kind for e in DECLARED}


def run_linear(
    *,
    box: Sandbox,
    ws: Workspace,
    say: Say,
    name: str = "linear",
    mutate_issues: int = 100,
    add_comments: int = 50,
    noop: bool = True,
    after_full: Callable[[], None] | None = None,
) -> dict[str, Any]:
    """Full, incremental (after `mutate_issues` + `add_comments`) and no-change syncs of the
    started sandbox `box`'s workspace, into `ws`. `name` prefixes the printed lines."""
    kinds = entity_kinds()
    data = box.linear.workspace
    out: dict[str, Any] = {"kinds": kinds, "formula": LINEAR_FORMULA}
    out["truth_rows"] = {e: len(data.truth(e)) for e in ENTITIES}

    before = {e: data.truth(e) for e in ENTITIES}
    full = ws.run("linear", "linear-full")
    out["full"] = _analyse(full, box.linear.log, before, kinds, changed=None)
    say(_line(f"{name} full", out["full"]))
    if after_full is not None:
        after_full()  # e.g. export what it loaded (between the runs, not timed)

    changed_issues = data.mutate_issues(mutate_issues)
    added_comments = data.add_comments(add_comments)
    after = {e: data.truth(e) for e in ENTITIES}
    changed = _changed_ids(before, after)
    out["mutations"] = {
        "mutate_issues": len(changed_issues),
        "add_comments": len(added_comments),
        "changed_rows": {e: len(ids) for e, ids in changed.items()},
    }
    incremental = ws.run("linear", "linear-incremental")
    out["incremental"] = _analyse(incremental, box.linear.log, after, kinds, changed=changed)
    say(_line(f"{name} incremental", out["incremental"]))

    if noop:
        nothing = {e: set[str]() for e in ENTITIES}
        rerun = ws.run("linear", "linear-noop")
        out["noop"] = _analyse(rerun, box.linear.log, after, kinds, changed=nothing)
        say(_line(f"{name} no-change rerun", out["noop"]))
    return out


def _changed_ids(
    before: dict[str, list[dict[str, Any]]], after: dict[str, list[dict[str, Any]]]
) -> dict[str, set[str]]:
    """Ids whose record is new or different, per entity."""
    out: dict[str, set[str]] = {}
    for entity, rows in after.items():
        old = {r["id"]: r for r in before.get(entity, [])}
        out[entity] = {r["id"] for r in rows if old.get(r["id"]) != r}
    return out


def _analyse(
    run: RunResult,
    log: list[LoggedRequest],
    truth: dict[str, list[dict[str, Any]]],
    kinds: dict[str, str],
    *,
    changed: dict[str, set[str]] | None,
) -> dict[str, Any]:
    """Requests, rows read and complexity per entity, beside the minimum.

    Rows read are the truth rows matching the filter the pipeline sent (every page of one
    entity carries the same filter). Rows that must be read: on a full sync, every row in the
    window the user asked for (what the filter selects); on an incremental sync, the rows that
    changed since the previous sync (reference entities: none, yet each must be asked once).
    """
    from pipelines.sources.linear.history import HISTORY_ISSUES
    from pipelines.sources.linear.history import NAME as HISTORY

    per_entity: dict[str, dict[str, Any]] = {}
    history = [e for e in log if _is_history(e)]
    entity_windows: dict[str, list[Any]] = {}
    for entity in truth:
        entries = [e for e in log if e.operation == entity and not _is_history(e)]
        # A windowed first load (issues, comments) sends one filter per createdAt window.
        filters = _filters(entries)
        if len(filters) > 1:
            entity_windows[entity] = filters
        read = sum(1 for row in truth[entity] if any(_matches(row, f) for f in filters or [None]))
        must = read if changed is None else len(changed.get(entity, ()))
        points = [int(e.response_headers.get("X-Complexity", 0) or 0) for e in entries]
        per_entity[entity] = {
            "kind": kinds.get(entity, "?"),
            "requests": len(entries),
            "filter": filters[0] if len(filters) == 1 else filters or None,
            "rows_read": read,
            "must_read": must,
            "windows": len(filters) if len(filters) > 1 else 0,
            "complexity": sum(points),
            "complexity_per_page": sorted(set(points)),
            "retried_or_failed": sum(1 for e in entries if e.status != 200),
        }
    minimum = linear_minimum({e: v["must_read"] for e, v in per_entity.items()})
    # The history of the issues the issue filter selects (the changed ones and those the
    # overlap re-reads), 40 issues a page (see history.py).
    history_must = per_entity.get("issues", {}).get("must_read", 0)
    minimum[HISTORY] = pages(per_entity.get("issues", {}).get("rows_read", 0), HISTORY_ISSUES)
    windows = _history_windows(history)
    # A first load read in createdAt windows: one request for the earliest issue, and each
    # window's pages (its last one partly filled) instead of one run of full pages.
    windowed = 1 + sum(
        pages(sum(1 for row in truth.get("issues", []) if _matches(row, f)), HISTORY_ISSUES)
        for f in windows
    )
    per_entity[HISTORY] = {
        "kind": "event",
        "requests": len(history),
        "filter": per_entity.get("issues", {}).get("filter"),
        "rows_read": per_entity.get("issues", {}).get("rows_read", 0),  # issues, with history
        "must_read": history_must,
        "minimum": minimum[HISTORY],
        "windows": len(windows),
        "window_price": windowed - minimum[HISTORY] if len(windows) > 1 else 0,
        "complexity": sum(int(e.response_headers.get("X-Complexity", 0) or 0) for e in history),
        "complexity_per_page": sorted(
            {int(e.response_headers.get("X-Complexity", 0) or 0) for e in history}
        ),
        "retried_or_failed": sum(1 for e in history if e.status != 200),
    }
    for entity, value in minimum.items():
        per_entity[entity]["minimum"] = value
    for entity in entity_windows:
        # Each window's pages, its last one partly filled, beyond one run of full pages.
        entry = per_entity[entity]
        entry["window_price"] = entry["requests"] - entry["minimum"]
    other = [e for e in log if e.operation not in truth and not _is_history(e)]
    by_chain = chains(log, truth.get("issues", []), windows, _is_history, _matches, entity_windows)
    issues = per_entity.get("issues", {})
    issue_rows = run.rows.get("raw_issues", 0)
    return {
        "run": run.to_dict(),
        "ok": run.ok,
        "entities": per_entity,
        "requests": len(log),
        "other_requests": [e.operation for e in other],
        "client_requests": run.api.get("requests"),
        "retries": run.api.get("retries"),
        "minimum": sum(minimum.values()),
        "complexity": sum(int(e.response_headers.get("X-Complexity", 0) or 0) for e in log),
        "client_complexity": (run.api.get("extra") or {}).get("complexity_points"),
        "issue_rows_read": issues.get("rows_read", 0),
        "issue_rows_loaded": issue_rows,
        "issue_complexity": issues.get("complexity", 0),
        "budgets": run.api.get("budgets"),
        "server": in_flight(log),
        "chains": by_chain,
        "longest_chain": longest(by_chain)[1],
        "longest_chain_name": longest(by_chain)[0],
        "extract_s": (run.stage_seconds or {}).get("extract"),
    }


def _line(name: str, result: dict[str, Any]) -> str:
    run = result["run"]
    if not result["ok"]:
        return f"{name}: FAILED (exit {run['returncode']})\n{run['output_tail']}"
    stages = ", ".join(f"{k} {v:.2f} s" for k, v in run["stage_seconds"].items())
    return (
        f"{name}: {result['requests']} requests (minimum {result['minimum']}), "
        f"{run['total_rows']:,} rows, {result['complexity']:,} complexity points, "
        f"wall {run['wall_s']:.2f} s ({stages}), peak RSS {run['max_rss_kib'] / 1024:.0f} MiB"
    )


# -- Linear filters, evaluated on the truth ----------------------------------------------------
def _matches(row: dict[str, Any], spec: Any) -> bool:
    """Whether `row` passes a Linear filter of the forms the pipeline sends (and/or of
    timestamp comparisons). An unknown shape counts as a match (rows read: an upper bound)."""
    if not spec:
        return True
    if not isinstance(spec, dict):
        return True
    for key, condition in spec.items():
        if condition is None:
            continue
        if key == "and":
            if not all(_matches(row, c) for c in condition):
                return False
        elif key == "or":
            if condition and not any(_matches(row, c) for c in condition):
                return False
        elif isinstance(condition, dict) and not all(
            _compare(row.get(key), op, v) for op, v in condition.items()
        ):
            return False
    return True


def _compare(value: Any, op: str, operand: Any) -> bool:
    if operand is None:
        return True
    if op == "null":
        return (value is None) == bool(operand)
    if value is None:
        return False
    left, right = _ts(value), _ts(operand)
    if op == "gte":
        return left >= right
    if op == "gt":
        return left > right
    if op == "lte":
        return left <= right
    if op == "lt":
        return left < right
    if op == "eq":
        return left == right
    if op == "neq":
        return left != right
    return True


def _ts(value: Any) -> Any:
    if isinstance(value, str) and len(value) >= 19 and value[4] == "-" and value[10] == "T":
        return datetime.fromisoformat(value.replace("Z", "+00:00"))
    return value


def _is_history(entry: LoggedRequest) -> bool:
    """A request of the issue-history read (its root field is `issues` or `issue` too), the
    earliest-issue request that splits a first load into windows included."""
    head = (entry.body or b"")[:60]
    return entry.operation in ("issues", "issue") and (
        b"IssueHistory_" in head or b"Issues_earliest" in head
    )


def _filters(entries: list[LoggedRequest]) -> list[Any]:
    """The distinct filters of an entity's requests, in the order first sent: one, or one per
    `createdAt` window of a windowed first load."""
    filters: list[Any] = []
    for entry in entries:
        spec = (json.loads(entry.body or b"{}").get("variables") or {}).get("filter")
        if spec not in filters:
            filters.append(spec)
    return filters


def _history_windows(history: list[LoggedRequest]) -> list[Any]:
    """The distinct filters of the history's pages of issues: one per createdAt window."""
    filters: list[Any] = []
    for entry in history:
        if b"IssueHistory_sync" in (entry.body or b"")[:60]:
            spec = (json.loads(entry.body).get("variables") or {}).get("filter")
            if spec not in filters:
                filters.append(spec)
    return filters
