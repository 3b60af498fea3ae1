"""The neutral run budget: stop reasons, the deadline, progress and resume positions."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import pytest

from pipelines.sources.run_budget import ResumePosition, RunBudget, RunStopped, stoppable


class FakeClock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def test_deadline_stops_the_run_once_passed() -> None:
    clock = FakeClock()
    budget = RunBudget(max_duration_minutes=2, clock=clock)
    assert not budget.should_stop()
    budget.check()
    clock.now += 119
    assert not budget.should_stop()
    clock.now += 1
    assert budget.should_stop()
    assert budget.stop_reason is not None and budget.stop_reason.kind == "max_duration"
    with pytest.raises(RunStopped, match="time budget"):
        budget.check()


def test_bad_max_duration_is_named() -> None:
    with pytest.raises(ValueError, match="max_duration"):
        RunBudget(max_duration_minutes=0)


def test_rate_limit_stop_keeps_the_latest_reset() -> None:
    budget = RunBudget()
    early = datetime(2026, 1, 1, 10, tzinfo=UTC)
    late = datetime(2026, 1, 1, 11, tzinfo=UTC)
    budget.stop_for_rate_limit("github", "GET /a", late)
    budget.stop_for_rate_limit("github", "GET /b", early)
    assert budget.stop_reason is not None and budget.stop_reason.reset_at == late
    assert "resets at 2026-01-01 11:00:00 UTC" in budget.stop_reason.describe()


def test_progress_lists_unfinished_work() -> None:
    budget = RunBudget()
    budget.progress("prs:acme/api", 1240, 4800, "pull requests", "acme/api")
    budget.progress("users", 10)
    budget.finished("users")
    [left] = budget.unfinished()
    assert left.describe() == "1,240 of ~4,800 pull requests in acme/api"


def test_stoppable_yields_whole_units_and_says_whether_it_completed() -> None:
    budget = RunBudget()

    def pages() -> Any:
        yield 1
        yield 2
        budget.stop_for_rate_limit("linear", "POST", None)
        raise RunStopped("spent")

    units = stoppable(pages(), budget)
    assert list(units) == [1, 2]
    assert not units.completed
    whole = stoppable([1, 2, 3], RunBudget())
    assert list(whole) == [1, 2, 3] and whole.completed


def test_stoppable_stops_before_the_next_unit_when_the_run_must_stop() -> None:
    budget = RunBudget()
    seen = []
    units = stoppable(range(10), budget)
    for unit in units:
        seen.append(unit)
        if unit == 3:
            budget.stop_for_rate_limit("github", "GET", None)
    assert seen == [0, 1, 2, 3] and not units.completed


def test_resume_position_applies_only_to_its_plan() -> None:
    state: dict[str, Any] = {}
    position = ResumePosition(state)
    assert position.load({"since": "2026-01-01"}) is None
    position.save({"since": "2026-01-01"}, {"after": "abc"})
    assert ResumePosition(state).load({"since": "2026-01-01"}) == {"after": "abc"}
    other = ResumePosition(state)
    assert other.load({"since": "2025-01-01"}) is None
    assert other.dropped == {"since": "2026-01-01"}
    assert not other.pending


def test_positions_of_removed_repositories_are_dropped_plainly(
    caplog: pytest.LogCaptureFixture,
) -> None:
    from pipelines.sources.github.plan import drop_removed_repos

    state: dict[str, Any] = {
        "resources": {
            "pr_comments__acme__api": {"resume": {"plan": {}, "position": {"from": "x"}}},
            "pr_comments__acme__old": {"resume": {"plan": {}, "position": {"from": "y"}}},
            "users": {"etags": {}},
        }
    }
    with caplog.at_level("WARNING"):
        dropped = drop_removed_repos(state, ["acme__api", "acme__new"])
    assert dropped == ["pr_comments__acme__old"]
    assert "resume" in state["resources"]["pr_comments__acme__api"]
    assert "resume" not in state["resources"]["pr_comments__acme__old"]
    assert "no longer in sources.github.repos" in caplog.text
