"""A repository's pull request passes: the cursor, ties at the cursor's second, a pass stopped
between pages and resumed by the next run, and what changed meanwhile."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from pipelines.sources import run_budget
from pipelines.sources.github.graphql_pulls import PullRequestReader
from pipelines.sources.github.resumable_pulls import read_resumable
from pipelines.sources.run_budget import RunStopped
from tests.unit.test_github_graphql_rows import ScriptedClient, pull_node

SINCE = datetime(2025, 1, 1, tzinfo=UTC)


def _stamp(n: int) -> str:
    return f"2025-03-{1 + n // 24:02d}T{n % 24:02d}:00:00Z"


class StoppingClient(ScriptedClient):
    """Stops the run (as a spent rate limit does) after `budget` queries."""

    def __init__(self, pulls: list[Any], budget: int | None = None) -> None:
        super().__init__(pulls)
        self.budget = budget

    def query(self, query: str, variables: dict[str, Any], *, what: str) -> Any:
        if self.budget is not None and len(self.calls) >= self.budget:
            run_budget.current().stop_for_rate_limit("github", what, None)
            raise RunStopped("spent")
        return super().query(query, variables, what=what)


def _run(pulls: list[Any], state: dict[str, Any], budget: int | None = None) -> list[int]:
    run_budget.start_run()
    client = StoppingClient(pulls, budget)
    reader = PullRequestReader(client, "acme/api")
    pages = read_resumable(reader, state, since=SINCE, backfill_until=None)
    return [p["number"] for page in pages for p in page]


def newest_first(count: int) -> list[Any]:
    return [pull_node(n, _stamp(count - n)) for n in range(1, count + 1)]


def test_a_rerun_without_changes_reads_one_page_and_yields_nothing() -> None:
    pulls = newest_first(30)
    state: dict[str, Any] = {}
    assert sorted(_run(pulls, state)) == list(range(1, 31))
    assert state["incremental"]["updated_at"]["last_value"] == _stamp(29)
    assert _run(pulls, state) == []


def test_a_stopped_pass_resumes_and_picks_up_what_changed_meanwhile() -> None:
    pulls = newest_first(120)  # pages of 16, 50, 50, 4
    state: dict[str, Any] = {}
    first = _run(pulls, state, budget=2)  # two pages, then the budget is spent
    assert first == list(range(1, 67))
    assert "last_value" not in state["incremental"]["updated_at"]  # the cursor did not move
    assert state["resume"]["position"]["count"] == 66
    # Meanwhile #100 (not read yet) and #3 (read) change: both move to the front.
    changed = [pull_node(n, "2025-04-01T00:00:00Z") for n in (100, 3)]
    rest = [p for p in pulls if p["number"] not in (100, 3)]
    second = _run(changed + rest, state)
    assert "resume" not in state
    assert set(first) | set(second) == set(range(1, 121))
    assert {100, 3} <= set(second)
    assert state["incremental"]["updated_at"]["last_value"] == "2025-04-01T00:00:00Z"


def test_a_pull_request_updated_in_the_cursors_second_is_not_missed() -> None:
    pulls = newest_first(5)
    state: dict[str, Any] = {}
    _run(pulls, state)
    twin = pull_node(99, pulls[0]["updatedAt"])
    assert _run([twin, *pulls], state) == [99]
