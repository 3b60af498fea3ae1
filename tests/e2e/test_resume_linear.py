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
from typing import Any

import pytest

from sandbox import Sandbox
from tests.support.linear_truth import assert_linear_matches_truth
from tests.support.workspace import Workspace, assert_full_refresh_resumes

PAGE_SIZE = "8"  # small pages: a tiny workspace then needs ~70 requests
WINDOWS = 5


def pipeline_state(ws: Workspace, name: str = "linear") -> dict[str, Any]:
    state = json.loads((ws.root / "dlt" / "pipelines" / name / "state.json").read_text())
    return state["sources"][name]["resources"]


def make_workspace(factory: Callable[[Sandbox | None], Workspace], box: Sandbox) -> Workspace:
    ws = factory(box)
    ws.env["SOURCES__LINEAR__PAGE_SIZE"] = PAGE_SIZE
    return ws


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
    statuses = []
    for run in range(WINDOWS + 2):
        # One partial run also builds dbt: the marts build from what is loaded so far.
        args = () if run == 1 else ("--no-dbt",)
        result = ws.run("linear", *args)
        statuses.append(result.returncode)
        assert result.returncode in (0, 3), result.output
        if result.returncode == 0:
            break
        paragraph = result.stdout.strip().splitlines()[-1]
        assert paragraph.startswith("Stopped early: the linear rate-limit budget is spent")
        assert "The budget resets at" in paragraph and "resumes" in paragraph
        assert "Traceback" not in result.stderr
        if run == 1:
            assert "dbt (selector linear)" in result.stdout, result.stdout
        sandbox.advance_clock(3600)
    assert statuses[-1] == 0 and set(statuses[:-1]) == {3}, statuses
    assert WINDOWS - 1 <= len(statuses) <= math.ceil(needed / window.limit) + 1, statuses

    assert_linear_matches_truth(ws, sandbox)
    total = len(sandbox.linear.log)
    assert total <= needed * 1.1, (total, needed)
    resumed, whole = pipeline_state(ws), pipeline_state(unlimited)
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
    stopped = ws.run("linear", "--no-dbt", "--max-duration", "0.015")
    assert stopped.returncode == 3, stopped.output
    assert "time budget (--max-duration) was spent" in stopped.stdout
    result = ws.run("linear", "--no-dbt")
    assert result.returncode == 0, result.output
    assert_linear_matches_truth(ws, box)
