"""Linear history in the warehouse (issue 13): state spans and hours per state type, reopenings
and cycle changes against the sandbox's truth, on the shared dbt build (see conftest.py)."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from tests.dbt.dbt_support import DbtRun
from tests.support.linear_truth import as_of_ms, current_spans, hours_by_state_type, times_reopened

pytestmark = pytest.mark.xdist_group("dbt-warehouse")

STATE_TYPES = ("triage", "backlog", "unstarted", "started")


def naive_utc(ms: int | None) -> datetime | None:
    if ms is None:
        return None
    return datetime.fromtimestamp(ms / 1000, UTC).replace(tzinfo=None)


def test_fct_issue_state_spans_match_the_truth(dbt_run: DbtRun) -> None:
    truth = {s["id"]: s for s in dbt_run.truth.state_spans}
    as_of = as_of_ms(dbt_run.truth.linear["issues"], dbt_run.truth.state_spans)
    rows = dbt_run.records("select * from linear.fct_issue_state_spans")
    assert len(rows) == len(truth) > len(dbt_run.truth.linear["issues"])
    for row in rows:
        span = truth[row["issue_state_span_id"]]
        what = row["issue_state_span_id"]
        assert row["issue_id"] == span["issue_id"], what
        assert row["state_type"] == span["state_type"], what
        assert row["started_at"] == naive_utc(span["started_ms"]), what
        assert row["ended_at"] == naive_utc(span["ended_ms"]), what
        assert row["is_current"] == (span["ended_ms"] is None), what
        end = as_of if span["ended_ms"] is None else span["ended_ms"]
        expected = (end - span["started_ms"]) / 3_600_000
        assert row["hours"] == pytest.approx(expected, abs=1e-9), what
    # one open span per issue, in the issue's current state
    states = {i["id"]: i["state"]["id"] for i in dbt_run.truth.linear["issues"]}
    current = current_spans(dbt_run.truth.state_spans)
    assert set(current) == set(states)
    assert all(current[i]["state_id"] == states[i] for i in states)


def test_fct_issues_hours_in_each_state_type_match_the_truth(dbt_run: DbtRun) -> None:
    """Exact for every issue and state type; open spans run to the data's as-of time."""
    spans = dbt_run.truth.state_spans
    expected = hours_by_state_type(spans, as_of_ms(dbt_run.truth.linear["issues"], spans))
    rows = dbt_run.records("select * from linear.fct_issues")
    assert len(rows) == len(dbt_run.truth.linear["issues"])
    for row in rows:
        for state_type in STATE_TYPES:
            hours = expected[row["issue_id"]].get(state_type, 0.0)
            what = f"{row['issue_identifier']} hours_in_{state_type}"
            assert row[f"hours_in_{state_type}"] == pytest.approx(hours, abs=1e-9), what
    assert sum(r["hours_in_triage"] > 0 for r in rows) > 5
    assert sum(r["hours_in_started"] > 0 for r in rows) > 5


def test_fct_issues_times_reopened_match_the_truth(dbt_run: DbtRun) -> None:
    expected = times_reopened(dbt_run.truth.state_spans)
    actual = dict(dbt_run.query("select issue_id, times_reopened from linear.fct_issues"))
    assert actual == expected
    assert any(expected.values()), "the tiny company should reopen some issues"


def test_fct_issue_cycle_changes_match_the_history(dbt_run: DbtRun) -> None:
    expected = set()
    for entry in dbt_run.truth.history:
        before, after = entry["fromCycleId"], entry["toCycleId"]
        if before == after:
            continue
        if after is not None:
            expected.add((entry["id"], entry["issue_id"], after, "added"))
        if before is not None:
            expected.add((entry["id"], entry["issue_id"], before, "removed"))
    rows = dbt_run.query(
        "select split_part(issue_cycle_change_key, '|', 1), issue_id, cycle_id, change_type "
        "from linear.fct_issue_cycle_changes"
    )
    assert set(rows) == expected and len(rows) == len(expected)
    assert {"added", "removed"} <= {r[3] for r in rows}


def test_stg_linear__issue_label_changes_match_the_history(dbt_run: DbtRun) -> None:
    """Every label a history entry added or removed, one row each, as the sandbox recorded."""
    expected = set()
    for entry in dbt_run.truth.history:
        for key, change in (("addedLabelIds", "added"), ("removedLabelIds", "removed")):
            for label_id in entry.get(key) or []:
                expected.add((entry["id"], entry["issue_id"], label_id, change))
    rows = dbt_run.query(
        "select issue_history_id, issue_id, label_id, change_type "
        "from linear.stg_linear__issue_label_changes"
    )
    assert set(rows) == expected and len(rows) == len(expected)
    assert {"added", "removed"} <= {r[3] for r in rows}, "the tiny company should relabel issues"


def test_bridge_link_kinds_come_from_linear(dbt_run: DbtRun) -> None:
    """Attachments bring Linear's `linkKind`; branch and title links say nothing."""
    rows = dbt_run.records("select link_method, link_kind from linear.bridge_issue_pull_requests")
    by_method: dict[str, set[str | None]] = {}
    for row in rows:
        by_method.setdefault(row["link_method"], set()).add(row["link_kind"])
    assert by_method["linear_attachment"] <= {"closes", "contributes"}
    assert by_method["body_magic_word"] <= {"closes", "contributes"}
    assert by_method["branch_name"] <= {None, "closes", "contributes"}
