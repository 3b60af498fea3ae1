"""A first Linear load bigger than one rate-limit window finishes over several runs: each run
loads what it read completely and exits 3, the sandbox clock moves an hour, the next run
resumes; the last exits 0 with exactly what one unlimited run loads (rows and cursors).

The five-window test runs in `make test`; the variants (another `--since`, a resumed
`--full-refresh`, `--max-duration`) are `slow` and run with `make test-crash`, to keep the
suite's time."""

from __future__ import annotations

import json
import math
from collections.abc import Callable

import pytest

from pipelines.sources.linear import HISTORY
from pipelines.sources.linear.client import DEFAULT_MAX_CONCURRENCY
from sandbox import Sandbox
from tests.support.linear_truth import assert_linear_matches_truth
from tests.support.resumes import (
    assert_max_duration_resumes,
    assert_stopped_for_budget,
    resources_state,
    run_until_complete,
    small_pages,
)
from tests.support.workspace import CliResult, Workspace, assert_full_refresh_resumes

PAGE_SIZE = 8  # small pages: a tiny workspace then needs ~70 requests
WINDOWS = 5


def make_workspace(factory: Callable[[Sandbox | None], Workspace], box: Sandbox) -> Workspace:
    return small_pages(factory(box), "linear", PAGE_SIZE)


def test_a_first_load_over_five_windows_equals_one_unlimited_run(
    sandbox: Sandbox, workspace_factory: Callable[[Sandbox | None], Workspace]
) -> None:
    window = sandbox.linear.requests_window
    window.limit = 1_000_000
    unlimited = make_workspace(workspace_factory, sandbox)
    assert unlimited.run("linear", "--no-dbt").returncode == 0
    needed = len(sandbox.linear.log)
    sandbox.linear.clear_log()
    window.reset()
    window.limit = math.ceil(needed / WINDOWS)

    ws = make_workspace(workspace_factory, sandbox)

    def stopped(run: int, result: CliResult) -> None:
        assert_stopped_for_budget(result, "linear")
        if run == 1:
            assert "dbt (selector linear)" in result.stdout, result.stdout

    # One partial run also builds dbt: the marts build from what is loaded so far.
    statuses = run_until_complete(
        ws,
        sandbox,
        "linear",
        WINDOWS + 2,
        args=lambda run: () if run == 1 else ("--no-dbt",),
        on_stop=stopped,
    )
    assert statuses[-1] == 0 and set(statuses[:-1]) == {3}, statuses
    assert WINDOWS - 1 <= len(statuses) <= math.ceil(needed / window.limit) + 1, statuses

    assert_linear_matches_truth(ws, sandbox)
    total = len(sandbox.linear.log)
    # Each stop may waste the requests in flight when it came (at most `max_concurrency`,
    # 4: the entities' and the history windows' chains), whose pages are read again.
    stops = len(statuses) - 1
    assert total <= needed * 1.1 + stops * DEFAULT_MAX_CONCURRENCY, (total, needed, stops)
    resumed, whole = resources_state(ws, "linear"), resources_state(unlimited, "linear")
    for entity, state in whole.items():
        assert resumed[entity].get("cursor") == state.get("cursor"), entity
        assert resumed[entity]["seen"] == state["seen"], entity
        assert "resume" not in resumed[entity], entity


@pytest.mark.slow
def test_another_since_drops_the_stopped_read_plainly_and_still_converges(
    sandbox: Sandbox, workspace_factory: Callable[[Sandbox | None], Workspace]
) -> None:
    sandbox.linear.requests_window.limit = 30
    ws = make_workspace(workspace_factory, sandbox)
    first = ws.run("linear", "--no-dbt", "--since", "2000-01-01")
    assert first.returncode == 3, first.output
    sandbox.advance_clock(3600)
    other = ws.run("linear", "--no-dbt", "--since", "2001-01-01")
    assert other.returncode in (0, 3), other.output
    assert "does not match this run's --since" in other.stderr, other.stderr
    for _ in range(5):
        if other.returncode == 0:
            break
        sandbox.advance_clock(3600)
        other = ws.run("linear", "--no-dbt")  # a plain run resumes the pending backfill
        assert other.returncode in (0, 3), other.output
    assert other.returncode == 0
    assert_linear_matches_truth(ws, sandbox)


def test_a_stopped_full_refresh_of_the_history_alone_is_resumed(
    sandbox: Sandbox, workspace_factory: Callable[[Sandbox | None], Workspace]
) -> None:
    """The history's resume position marks the pass a `--full-refresh` started, as the
    entities' do: when it is the only pass left (here: the only one selected), the rerun
    resumes the refresh instead of dropping the data again."""
    window = sandbox.linear.requests_window
    ws = make_workspace(workspace_factory, sandbox)
    ws.env["SOURCES__LINEAR__ENTITIES"] = json.dumps([HISTORY])
    assert ws.run("linear", "--no-dbt").returncode == 0
    window.reset()
    window.limit = 8
    assert_full_refresh_resumes(
        ws, sandbox, "linear", "select count(*) from linear.raw_issue_history"
    )


@pytest.mark.slow
def test_a_stopped_full_refresh_is_resumed_not_restarted(
    sandbox: Sandbox, workspace_factory: Callable[[Sandbox | None], Workspace]
) -> None:
    window = sandbox.linear.requests_window
    ws = make_workspace(workspace_factory, sandbox)
    assert ws.run("linear", "--no-dbt").returncode == 0
    window.reset()
    window.limit = 30
    assert_full_refresh_resumes(ws, sandbox, "linear", "select count(*) from linear.raw_issues")
    assert_linear_matches_truth(ws, sandbox)


@pytest.mark.slow
def test_max_duration_stops_cleanly_and_the_next_run_completes(
    sandbox_factory: Callable[..., Sandbox],
    workspace_factory: Callable[[Sandbox | None], Workspace],
) -> None:
    box = sandbox_factory(latency_ms=40)  # ~70 requests: about 3 s of reading
    ws = make_workspace(workspace_factory, box)
    bad = ws.run("linear", "--no-dbt", "--max-duration", "0")
    assert bad.returncode == 2 and "--max-duration" in bad.stderr
    assert_max_duration_resumes(ws, box, "linear")
