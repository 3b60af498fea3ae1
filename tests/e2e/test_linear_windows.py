"""End to end: a first load reads the windowed entities (issues, comments) in `max_concurrency`
concurrent `createdAt` windows, the history's, from the one earliest-issue request: every row
once, the warehouse equal to the truth, a few partly filled pages the whole price; the
incremental run after it is the one chain of before. Stopped mid-windows, the next runs
continue each chain where it was and load every row exactly once."""

from __future__ import annotations

import json
import math
import re
from collections.abc import Callable
from typing import Any

from pipelines.sources.linear.entities import ENTITIES
from sandbox import Sandbox
from sandbox.core import LoggedRequest
from tests.support.history_windows import (
    EARLIEST,
    created_window,
    expected_pages,
    history_bodies,
    pages_by_window,
    sync_bodies,
)
from tests.support.linear_truth import TABLES, assert_linear_matches_truth
from tests.support.resumes import assert_stopped_for_budget, resources_state, small_pages
from tests.support.truth import assert_latest_rows, epoch_ms
from tests.support.workspace import CliResult, Workspace

PAGE_SIZE = 8  # many pages a window: 200 issues, 300 comments in the tiny workspace
WINDOWED = [e.name for e in ENTITIES if e.windowed]
Window = tuple[str | None, str | None]


def test_a_first_load_reads_issues_and_comments_in_concurrent_created_windows(
    sandbox_factory: Callable[..., Sandbox], workspace_factory: Callable[..., Workspace]
) -> None:
    box = sandbox_factory(latency_ms=30)
    data = box.linear.workspace
    ws = small_pages(workspace_factory(box), "linear", PAGE_SIZE)
    result = ws.run("linear", "--no-dbt")
    assert result.returncode == 0, result.output
    assert_linear_matches_truth(ws, box)
    log = box.linear.log
    assert WINDOWED == ["issues", "comments"]

    # One earliest-issue request, sent before any windowed page, bounds every windowed read:
    # the entities' windows are the history's four (`max_concurrency`).
    [probe] = [r for r in log if _query(r).startswith(EARLIEST)]
    windows = pages_by_window(log)
    assert len(windows) == 4 and (None, None) not in windows
    for entity in WINDOWED:
        rows = data.truth(entity)
        pages = [r for r in log if _is_page_of(r, entity)]
        assert probe.started_at < min(r.started_at for r in pages)
        by_window = pages_by_window(log, entity)
        # Each window read the rows created inside it: exactly its pages, none twice.
        assert by_window == expected_pages(windows, rows, PAGE_SIZE), entity
        assert _windows_overlapped(pages), f"no two {entity} windows were in flight together"
        # The first load appended (no row to merge with): a row read twice was loaded twice.
        assert _loaded(result, TABLES.get(entity, "")) == len(rows), entity

    # The price: one chain's pages for every other entity, as before windows; for a windowed
    # one at most a partly filled page per window more; and the history's one probe.
    single = {e.name: max(1, math.ceil(len(data.truth(e.name)) / PAGE_SIZE)) for e in ENTITIES}
    for entity, pages in single.items():
        asked = len(sync_bodies(log, entity))
        if entity in WINDOWED:
            assert pages < asked <= pages + len(windows) - 1, entity
        else:
            assert asked == pages, entity
    assert len(history_bodies(log, EARLIEST)) == 1

    # The incremental run after it: one request per entity and one for the history, as before
    # windows (no probe, no createdAt bound).
    data.mutate_issues(3)
    data.add_comments(2)
    box.linear.clear_log()
    # In pages of 250, as test_linear_pipeline.py's incremental run (reference entities are
    # read whole every run: in pages of 8 they take several).
    result = ws.run("linear", "--no-dbt", extra_env={"SOURCES__LINEAR__PAGE_SIZE": "250"})
    assert result.returncode == 0, result.output
    assert_linear_matches_truth(ws, box)
    assert len(box.linear.log) == len(ENTITIES) + 1
    assert not history_bodies(box.linear.log, EARLIEST)
    for entity in WINDOWED:
        [body] = sync_bodies(box.linear.log, entity)
        assert created_window(body["variables"]) == (None, None)
        assert "updatedAt" in json.dumps(body["variables"]["filter"])


