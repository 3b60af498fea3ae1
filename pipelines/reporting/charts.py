"""The report's charts: each one question, the SQL that answers it (written once for DuckDB and
BigQuery through `Dialect`), what it waits for when there is no data, and its Vega-Lite view."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from pipelines.reporting import views
from pipelines.reporting.dialect import Dialect

Spec = dict[str, Any]


@dataclass(frozen=True)
class Window:
    """The report's period: `since` and `until` as SQL timestamp literals."""

    since: str
    until: str


@dataclass(frozen=True)
class Chart:
    """One chart: its section, question, SQL, the marts it reads and how it is drawn."""

    key: str
    section: str
    question: str
    needs: str
    sql: Callable[[Dialect, Window], str]
    view: Callable[[list[dict[str, Any]]], Spec]


def _prs_merged(d: Dialect, w: Window) -> str:
    return f"""select {d.week("merged_at")} as week_start, count(*) as prs_merged
from {d.table("github.fct_pull_requests")}
where merged_at >= {w.since} and merged_at < {w.until}
group by 1
order by 1"""


def _issues_completed(d: Dialect, w: Window) -> str:
    return f"""select {d.week("completed_at")} as week_start,
    coalesce(team_key, '(no team)') as team_key,
    count(*) as issues_completed
from {d.table("linear.fct_issues")}
where completed_at >= {w.since} and completed_at < {w.until}
group by 1, 2
order by 1, 2"""


def _cycle_time(d: Dialect, w: Window) -> str:
    return f"""select {d.week("completed_at")} as week_start,
    {d.percentile("cycle_time_hours", 0.5)} as p50_hours,
    {d.percentile("cycle_time_hours", 0.85)} as p85_hours
from {d.table("linear.fct_issues")}
where completed_at >= {w.since} and completed_at < {w.until}
    and cycle_time_hours is not null
group by 1
order by 1"""


def _pr_stages(d: Dialect, w: Window) -> str:
    return f"""select repo_full_name,
    {d.percentile("coding_hours", 0.5)} as coding,
    {d.percentile("pickup_hours", 0.5)} as pickup,
    {d.percentile("review_hours", 0.5)} as review,
    {d.percentile("merge_hours", 0.5)} as merge
from {d.table("github.fct_pull_requests")}
where merged_at >= {w.since} and merged_at < {w.until}
group by 1
order by 1"""


def _reviews_per_reviewer(d: Dialect, w: Window) -> str:
    return f"""with reviews as (
    select reviewer_login, {d.week("submitted_at")} as week_start
    from {d.table("github.stg_github__pr_reviews")}
    where submitted_at >= {w.since} and submitted_at < {w.until}
        and coalesce(reviewer_type, 'User') != 'Bot'
),

top_reviewers as (
    select reviewer_login, count(*) as total
    from reviews
    group by 1
    order by 2 desc, 1
    limit 12
)

select reviews.week_start, reviews.reviewer_login, count(*) as reviews
from reviews
inner join top_reviewers
    on reviews.reviewer_login = top_reviewers.reviewer_login
group by 1, 2
order by 1, 2"""


def _first_review(d: Dialect, w: Window) -> str:
    return f"""select repo_full_name,
    {d.percentile("hours_to_first_review", 0.5)} as p50_hours,
    {d.percentile("hours_to_first_review", 0.85)} as p85_hours
from {d.table("github.fct_pull_requests")}
where created_at >= {w.since} and created_at < {w.until}
    and hours_to_first_review is not null
group by 1
order by 1"""


def _time_in_state(d: Dialect, w: Window) -> str:
    return f"""with teams as (
    select distinct issue_id, coalesce(team_key, '(no team)') as team_key
    from {d.table("linear.fct_issues")}
)

select teams.team_key, spans.state_type,
    sum(spans.hours) / count(distinct spans.issue_id) as hours_per_issue
from {d.table("linear.fct_issue_state_spans")} as spans
left join teams
    on spans.issue_id = teams.issue_id
where spans.started_at >= {w.since} and spans.started_at < {w.until}
group by 1, 2
order by 1, 2"""


def _cycles(d: Dialect, w: Window) -> str:
    return f"""with teams as (
    select distinct team_id, team_key
    from {d.table("linear.fct_issues")}
),

last_cycles as (
    select cycle_id, team_id, starts_at, committed_issues, completed_issues,
        carried_over_issues
    from {d.table("linear.fct_cycles")}
    where ends_at <= {w.until}
    order by ends_at desc
    limit 8
)

select coalesce(teams.team_key, '?') as team_key,
    {d.day("last_cycles.starts_at")} as starts_on, last_cycles.committed_issues as committed,
    last_cycles.completed_issues as completed, last_cycles.carried_over_issues as carried_over
from last_cycles
left join teams
    on last_cycles.team_id = teams.team_id
order by last_cycles.starts_at, 1"""


CHARTS = [
    Chart(
        "prs_merged",
        "Delivery",
        "How many pull requests were merged each week?",
        "github.fct_pull_requests",
        _prs_merged,
        lambda rows: views.bars(rows, "week_start", "prs_merged", "pull requests merged"),
    ),
    Chart(
        "issues_completed",
        "Delivery",
        "How many Linear issues did each team complete each week?",
        "linear.fct_issues",
        _issues_completed,
        lambda rows: views.bars(
            rows, "week_start", "issues_completed", "issues completed", color="team_key"
        ),
    ),
    Chart(
        "cycle_time",
        "Delivery",
        "How long do issues take from started to completed (p50 and p85, by week completed)?",
        "linear.fct_issues (cycle_time_hours)",
        _cycle_time,
        lambda rows: views.lines(rows, "week_start", ["p50_hours", "p85_hours"], "hours"),
    ),
    Chart(
        "pr_stages",
        "Where pull request time goes",
        "Where does a merged pull request's time go: coding, pickup, review, merge (median hours)?",
        "github.fct_pull_requests (coding_hours, pickup_hours, review_hours, merge_hours)",
        _pr_stages,
        lambda rows: views.stacked(
            rows, "repo_full_name", ["coding", "pickup", "review", "merge"], "median hours"
        ),
    ),
    Chart(
        "reviews_per_reviewer",
        "Review load",
        "Who reviews how much each week (the 12 busiest reviewers, bots left out)?",
        "github.stg_github__pr_reviews",
        _reviews_per_reviewer,
        lambda rows: views.heatmap(rows, "week_start", "reviewer_login", "reviews"),
    ),
    Chart(
        "first_review",
        "Review load",
        "How long does a pull request wait for its first review, per repository (p50, p85)?",
        "github.fct_pull_requests (hours_to_first_review)",
        _first_review,
        lambda rows: views.grouped(rows, "repo_full_name", ["p50_hours", "p85_hours"], "hours"),
    ),
    Chart(
        "time_in_state",
        "Linear",
        "How long does an issue spend in each state type, per team (hours per issue)?",
        "linear.fct_issue_state_spans",
        _time_in_state,
        lambda rows: views.stacked_long(rows, "team_key", "state_type", "hours_per_issue"),
    ),
    Chart(
        "cycles",
        "Linear",
        "Did the last cycles finish what they took on (committed, completed, carried over)?",
        "linear.fct_cycles",
        _cycles,
        lambda rows: views.grouped(
            [{**row, "cycle": f"{row['team_key']} {row['starts_on']}"} for row in rows],
            "cycle",
            ["committed", "completed", "carried_over"],
            "issues",
        ),
    ),
]
