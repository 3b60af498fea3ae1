"""The report's number tiles: the period's headline figures and the four DORA metrics, each
DORA figure with its performance band (the bands of Google's State of DevOps report 2023)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from pipelines.reporting.charts import Window
from pipelines.reporting.dialect import Dialect
from pipelines.reporting.marts import Marts

HOURS_PER_DAY, HOURS_PER_WEEK, HOURS_PER_MONTH = 24.0, 168.0, 730.0


@dataclass(frozen=True)
class Tile:
    """One number: its key (for tests), label, value text, band (DORA only) and its SQL."""

    key: str
    label: str
    value: float | None
    unit: str
    sql: str
    band: str | None = None

    @property
    def text(self) -> str:
        if self.value is None:
            return "no data yet"
        if self.unit == "%":
            return f"{self.value:.1f} %"
        if float(self.value).is_integer():
            return f"{int(self.value):,} {self.unit}".strip()
        return f"{self.value:,.1f} {self.unit}".strip()


def deployment_frequency_band(per_day: float) -> str:
    """Elite: on demand (daily or more); high: daily to weekly; medium: weekly to monthly."""
    if per_day >= 1:
        return "elite"
    if per_day >= 1 / 7:
        return "high"
    if per_day >= 1 / 30:
        return "medium"
    return "low"


def lead_time_band(hours: float) -> str:
    """Elite: under a day; high: a day to a week; medium: a week to a month; else low."""
    return _duration_band(hours, (HOURS_PER_DAY, HOURS_PER_WEEK, HOURS_PER_MONTH))


def time_to_restore_band(hours: float) -> str:
    """Elite: under an hour; high: under a day; medium: a day to a week; else low."""
    return _duration_band(hours, (1.0, HOURS_PER_DAY, HOURS_PER_WEEK))


def change_failure_band(percent: float) -> str:
    """Elite: 5 % or less; high: 10 % or less; medium: 15 % or less; else low."""
    for band, limit in (("elite", 5.0), ("high", 10.0), ("medium", 15.0)):
        if percent <= limit:
            return band
    return "low"


def _duration_band(value: float, limits: tuple[float, float, float]) -> str:
    for band, limit in zip(("elite", "high", "medium"), limits, strict=True):
        if value < limit:
            return band
    return "low"


def _band(rule: Callable[[float], str], value: float | None) -> str | None:
    return None if value is None else rule(value)


def _one(marts: Marts, sql: str) -> float | None:
    rows = marts.rows(sql)
    if not rows:
        return None
    value = next(iter(rows[0].values()))
    return None if value is None else float(value)


def headline_tiles(marts: Marts, window: Window) -> list[Tile]:
    """Pull requests merged, issues completed, median cycle time, median time to first review."""
    d, w = marts.dialect, window
    queries = [
        (
            "prs_merged",
            "pull requests merged",
            "",
            f"select count(*) as prs_merged from {d.table('github.fct_pull_requests')}\n"
            f"where merged_at >= {w.since} and merged_at < {w.until}",
        ),
        (
            "issues_completed",
            "issues completed",
            "",
            f"select count(*) as issues_completed from {d.table('linear.fct_issues')}\n"
            f"where completed_at >= {w.since} and completed_at < {w.until}",
        ),
        (
            "cycle_time_p50",
            "median cycle time",
            "h",
            f"select {d.percentile('cycle_time_hours', 0.5)} as p50_hours\n"
            f"from {d.table('linear.fct_issues')}\n"
            f"where completed_at >= {w.since} and completed_at < {w.until}",
        ),
        (
            "first_review_p50",
            "median wait for a first review",
            "h",
            f"select {d.percentile('hours_to_first_review', 0.5)} as p50_hours\n"
            f"from {d.table('github.fct_pull_requests')}\n"
            f"where created_at >= {w.since} and created_at < {w.until}",
        ),
    ]
    return [
        Tile(key, label, _rounded(_one(marts, sql)), unit, sql) for key, label, unit, sql in queries
    ]


def _rounded(value: float | None) -> float | None:
    return None if value is None else round(value, 1)


def dora_sql(d: Dialect, w: Window) -> dict[str, str]:
    """Each DORA figure's SQL over `github.fct_deployments` / `metrics_weekly_repository`."""
    deployments = d.table("github.fct_deployments")
    period = f"deployed_at >= {w.since} and deployed_at < {w.until}"
    restore = d.hours_between("deployed_at", "restored_at")
    return {
        "deployments": f"select count(*) as deployments from {deployments}\nwhere {period}",
        "lead_time": (
            f"select {d.percentile('lead_time_for_changes_p50_hours', 0.5)} as p50_hours\n"
            f"from {d.table('github.metrics_weekly_repository')}\n"
            f"where week_start >= {d.day(w.since)} and week_start < {d.day(w.until)}"
        ),
        "change_failure_rate": (
            "select 100.0 * sum(case when is_failure then 1 else 0 end) / count(*) as percent\n"
            f"from {deployments}\nwhere {period}"
        ),
        # From the failure (`hours_to_restore`: failed_at -> restored_at) where the mart has
        # it, else from the failed deployment itself (the contract's `restored_at` only).
        "time_to_restore": (
            f"select {d.percentile('hours_to_restore', 0.5)} as p50_hours\n"
            f"from {deployments}\nwhere {period} and is_failure"
        ),
        "time_to_restore_from_deploy": (
            f"select {d.percentile(restore, 0.5)} as p50_hours\n"
            f"from {deployments}\nwhere {period} and is_failure and restored_at is not null"
        ),
    }


def dora_tiles(marts: Marts, window: Window, days: int) -> list[Tile] | None:
    """The four DORA tiles; None when no deployments are recorded (none configured, or the
    mart is not there yet)."""
    sql = dora_sql(marts.dialect, window)
    deployments = _one(marts, sql["deployments"])
    if not deployments:
        return None
    per_day = deployments / days
    lead = _one(marts, sql["lead_time"])
    failures = _one(marts, sql["change_failure_rate"])
    restore_sql = sql["time_to_restore"]
    if marts.rows(restore_sql) is None:  # no hours_to_restore column
        restore_sql = sql["time_to_restore_from_deploy"]
    restore = _one(marts, restore_sql)
    return [
        Tile(
            "deployment_frequency",
            "deployment frequency",
            round(per_day * 7, 1),
            "per week",
            sql["deployments"],
            deployment_frequency_band(per_day),
        ),
        Tile(
            "lead_time",
            "lead time for changes (median)",
            _rounded(lead),
            "h",
            sql["lead_time"],
            _band(lead_time_band, lead),
        ),
        Tile(
            "change_failure_rate",
            "change failure rate",
            _rounded(failures),
            "%",
            sql["change_failure_rate"],
            _band(change_failure_band, failures),
        ),
        Tile(
            "time_to_restore",
            "time to restore (median)",
            _rounded(restore),
            "h",
            restore_sql,
            _band(time_to_restore_band, restore),
        ),
    ]
