"""The report's SQL: one text per chart, spelled for DuckDB and for BigQuery, that both parse;
the DORA bands; reading a resume position out of a pipeline state."""

from __future__ import annotations

import pytest
import sqlglot

from pipelines.reporting.charts import CHARTS, Window
from pipelines.reporting.dialect import Dialect
from pipelines.reporting.freshness import resuming_resources
from pipelines.reporting.tiles import (
    Tile,
    change_failure_band,
    deployment_frequency_band,
    dora_sql,
    lead_time_band,
    time_to_restore_band,
)

WINDOW = Window("timestamp '2026-09-07 00:00:00'", "timestamp '2026-11-30 00:00:00'")
BIGQUERY = Dialect("bigquery", "proj")
DUCKDB = Dialect("duckdb")


def all_sql(dialect: Dialect) -> dict[str, str]:
    sql = {chart.key: chart.sql(dialect, WINDOW) for chart in CHARTS}
    sql.update(dora_sql(dialect, WINDOW))
    return sql


@pytest.mark.parametrize(("dialect", "read"), [(DUCKDB, "duckdb"), (BIGQUERY, "bigquery")])
def test_every_query_parses_in_its_dialect(dialect: Dialect, read: str) -> None:
    for key, sql in all_sql(dialect).items():
        sqlglot.parse_one(sql, read=read), key


def test_dialects_differ_only_where_they_must() -> None:
    duck, bq = all_sql(DUCKDB)["cycle_time"], all_sql(BIGQUERY)["cycle_time"]
    assert "quantile_cont(cycle_time_hours, 0.85)" in duck
    assert "approx_quantiles(cycle_time_hours, 100)[offset(85)]" in bq
    assert "date_trunc('week', completed_at)" in duck
    assert "extract(dayofweek from completed_at)" in bq
    assert "from linear.fct_issues" in duck
    assert "from `proj.linear.fct_issues`" in bq
    assert "quantile_cont" not in " ".join(all_sql(BIGQUERY).values())


@pytest.mark.parametrize(
    ("rule", "value", "band"),
    [
        (deployment_frequency_band, 3.0, "elite"),
        (deployment_frequency_band, 1.0, "elite"),
        (deployment_frequency_band, 0.5, "high"),
        (deployment_frequency_band, 1 / 7, "high"),
        (deployment_frequency_band, 0.1, "medium"),
        (deployment_frequency_band, 0.01, "low"),
        (lead_time_band, 5.0, "elite"),
        (lead_time_band, 30.0, "high"),
        (lead_time_band, 300.0, "medium"),
        (lead_time_band, 1000.0, "low"),
        (change_failure_band, 5.0, "elite"),
        (change_failure_band, 8.0, "high"),
        (change_failure_band, 15.0, "medium"),
        (change_failure_band, 40.0, "low"),
        (time_to_restore_band, 0.5, "elite"),
        (time_to_restore_band, 3.0, "high"),
        (time_to_restore_band, 48.0, "medium"),
        (time_to_restore_band, 400.0, "low"),
    ],
)
def test_dora_bands(rule, value: float, band: str) -> None:  # type: ignore[no-untyped-def]
    assert rule(value) == band


def test_tile_text() -> None:
    assert Tile("k", "l", 1234.0, "", "").text == "1,234"
    assert Tile("k", "l", 12.25, "h", "").text == "12.2 h"
    assert Tile("k", "l", 7.5, "%", "").text == "7.5 %"
    assert Tile("k", "l", None, "h", "").text == "no data yet"


def test_resume_positions_mean_a_backfill_in_progress() -> None:
    state = {
        "sources": {
            "github": {
                "resources": {
                    "pull_requests": {"resume": {"plan": {}, "position": {"page": 3}}},
                    "users": {"incremental": {}},
                    "reviews": {"resume": None},
                }
            }
        }
    }
    assert resuming_resources(state) == ["github.pull_requests"]
    assert resuming_resources({}) == []
