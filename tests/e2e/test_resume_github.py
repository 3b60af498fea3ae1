"""A first GitHub load bigger than one rate-limit window finishes over several runs: each run
loads what it read completely (whole pages of comments, pull requests with all their nested
data, member profiles) and exits 3, the sandbox clock moves an hour, the next run resumes; the
last exits 0 with exactly what one unlimited run loads (rows and cursors), for about the same
budget.

REST requests are the binding budget here (small REST pages; the GraphQL points are far from
spent): the five-window test runs in `make test`; the `--max-duration` variant is `slow` and
runs with `make test-crash`, to keep the suite's time."""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import Any

import pytest

from sandbox import Sandbox
from tests.support.github_truth import (
    assert_github_graphql_matches_truth,
    assert_github_matches_truth,
)
from tests.support.resumes import (
    assert_max_duration_resumes,
    assert_stopped_for_budget,
    resources_state,
    run_until_complete,
    small_pages,
)
from tests.support.workspace import CliResult, Workspace, assert_full_refresh_resumes

PAGE_SIZE = 5  # small REST pages: the tiny company then needs ~47 REST requests
WINDOWS = 5


def make_workspace(factory: Callable[[Sandbox | None], Workspace], box: Sandbox) -> Workspace:
    return small_pages(factory(box), "github", PAGE_SIZE)


def charged(box: Sandbox, graphql: bool | None = None) -> int:
    """Requests the budgets were charged for (REST and GraphQL; 304s and refusals are free)."""
    return sum(
        1
        for r in box.github.log
        if r.charged and (graphql is None or r.operation.startswith("graphql") == graphql)
    )


def cursor(state: dict[str, Any]) -> Any:
    """The cursor, and the ids whose fingerprints the next run's overlap needs."""
    slot = (state.get("incremental") or {}).get("updated_at") or {}
    return slot.get("last_value"), sorted(state.get("overlap_fingerprints") or {})


def test_a_first_load_over_five_windows_equals_one_unlimited_run(
    sandbox: Sandbox, workspace_factory: Callable[[Sandbox | None], Workspace]
) -> None:
    unlimited = make_workspace(workspace_factory, sandbox)
    assert unlimited.run("github", "--no-dbt").returncode == 0
    needed, needed_rest = charged(sandbox), charged(sandbox, graphql=False)
    sandbox.github.clear_log()
    for window in sandbox.github.rate_windows():
        window.reset()
    rest = sandbox.github.rate_window
    rest.limit = math.ceil(needed_rest / WINDOWS)

    ws = make_workspace(workspace_factory, sandbox)

    def stopped(run: int, result: CliResult) -> None:
        paragraph = assert_stopped_for_budget(result, "github")
        assert "Unfinished so far:" in paragraph, paragraph
        summary = resources_state(ws, "github")
        assert any("resume" in state for state in summary.values()), "no resume position kept"

    statuses = run_until_complete(ws, sandbox, "github", WINDOWS + 2, on_stop=stopped)
    assert statuses[-1] == 0 and set(statuses[:-1]) == {3}, statuses
    assert WINDOWS - 1 <= len(statuses) <= math.ceil(needed_rest / rest.limit) + 1, statuses

    assert_github_matches_truth(ws, sandbox)
    assert_github_graphql_matches_truth(ws, sandbox)
    total = charged(sandbox)
    assert total <= needed * 1.1, (total, needed)
    resumed, whole = resources_state(ws, "github"), resources_state(unlimited, "github")
    assert set(resumed) == set(whole)
    assert any(cursor(state)[1] for state in whole.values()), "no fingerprints kept"
    for name, state in whole.items():
        assert cursor(resumed[name]) == cursor(state), name
        assert "resume" not in resumed[name], name
    assert set(resumed["users"]["etags"]) == set(whole["users"]["etags"])


@pytest.mark.slow
def test_max_duration_stops_a_github_run_cleanly_and_the_next_run_completes(
    sandbox_factory: Callable[..., Sandbox],
    workspace_factory: Callable[[Sandbox | None], Workspace],
) -> None:
    box = sandbox_factory(latency_ms=60)  # ~50 requests: about 3 s of reading
    ws = make_workspace(workspace_factory, box)
    stopped = assert_max_duration_resumes(ws, box, "github")
    assert "resumes" in stopped.stdout.strip().splitlines()[-1]
    assert not [n for n, s in resources_state(ws, "github").items() if "resume" in s]


@pytest.mark.slow
def test_a_stopped_github_full_refresh_is_resumed_not_restarted(
    sandbox: Sandbox, workspace_factory: Callable[[Sandbox | None], Workspace]
) -> None:
    ws = make_workspace(workspace_factory, sandbox)
    assert ws.run("github", "--no-dbt").returncode == 0
    sandbox.github.rate_window.reset()
    sandbox.github.rate_window.limit = 18
    assert_full_refresh_resumes(
        ws, sandbox, "github", "select count(*) from github.raw_pr_comments"
    )
    assert_github_matches_truth(ws, sandbox)