def test_a_first_load_stopped_mid_windows_continues_each_chain_and_loads_every_row_once(
    sandbox: Sandbox, workspace_factory: Callable[..., Workspace]
) -> None:
    """Only the windowed entities are selected, so the budget binds them alone: 20 requests a
    run (the probe and 19 pages) finish neither (25 and 38 pages of 8 rows at the least)."""
    data = sandbox.linear.workspace
    sandbox.linear.requests_window.limit = 20
    ws = small_pages(workspace_factory(sandbox), "linear", PAGE_SIZE)
    ws.env["SOURCES__LINEAR__ENTITIES"] = json.dumps(WINDOWED)
    runs: list[tuple[CliResult, list[LoggedRequest]]] = []
    saved: dict[str, Any] = {}
    for _ in range(8):
        result = ws.run("linear", "--no-dbt")
        runs.append((result, list(sandbox.linear.log)))
        sandbox.linear.clear_log()
        if result.returncode == 0:
            break
        assert result.returncode == 3, result.output
        assert_stopped_for_budget(result, "linear")
        if len(runs) == 1:
            saved = {e: resources_state(ws, "linear")[e]["resume"] for e in WINDOWED}
        sandbox.advance_clock(3600)
    assert runs[-1][0].returncode == 0 and len(runs) >= 3, [r.returncode for r, _ in runs]
    logs = [request for _, log in runs for request in log]

    # The stopped run kept one set of windows (the one probe's) and every chain's position.
    [plan] = {json.dumps(resume["plan"]["windows"]) for resume in saved.values()}
    windows: list[Window] = [tuple(w) for w in json.loads(plan)]  # type: ignore[misc]
    assert len(windows) == 4 and len(history_bodies(logs, EARLIEST)) == 1
    for entity, resume in saved.items():
        chains = resume["position"]["chains"]
        assert len(chains) == 4 and "after" not in resume["position"], entity
        assert not all(c["done"] for c in chains) and any(c["after"] for c in chains), entity
        # The later runs continued each unfinished chain after its last page read (and
        # never read a finished one again).
        later: dict[Window, list[dict[str, Any]]] = {}
        for _, log in runs[1:]:
            for body in sync_bodies(log, entity):
                later.setdefault(created_window(body["variables"]), []).append(body["variables"])
        for window, chain in zip(windows, chains, strict=True):
            if chain["done"]:
                assert window not in later, (entity, window)
            else:
                assert later[window][0]["after"] == chain["after"], (entity, window)
        # Over all runs no page of a window was read twice (asked after the same cursor),
        # and each window took its pages plus at most one per stop: a chain stopped right
        # after its last page did not learn it had ended, and asks once more (an empty page).
        # The last run's plain pass after the resumed one has no window.
        asked: dict[tuple[Window, str | None], int] = {}
        for request in logs:
            if _is_page_of(request, entity) and request.status == 200:
                variables = _variables(request)
                key = (created_window(variables), variables.get("after"))
                asked[key] = asked.get(key, 0) + 1
        assert all(n == 1 for (window, _), n in asked.items() if window in windows), entity
        by_window: dict[Window, int] = {}
        for window, _ in asked:
            by_window[window] = by_window.get(window, 0) + 1
        assert by_window.pop((None, None), 0) >= 1  # the plain pass
        expected = expected_pages(windows, data.truth(entity), PAGE_SIZE)
        stops = len(runs) - 1
        assert set(by_window) == set(windows), entity
        assert all(0 <= by_window[w] - expected[w] <= stops for w in windows), (entity, by_window)
        # Every row loaded exactly once over the runs (each run's load counted).
        assert sum(_loaded(r, TABLES[entity]) for r, _ in runs) == len(data.truth(entity))

    for entity in WINDOWED:
        truth = {r["id"]: (epoch_ms(r["updatedAt"]),) for r in data.truth(entity)}
        table = TABLES[entity]
        rows = ws.query(f"select id, updated_at from linear.{table}")
        assert_latest_rows(table, [(i, epoch_ms(u)) for i, u in rows], truth)
    state = resources_state(ws, "linear")
    assert all("resume" not in state[e] and state[e].get("cursor") for e in WINDOWED)


def _query(request: LoggedRequest) -> str:
    return json.loads(request.body)["query"]


def _is_page_of(request: LoggedRequest, entity: str) -> bool:
    return request.operation == entity and _query(request).startswith(f"query Sync_{entity}(")


def _windows_overlapped(pages: list[LoggedRequest]) -> bool:
    """Whether two pages of different windows were being answered at the same time."""
    spans = sorted(
        (
            (r.started_at, r.started_at + r.duration_ms / 1000, created_window(_variables(r)))
            for r in pages
        ),
        key=lambda span: span[:2],
    )
    return any(
        start < end and window != other
        for n, (_, end, window) in enumerate(spans)
        for start, _, other in spans[n + 1 :]
    )


def _variables(request: LoggedRequest) -> dict[str, Any]:
    return json.loads(request.body)["variables"]


def _loaded(result: CliResult, table: str) -> int:
    """The rows of `table` a run's summary says it loaded (0: none)."""
    found = re.search(rf"^\s+{re.escape(table)}\s+([\d,]+)\s*$", result.stdout, re.MULTILINE)
    return int(found.group(1).replace(",", "")) if found else 0
