"""The report's charts: each one question, the SQL that answers it, and what it needs."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Chart:
    """One chart: the question it answers, its SQL (label, value rows) and the relation it needs."""

    question: str
    sql: str
    needs: str


CHARTS = [
    Chart(
        question="How many pull requests were merged per week?",
        sql="""select cast(date_trunc('week', merged_at) as date) as label, count(*) as value
from github.fct_pull_requests
where merged_at is not null
group by 1
order by 1 desc
limit {weeks}""",
        needs="github.fct_pull_requests",
    ),
    Chart(
        question="How many issues were completed per week?",
        sql="""select cast(date_trunc('week', completed_at) as date) as label, count(*) as value
from linear.fct_issues
where completed_at is not null
group by 1
order by 1 desc
limit {weeks}""",
        needs="linear.fct_issues",
    ),
    Chart(
        question="How many deployments went out per week, per repository?",
        sql="""select cast(week_start as date) as label, sum(deployments) as value
from github.metrics_weekly_repository
group by 1
order by 1 desc
limit {weeks}""",
        needs="github.metrics_weekly_repository (column deployments)",
    ),
]
