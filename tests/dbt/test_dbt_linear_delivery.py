"""Linear delivery marts (issue 14): `fct_cycles` and `metrics_weekly_team` against values
computed from the sandbox's truth (tests/support/cycle_truth.py), and issue delivery on
`fct_issues`, on the shared dbt build (see conftest.py)."""

from __future__ import annotations

import pytest

from tests.dbt.dbt_support import DbtRun
from tests.support.cycle_truth import expected_cycles, expected_weekly_team
from tests.support.delivery_truth import _at, expected_link_delivery
from tests.support.pr_stage_truth import expected_stages

pytestmark = pytest.mark.xdist_group("dbt-warehouse")

COUNTS = (
    "committed_issues",
    "added_issues",
    "removed_issues",
    "completed_issues",
    "carried_over_issues",
)


def test_fct_cycles_match_the_truth(dbt_run: DbtRun) -> None:
    linear = dbt_run.truth.linear
    expected = expected_cycles(linear["cycles"], linear["issues"], dbt_run.truth.history)
    rows = {r["cycle_id"]: r for r in dbt_run.records("select * from linear.fct_cycles")}
    assert set(rows) == set(expected)
    for cycle_id, want in expected.items():
        got = rows[cycle_id]
        assert {k: got[k] for k in COUNTS} == {k: want[k] for k in COUNTS}, cycle_id
        assert got["completion_rate"] == pytest.approx(want["completion_rate"]), cycle_id
    # The tiny company exercises every rule: issues completed within their cycle, and
    # unfinished ones rolled over to the next cycle when theirs completed (sandbox roll-over)
    for kind in COUNTS:
        assert sum(w[kind] or 0 for w in expected.values()) > 0, kind
    rolled = [e for e in dbt_run.truth.history if e["fromCycleId"] and e["toCycleId"]]
    assert rolled, "no issue rolled over to the next cycle"
    assert any(w["carried_over_issues"] is None for w in expected.values()), "a running cycle"


def test_metrics_weekly_team_match_the_truth(dbt_run: DbtRun) -> None:
    linear = dbt_run.truth.linear
    state_types = {s["id"]: s["type"] for s in linear["workflowStates"]}
    expected = expected_weekly_team(linear["issues"], state_types, dbt_run.truth.state_spans)
    rows = dbt_run.records("select * from linear.metrics_weekly_team")
    actual = {(r["team_id"], r["week_start"]): r for r in rows}
    assert len(actual) == len(rows)
    assert set(actual) == set(expected)
    for key, want in expected.items():
        got = actual[key]
        assert got["issues_completed"] == want["issues_completed"], key
        assert got["issues_in_progress"] == want["issues_in_progress"], key
        for column in ("cycle_time_p50_hours", "cycle_time_p85_hours"):
            if want[column] is None:
                assert got[column] is None, (key, column)
            else:
                assert got[column] == pytest.approx(want[column], abs=1e-6), (key, column)
    assert sum(w["issues_completed"] for w in expected.values()) > 0
    assert sum(w["issues_in_progress"] for w in expected.values()) > 0
    assert any(w["issues_completed"] == 0 for w in expected.values()), "quiet weeks are rows"


def test_fct_issues_follow_the_first_linked_pull_request(dbt_run: DbtRun) -> None:
    """Delivery steps come from the earliest-opened linked PR; gaps are differences of them."""
    rows = dbt_run.records(
        "select i.*, p.created_at as pr_created_at, p.first_commit_at as pr_first_commit_at, "
        "p.merged_at as pr_merged_at_truth from linear.fct_issues i "
        "left join github.stg_github__pull_requests p "
        "on i.first_pull_request_id = p.pull_request_id"
    )
    linked = [r for r in rows if r["linked_pull_request_count"] > 0]
    assert linked and len(linked) < len(rows)
    for row in rows:
        if row["linked_pull_request_count"] == 0:
            assert row["first_pull_request_id"] is None
            assert row["hours_pr_ready_to_merged"] is None
            continue
        assert row["pr_created_at"] == row["first_pull_request_opened_at"], row["issue_id"]
        assert row["first_commit_at"] == row["pr_first_commit_at"]
        assert row["pr_merged_at"] == row["pr_merged_at_truth"]
        if row["started_at"] and row["first_commit_at"]:
            hours = (row["first_commit_at"] - row["started_at"]).total_seconds() / 3600
            assert row["hours_started_to_first_commit"] == pytest.approx(hours, abs=1e-6)
        if row["pr_ready_at"] and row["pr_merged_at"]:
            hours = (row["pr_merged_at"] - row["pr_ready_at"]).total_seconds() / 3600
            assert row["hours_pr_ready_to_merged"] == pytest.approx(hours, abs=1e-6)
    assert any(r["hours_merged_to_completed"] is not None for r in linked)


LINK_TIMES = ("pr_opened_at", "first_commit_at", "pr_ready_at", "pr_merged_at")


def test_bridge_links_carry_the_truths_delivery_steps(dbt_run: DbtRun) -> None:
    """Every link of the bridge: its pull request's steps and the hours between them, from the
    sandbox's truth (which links exist is tested against the truth elsewhere)."""
    truth = dbt_run.truth
    rows = {
        (r["issue_id"], r["pull_request_id"]): r
        for r in dbt_run.records("select * from linear.bridge_issue_pull_requests")
    }
    stages = expected_stages(truth.github, truth.pull_history, truth.deployments)
    expected = expected_link_delivery(
        list(rows), truth.linear["issues"], truth.github["pull_requests"], stages
    )
    for key, want in expected.items():
        got = rows[key]
        for column, value in want.items():
            if column in LINK_TIMES:
                assert _at(got[column]) == value, (key, column)
            elif value is None:
                assert got[column] is None, (key, column)
            else:
                assert got[column] == pytest.approx(value, abs=1e-6), (key, column)
    wants = list(expected.values())
    assert any(w["hours_pr_ready_to_merged"] is not None for w in wants)
    assert any((w["hours_started_to_first_commit"] or 0) > 0 for w in wants)
    # an issue delivered by several pull requests shows each on its own link
    issues = [issue for issue, _ in expected]
    assert len(set(issues)) < len(issues)
