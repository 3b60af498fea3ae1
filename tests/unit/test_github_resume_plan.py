"""GitHub's resumable reads in-process: a pass whose last page came before the stop is complete,
a pass resumed before its first page needs no second pass, resources loaded already wait
while a backfill that was pending when the run began is in progress, and the REST page size
is checked."""

from __future__ import annotations

from typing import Any

import pytest

from pipelines.sources import run_budget
from pipelines.sources.github import github_source
from pipelines.sources.github.graphql_pulls import PullRequestReader
from pipelines.sources.github.plan import LOADED_KEY, RunPlan, wait_for_backfill
from pipelines.sources.github.resumable_pulls import read_resumable
from pipelines.sources.http import SourceError
from tests.unit.test_github_graphql_resume import SINCE, newest_first
from tests.unit.test_github_graphql_rows import ScriptedClient


class SpentElsewhere(ScriptedClient):
    """Serves every page; after the `after`-th query another API's budget is spent (as REST's
    is while GraphQL pages still come), so the run must stop between units."""

    def __init__(self, pulls: list[Any], after: int) -> None:
        super().__init__(pulls)
        self.after = after

    def query(self, query: str, variables: dict[str, Any], *, what: str) -> Any:
        answer = super().query(query, variables, what=what)
        if len(self.calls) >= self.after:
            run_budget.current().stop_for_rate_limit("github", "GET elsewhere", None)
        return answer


def _read(client: ScriptedClient, state: dict[str, Any]) -> list[int]:
    reader = PullRequestReader(client, "acme/api")
    pages = read_resumable(reader, state, since=SINCE, backfill_until=None)
    return [p["number"] for page in pages for p in page]


def test_a_stop_after_the_last_page_still_completes_the_pass() -> None:
    run_budget.start_run()
    pulls = newest_first(30)  # pages of 16 and 14
    state: dict[str, Any] = {}
    client = SpentElsewhere(pulls, after=2)
    assert sorted(_read(client, state)) == list(range(1, 31))
    assert "resume" not in state, "the pass read every page: nothing to resume"
    assert state["incremental"]["updated_at"]["last_value"] is not None
    assert state[LOADED_KEY] is True
    assert len(client.calls) == 2


def test_a_pass_resumed_before_its_first_page_needs_no_second_pass() -> None:
    run_budget.start_run()
    pulls = newest_first(30)
    state: dict[str, Any] = {}
    first = SpentElsewhere(pulls, after=0)
    run_budget.current().stop_for_rate_limit("github", "GET elsewhere", None)
    assert _read(first, state) == []
    assert state["resume"]["position"]["after"] is None and not first.calls

    run_budget.start_run()
    again = ScriptedClient(pulls)
    assert sorted(_read(again, state)) == list(range(1, 31))
    assert len(again.calls) == 2, "one pass of two pages, no pass from the cursor after it"
    assert "resume" not in state


def test_loaded_resources_wait_only_for_a_backfill_pending_when_the_run_began() -> None:
    source_state: dict[str, Any] = {"resources": {"pr_comments__acme__api": {"resume": {"x": 1}}}}
    loaded: dict[str, Any] = {LOADED_KEY: True}
    pending = RunPlan()
    pending.names(source_state)
    source_state["resources"]["users"] = {"resume": {"x": 1}}  # saved later in this run
    assert wait_for_backfill(pending, loaded, "pull_requests__acme__api")
    assert not wait_for_backfill(pending, loaded, "pr_comments__acme__api")  # its own
    assert not wait_for_backfill(pending, {}, "users"), "never loaded completely: it reads"
    assert not wait_for_backfill(pending, loaded, "x", backfill=True), "--since never waits"
    assert not wait_for_backfill(None, loaded, "x")

    nothing_pending = RunPlan()
    nothing_pending.names({"resources": {}})
    source_state["resources"]["users"] = {"resume": {"x": 1}}
    assert not wait_for_backfill(nothing_pending, loaded, "pull_requests__acme__api")


@pytest.mark.parametrize("size", [0, 101])
def test_the_rest_page_size_is_checked(size: int) -> None:
    with pytest.raises(SourceError, match=r"sources\.github\.page_size is .*1 to 100"):
        github_source(org="acme", repos=["acme/api"], access_token="t", page_size=size)
