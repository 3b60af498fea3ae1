"""Reading the DuckDB warehouse for the summary: raw tables, the marts, and six questions the
marts answer (with their SQL), plus a plain-text table formatter."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import Any

import duckdb

DATASETS = ("linear", "github")
MARTS_DIR = Path(__file__).resolve().parents[1] / "dbt" / "models" / "marts"


@dataclass(frozen=True)
class Question:
    title: str
    sql: str


QUESTIONS = (
    Question(
        "How long do pull requests wait for their first review? (median, per repository)",
        """
select
    repo_full_name as repository,
    count(*) as pull_requests,
    count(first_reviewed_at) as reviewed,
    round(median(hours_to_first_review), 1) as median_hours_to_first_review
from github.fct_pull_requests
group by repo_full_name
order by repo_full_name
""",
    ),
    Question(
        "Where does PR time go, per repository? (median hours of each stage, merged PRs)",
        """
select
    repo_full_name as repository,
    count(*) as merged_prs,
    round(median(coding_hours), 1) as coding,
    round(median(pickup_hours), 1) as pickup,
    round(median(review_hours), 1) as review,
    round(median(merge_hours), 1) as merge,
    round(median(deploy_hours), 1) as deploy,
    round(median(lines_changed), 0) as median_lines
from github.fct_pull_requests
where is_merged
group by repo_full_name
order by repo_full_name
""",
    ),
    Question(
        "How long does a completed issue take from start to done? (median cycle time, per team)",
        """
select
    team_name as team,
    count(*) as completed_issues,
    round(median(cycle_time_hours), 1) as median_cycle_time_hours,
    round(median(cycle_time_hours) / 24, 1) as days
from linear.fct_issues
where is_completed
group by team_name
order by median_cycle_time_hours
""",
    ),
    Question(
        "Who ships? The people with the most merged pull requests linked to completed issues",
        """
select
    u.name as person,
    u.github_login,
    count(distinct pr.pull_request_id) as merged_prs,
    count(distinct i.issue_id) as completed_issues
from linear.bridge_issue_pull_requests as b
join github.fct_pull_requests as pr on pr.pull_request_id = b.pull_request_id
join linear.fct_issues as i on i.issue_id = b.issue_id
join linear.dim_users as u on u.user_key = pr.author_user_key
where pr.is_merged and i.is_completed
group by u.name, u.github_login
order by merged_prs desc, person
limit 5
""",
    ),
    Question(
        "DORA for the last 4 weeks: deploys, lead time, change failure rate, time to restore",
        """
select
    repo_full_name as repository,
    week_start,
    deployments,
    round(lead_time_for_changes_p50_hours, 1) as lead_time_p50_hours,
    round(change_failure_rate, 2) as change_failure_rate,
    round(time_to_restore_p50_hours, 1) as time_to_restore_p50_hours
from github.metrics_weekly_repository
where week_start > (select max(week_start) from github.metrics_weekly_repository) - 28
order by repository, week_start
""",
    ),
    Question(
        "Did the last cycles finish what they committed? (per team, its last 3 completed cycles)",
        """
select
    teams.team_key as team,
    cycles.cycle_number as cycle,
    cast(cycles.starts_at as date) as starts_on,
    cycles.committed_issues as committed,
    cycles.added_issues as added,
    cycles.removed_issues as removed,
    cycles.completed_issues as completed,
    cycles.carried_over_issues as carried_over,
    round(100 * cycles.completion_rate) as completed_pct
from linear.fct_cycles as cycles
left join linear.stg_linear__teams as teams
    on cycles.team_id = teams.team_id
where cycles.is_completed
qualify row_number() over (partition by cycles.team_id order by cycles.starts_at desc) <= 3
order by team, starts_on
""",
    ),
)


def connect(path: Path) -> duckdb.DuckDBPyConnection:
    """A read-only connection (the file must exist)."""
    return duckdb.connect(str(path), read_only=True)


def tables(con: duckdb.DuckDBPyConnection) -> dict[str, str]:
    """Every table and view of the source datasets: "dataset.name" -> "BASE TABLE" or "VIEW"."""
    rows = con.execute(
        "select table_schema, table_name, table_type from information_schema.tables "
        f"where table_schema in {DATASETS!r}"
    ).fetchall()
    return {f"{schema}.{name}": kind for schema, name, kind in rows}


def has_source_data(path: Path) -> bool:
    """Whether the file holds raw data of either source (False when it does not exist)."""
    if not path.exists():
        return False
    with connect(path) as con:
        found = tables(con)
    return any(name.split(".", 1)[1].startswith("raw_") for name in found)


def raw_counts(con: duckdb.DuckDBPyConnection) -> dict[str, int]:
    """Rows per raw table (child tables included): "linear.raw_issues" -> n."""
    names = sorted(n for n, kind in tables(con).items() if n.split(".", 1)[1].startswith("raw_"))
    return {name: _count(con, name) for name in names}


def mart_names() -> list[str]:
    """The marts: the models of dbt/models/marts."""
    return sorted(p.stem for p in MARTS_DIR.glob("*.sql"))


def mart_counts(con: duckdb.DuckDBPyConnection) -> dict[str, int | None]:
    """Rows per mart as "dataset.name" (None for a mart that was not built)."""
    found = {n.split(".", 1)[1]: n for n, kind in tables(con).items() if kind == "BASE TABLE"}
    return {
        found.get(mart, mart): _count(con, found[mart]) if mart in found else None
        for mart in mart_names()
    }


def answer(con: duckdb.DuckDBPyConnection, question: Question) -> tuple[list[str], list[tuple]]:
    """The question's column names and rows."""
    cursor = con.execute(question.sql)
    columns = [d[0] for d in cursor.description or []]
    return columns, cursor.fetchall()


def _count(con: duckdb.DuckDBPyConnection, name: str) -> int:
    schema, table = name.split(".", 1)
    row = con.execute(f'select count(*) from "{schema}"."{table}"').fetchone()
    return int(row[0]) if row else 0


def render_table(columns: Sequence[str], rows: Sequence[Sequence[Any]], indent: str) -> list[str]:
    """A plain-text table: text left-aligned, numbers right-aligned with separators."""
    cells = [[_cell(v) for v in row] for row in rows]
    numeric = [
        all(isinstance(row[i], int | float | Decimal) or row[i] is None for row in rows)
        for i in range(len(columns))
    ]
    widths = [max([len(c), *(len(r[i]) for r in cells)]) for i, c in enumerate(columns)]

    def line(values: Sequence[str]) -> str:
        parts = [
            v.rjust(w) if num else v.ljust(w)
            for v, w, num in zip(values, widths, numeric, strict=True)
        ]
        return (indent + "  ".join(parts)).rstrip()

    out = [line(columns), line(["-" * w for w in widths])]
    out += [line(row) for row in cells] or [indent + "(no rows)"]
    return out


def _cell(value: Any) -> str:
    if value is None:
        return "-"
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, int):
        return f"{value:,}"
    if isinstance(value, float | Decimal):
        return f"{value:,.1f}"
    return str(value)
