"""The windowed reads' requests in the sandbox's log (the issue history's, and the windowed
entities' `Sync_<entity>` pages), by kind and by `createdAt` window: what a windowed first load
must have asked, derived from the truth."""

from __future__ import annotations

import json
import math
from collections.abc import Iterable
from typing import Any

from pipelines.sources.linear.history import HISTORY_ISSUES
from sandbox.core import LoggedRequest

EARLIEST, PAGES, FOLLOW_UPS = (
    "query Issues_earliest",
    "query IssueHistory_sync",
    "query IssueHistory_",
)


def history_bodies(log: Iterable[LoggedRequest], kind: str) -> list[dict[str, Any]]:
    """The bodies of the history's requests of one kind (EARLIEST, PAGES or FOLLOW_UPS)."""
    bodies = [json.loads(r.body) for r in log if r.operation in ("issues", "issue")]
    found = [b for b in bodies if b["query"].startswith(kind)]
    return [b for b in found if not b["query"].startswith(PAGES)] if kind == FOLLOW_UPS else found


def created_window(variables: dict[str, Any]) -> tuple[str | None, str | None]:
    """The [gte, lt) `createdAt` window a history page's filter carries ((None, None): none)."""
    spec = variables.get("filter") or {}
    parts = spec.get("and", [spec])
    window = next((p["createdAt"] for p in parts if "createdAt" in p), {})
    return window.get("gte"), window.get("lt")


def sync_bodies(log: Iterable[LoggedRequest], entity: str) -> list[dict[str, Any]]:
    """The bodies of an entity's own pages (`query Sync_<entity>`), in the order sent."""
    bodies = [json.loads(r.body) for r in log if r.operation == entity]
    return [b for b in bodies if b["query"].startswith(f"query Sync_{entity}(")]


def pages_by_window(
    log: Iterable[LoggedRequest], entity: str | None = None
) -> dict[tuple[str | None, str | None], int]:
    """How many pages each window asked for: of issues for the history, or (`entity`) of that
    entity's own pages."""
    log = list(log)
    bodies = history_bodies(log, PAGES) if entity is None else sync_bodies(log, entity)
    out: dict[tuple[str | None, str | None], int] = {}
    for body in bodies:
        window = created_window(body["variables"])
        out[window] = out.get(window, 0) + 1
    return out


def expected_pages(
    windows: Iterable[tuple[str | None, str | None]],
    rows: list[dict[str, Any]],
    page_size: int = HISTORY_ISSUES,
) -> dict[tuple[str | None, str | None], int]:
    """Each window's pages of `page_size` rows (the history: `HISTORY_ISSUES` issues) for the
    rows created inside it; an empty window still takes its one (empty) page."""
    return {
        (low, high): max(
            1,
            math.ceil(
                sum(
                    1
                    for row in rows
                    if (low is None or row["createdAt"] >= low)
                    and (high is None or row["createdAt"] < high)
                )
                / page_size
            ),
        )
        for low, high in windows
    }
