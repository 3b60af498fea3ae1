"""Linear's page chains in one sync: each entity's pages follow one another (the next page's
cursor comes from the previous one), and so do each `createdAt` window's of a windowed first
load (the history's, with their issues' follow-ups; the issues' and comments'); the chains run
beside each other, so the longest bounds the wall at a latency."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

from sandbox.core import LoggedRequest

Matches = Callable[[dict[str, Any], Any], bool]


def chains(
    log: list[LoggedRequest],
    issues: list[dict[str, Any]],
    windows: list[Any],
    is_history: Callable[[LoggedRequest], bool],
    matches: Matches,
    entity_windows: dict[str, list[Any]] | None = None,
) -> dict[str, int]:
    """Requests per chain: an entity's (by its root field), a windowed entity's window (by its
    filter, `entity_windows`), or a history window's (its pages of issues and its issues'
    follow-ups); the earliest-issue request precedes every window."""
    out: dict[str, int] = {}
    window_of = _window_of(issues, windows, matches)
    for entry in log:
        if not is_history(entry):
            name = entry.operation
            filters = (entity_windows or {}).get(name)
            if filters:
                spec = (json.loads(entry.body or b"{}").get("variables") or {}).get("filter")
                name = f"{name} window {filters.index(spec) + 1}"
            out[name] = out.get(name, 0) + 1
            continue
        body = json.loads(entry.body or b"{}")
        variables = body.get("variables") or {}
        if body.get("query", "").startswith("query Issues_earliest"):
            name = "issueHistory (earliest issue)"
        elif "id" in variables:  # a follow-up: the window of its issue
            name = f"issueHistory window {window_of.get(variables['id'], 0) + 1}"
        else:
            index = windows.index(variables.get("filter")) if windows else 0
            name = f"issueHistory window {index + 1}"
        out[name] = out.get(name, 0) + 1
    return out


def longest(by_chain: dict[str, int]) -> tuple[str, int]:
    """The chain with the most requests (the earliest-issue request counts before a window)."""
    if not by_chain:
        return "", 0
    first = by_chain.get("issueHistory (earliest issue)", 0)
    lengths = {
        name: n + (first if " window " in name else 0)
        for name, n in by_chain.items()
        if not name.endswith("(earliest issue)")
    }
    name = max(lengths, key=lambda k: lengths[k])
    return name, lengths[name]


def _window_of(
    issues: list[dict[str, Any]], windows: list[Any], matches: Matches
) -> dict[str, int]:
    if len(windows) <= 1:
        return {}
    return {
        row["id"]: next((n for n, spec in enumerate(windows) if matches(row, spec)), 0)
        for row in issues
    }
