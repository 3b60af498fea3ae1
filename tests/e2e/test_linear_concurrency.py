"""Linear's entities are read concurrently, at most `sources.linear.max_concurrency` requests in
flight, with the same requests as one after another; overlap is counted from the sandbox's
request log (when each request arrived and how long it took to answer)."""

from __future__ import annotations

import json
import math
from collections.abc import Callable

from pipelines.sources.linear.entities import ENTITIES
from sandbox import Sandbox
from sandbox.core import LoggedRequest
from tests.support.history_windows import EARLIEST, expected_pages, pages_by_window
from tests.support.linear_truth import assert_linear_matches_truth
from tests.support.workspace import Workspace

WINDOWED = {e.name for e in ENTITIES if e.windowed}


def most_in_flight(log: list[LoggedRequest]) -> int:
    """The most requests the sandbox was answering at once."""
    events = sorted(
        [(r.started_at, 1) for r in log] + [(r.started_at + r.duration_ms / 1000, -1) for r in log],
        key=lambda e: (e[0], e[1]),  # an answer that ends as another arrives: not both in flight
    )
    level = peak = 0
    for _, step in events:
        level += step
        peak = max(peak, level)
    return peak


def overlapping_entities(log: list[LoggedRequest]) -> int:
    """Pairs of requests for different entities that the sandbox answered at the same time."""
    spans = sorted((r.started_at, r.started_at + r.duration_ms / 1000, r.operation) for r in log)
    pairs = 0
    for i, (_start, end, operation) in enumerate(spans):
        for other_start, _, other in spans[i + 1 :]:
            if other_start >= end:
                break
            pairs += other != operation
    return pairs


def sync(
    factory: Callable[..., Sandbox], workspaces: Callable[[Sandbox | None], Workspace], **env: str
) -> tuple[Sandbox, list[LoggedRequest]]:
    box = factory(latency_ms=30)
    ws = workspaces(box)
    ws.env.update({"SOURCES__LINEAR__PAGE_SIZE": "8", **env})  # many pages per entity
    result = ws.run("linear", "--no-dbt")
    assert result.returncode == 0, result.output
    assert_linear_matches_truth(ws, box)
    return box, box.linear.log


def test_entities_are_read_concurrently_within_max_concurrency(
    sandbox_factory: Callable[..., Sandbox],
    workspace_factory: Callable[[Sandbox | None], Workspace],
) -> None:
    box, parallel = sync(sandbox_factory, workspace_factory, SOURCES__LINEAR__MAX_CONCURRENCY="3")
    serial_box, serial = sync(
        sandbox_factory, workspace_factory, SOURCES__LINEAR__MAX_CONCURRENCY="1"
    )

    assert overlapping_entities(parallel) > 0
    assert 2 <= most_in_flight(parallel) <= 3
    assert most_in_flight(serial) == 1
    # As many requests of each entity either way: concurrency changes when they are sent.
    # The first loads of the history and of the windowed entities (issues, comments) are split
    # into as many createdAt windows as may be in flight (their own tests:
    # test_linear_history.py, test_linear_windows.py); read serially each is one chain.
    assert sorted(r.operation for r in parallel if _single(r)) == sorted(
        r.operation for r in serial if _single(r)
    )
    windows = pages_by_window(parallel)
    assert len(windows) == 3 and len(pages_by_window(serial)) == 1
    for entity in WINDOWED:
        truth = box.linear.workspace.truth(entity)
        # Serially one chain of 8-row pages; in windows each window's own, its last page
        # partly filled: at most one more page per window beyond the first.
        serially = math.ceil(len(serial_box.linear.workspace.truth(entity)) / 8)
        assert pages_by_window(serial, entity) == {(None, None): serially}
        split = pages_by_window(parallel, entity)
        assert split == expected_pages(windows, truth, 8), entity
        assert sum(split.values()) <= serially + len(windows) - 1, entity


def _single(request: LoggedRequest) -> bool:
    """A request of a read that is one chain either way (not the history's, not a windowed
    entity's)."""
    query = json.loads(request.body)["query"]
    return request.operation not in WINDOWED and not query.startswith(
        ("query IssueHistory_", EARLIEST)
    )
