"""The report renders charts from mart tables and degrades to "no data yet" where one is missing."""

from __future__ import annotations

import re
from pathlib import Path

import duckdb

from pipelines.reporting.charts import CHARTS
from pipelines.reporting.render import render_report


def make_marts(db: Path) -> None:
    """Two weeks of merged pull requests in two repositories; no Linear marts at all."""
    with duckdb.connect(str(db)) as con:
        con.execute("create schema github; create schema linear")
        con.execute(
            "create table github.fct_pull_requests as select "
            "case when i % 2 = 0 then 'acme/api' else 'acme/web' end as repo_full_name, "
            "timestamptz '2026-11-02 10:00:00+00' + interval (i) day as created_at, "
            "timestamptz '2026-11-03 10:00:00+00' + interval (i) day as merged_at, "
            "cast(i as double) as hours_to_first_review from range(14) t(i)"
        )


def test_report_draws_present_marts_and_degrades_missing_ones(tmp_path: Path) -> None:
    db = tmp_path / "w.duckdb"
    make_marts(db)
    html = render_report(db, tmp_path / "r.html", weeks=4).read_text()
    states = dict(re.findall(r'data-chart="(\w+)" data-state="([\w-]+)"', html))
    assert set(states) == {chart.key for chart in CHARTS} | {"dora"}
    assert {k for k, v in states.items() if v == "drawn"} == {"prs_merged", "first_review"}
    assert html.count("<svg") == 2
    assert "this chart waits for linear.fct_issues, which is not in the warehouse yet" in html
    assert "github.fct_deployments" in html  # the DORA panel says what it waits for
    # The period ends with the week of the latest merge (2026-11-16), not today.
    assert "4 weeks from 2026-10-26 to 2026-11-22" in html
    assert 'data-tile="prs_merged" data-value="14"' in html
    assert 'data-tile="issues_completed" data-value=""' in html
    # Self-contained: no script, nothing fetched (the only URLs are SVG's namespace).
    assert "<script" not in html
    urls = set(re.findall(r"https?://[^\s\"'<>)]+", html))
    assert urls <= {"http://www.w3.org/2000/svg", "http://www.w3.org/1999/xlink"}


def test_a_column_of_nulls_is_no_data(tmp_path: Path) -> None:
    db = tmp_path / "w.duckdb"
    make_marts(db)
    with duckdb.connect(str(db)) as con:
        con.execute(
            "alter table github.fct_pull_requests add column coding_hours double; "
            "alter table github.fct_pull_requests add column pickup_hours double; "
            "alter table github.fct_pull_requests add column review_hours double; "
            "alter table github.fct_pull_requests add column merge_hours double"
        )
    html = render_report(db, tmp_path / "r.html", weeks=4).read_text()
    assert 'data-chart="pr_stages" data-state="no-data"' in html
    assert "has no rows for this period" in html


def add_contract_marts(db: Path) -> None:
    """The marts and columns other issues add, as the contract names them, with a few rows."""
    with duckdb.connect(str(db)) as con:
        con.execute(
            "create or replace table github.fct_pull_requests as select *, "
            "hours_to_first_review as coding_hours, 2.0 as pickup_hours, 3.0 as review_hours, "
            "0.5 as merge_hours from github.fct_pull_requests"
        )
        con.execute(
            "create table linear.fct_issues as select 'i' || i as issue_id, "
            "'t' || (i % 2) as team_id, "
            "case when i % 2 = 0 then 'ENG' else 'OPS' end as team_key, "
            "timestamptz '2026-11-04 09:00:00+00' + interval (i) day as completed_at, "
            "10.0 * i as cycle_time_hours from range(10) t(i)"
        )
        con.execute(
            "create table linear.fct_issue_state_spans as select 'i' || (i % 10) as issue_id, "
            "'s' as state_id, case when i < 10 then 'started' else 'unstarted' end "
            "as state_type, timestamptz '2026-11-03 09:00:00+00' as started_at, "
            "null::timestamptz as ended_at, 5.0 as hours, false as is_current from range(20) t(i)"
        )
        con.execute(
            "create table linear.fct_cycles as select 'c' || i as cycle_id, 't1' as team_id, "
            "timestamptz '2026-10-05 00:00:00+00' + interval (14 * i) day as starts_at, "
            "timestamptz '2026-10-19 00:00:00+00' + interval (14 * i) day as ends_at, "
            "10 as committed_issues, 2 as added_issues, 1 as removed_issues, "
            "7 as completed_issues, 3 as carried_over_issues, 0.7 as completion_rate "
            "from range(3) t(i)"
        )
        con.execute(
            "create table github.fct_deployments as select 'd' || i as deployment_id, "
            "'acme/api' as repo_full_name, 'production' as environment, "
            "timestamptz '2026-11-02 12:00:00+00' + interval (i) day as deployed_at, "
            "'abc' as sha, 1 as pull_request_count, i % 5 = 0 as is_failure, "
            "timestamptz '2026-11-02 14:00:00+00' + interval (i) day as restored_at "
            "from range(14) t(i)"
        )
        con.execute(
            "create table github.stg_github__pr_reviews as select 'r' || (i % 3) as "
            "reviewer_login, case when i = 0 then 'Bot' else 'User' end as reviewer_type, "
            "timestamptz '2026-11-02 12:00:00+00' + interval (i) day as submitted_at "
            "from range(9) t(i)"
        )
        con.execute(
            "create table github.metrics_weekly_repository as select 'acme/api' as "
            "repo_full_name, cast(date '2026-11-02' + interval (7 * i) day as date) as week_start, "
            "3 as prs_merged, "
            "20.0 + i as lead_time_for_changes_p50_hours, 7 as deployments from range(2) t(i)"
        )


def test_every_chart_draws_from_the_contracts_marts(tmp_path: Path) -> None:
    db = tmp_path / "w.duckdb"
    make_marts(db)
    add_contract_marts(db)
    html = render_report(db, tmp_path / "r.html", weeks=4).read_text()
    states = dict(re.findall(r'data-chart="(\w+)" data-state="([\w-]+)"', html))
    assert states == {chart.key: "drawn" for chart in CHARTS}
    assert html.count("<svg") == len(CHARTS)
    tiles = dict(re.findall(r'data-tile="(\w+)" data-value="([^"]*)"', html))
    # 14 deployments in 4 weeks; 3 of 14 failed (days 0, 5, 10), each restored in 2 hours;
    # the median of the weekly lead times 20 and 21.
    assert tiles["deployment_frequency"] == "3.5"
    assert tiles["change_failure_rate"] == "21.4"
    assert tiles["time_to_restore"] == "2"
    assert tiles["lead_time"] == "20.5"
    assert tiles["issues_completed"] == "10"
    assert 'band band-high">high' in html  # 3.5 a week: between daily and weekly


def test_time_to_restore_counts_from_the_failure_where_the_mart_has_it(tmp_path: Path) -> None:
    db = tmp_path / "w.duckdb"
    make_marts(db)
    add_contract_marts(db)
    with duckdb.connect(str(db)) as con:
        con.execute("alter table github.fct_deployments add column hours_to_restore double")
        con.execute("update github.fct_deployments set hours_to_restore = 0.5 where is_failure")
    html = render_report(db, tmp_path / "r.html", weeks=4).read_text()
    assert 'data-tile="time_to_restore" data-value="0.5"' in html
    assert "quantile_cont(hours_to_restore, 0.5)" in html
