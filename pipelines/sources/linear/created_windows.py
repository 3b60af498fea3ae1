"""Disjoint `createdAt` windows that split one first load of a large collection into chains
read concurrently.

A row's `createdAt` never changes, so windows of it partition the rows once and for all: a row
updated while the windows are read stays in its window and is met there as in a single pass
(ordered by `updatedAt`, it moves ahead of that window's cursor). The first window is open
below, the last open above, so nothing older than the earliest row seen or created during the
read is left out.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

import pendulum

Window = tuple[str | None, str | None]  # [lower, upper) as ISO text; None: unbounded
WHOLE: list[Window] = [(None, None)]

EARLIEST_QUERY = (
    "query Issues_earliest($filter: IssueFilter) "
    "{ issues(first: 1, filter: $filter, includeArchived: true, "
    "sort: [{ createdAt: { order: Ascending } }]) "
    "{ nodes { createdAt } pageInfo { hasNextPage endCursor } } }"
)


def split(earliest: datetime | None, now: datetime, count: int) -> list[Window]:
    """`count` windows of equal length from `earliest` to `now` (one when there is no span)."""
    if earliest is None or count <= 1 or earliest >= now:
        return list(WHOLE)
    step = (now - earliest) / count
    cuts = [_iso(earliest + step * n) for n in range(1, count)]
    bounds: list[str | None] = [None, *cuts, None]
    return [(bounds[n], bounds[n + 1]) for n in range(count)]


def within(base: dict[str, Any] | None, window: Window) -> dict[str, Any] | None:
    """The filter `base` narrowed to the rows created inside `window`."""
    lower, upper = window
    comparator = {k: v for k, v in (("gte", lower), ("lt", upper)) if v is not None}
    if not comparator:
        return base
    created = {"createdAt": comparator}
    return {"and": [base, created]} if base else created


def as_plan(windows: Sequence[Window]) -> list[list[str | None]]:
    """Windows as the JSON a resume plan keeps."""
    return [list(window) for window in windows]


def from_plan(saved: Sequence[Sequence[str | None]] | None) -> list[Window]:
    """Windows from a resume plan (a plan from before windows: the whole collection)."""
    return [(lower, upper) for lower, upper in saved] if saved else list(WHOLE)


def earliest_created(nodes: list[dict[str, Any]]) -> datetime | None:
    """The `createdAt` of `EARLIEST_QUERY`'s one node (None: no rows at all)."""
    if not nodes or not nodes[0].get("createdAt"):
        return None
    return pendulum.parse(nodes[0]["createdAt"])  # type: ignore[return-value]


def _iso(ts: datetime) -> str:
    return pendulum.instance(ts).in_timezone("UTC").format("YYYY-MM-DDTHH:mm:ss.SSS") + "Z"
