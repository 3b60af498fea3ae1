"""The report of a real warehouse (the dbt tests' tiny company: both pipelines, then dbt),
written by the CLI and opened in headless Chromium with the network blocked: no console error,
no request, every chart drawn (or "no data yet" only where its mart or column is missing), and
the numbers in the tiles equal the marts' own.

Skipped, with the reason, where no Chromium is installed (`make browser` installs Debian's).
`REPORT_SCREENSHOT=docs/report.png` keeps the screenshot (the README's)."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path

import duckdb
import pytest

from pipelines.paths import REPO_ROOT
from pipelines.reporting.charts import CHARTS
from pipelines.reporting.marts import DuckDbMarts
from pipelines.reporting.render import period_end, window_of
from tests.dbt.dbt_support import DbtRun
from tests.support.chromium import find_chromium, visit

# The dbt tests' worker: it builds the shared warehouse once.
pytestmark = pytest.mark.xdist_group("dbt-warehouse")

WEEKS = 12
INSPECT = """JSON.stringify({
  charts: [...document.querySelectorAll('[data-chart]')].map(s => ({
    key: s.dataset.chart,
    state: s.dataset.state,
    marks: s.querySelectorAll('svg path, svg rect, svg line').length,
    width: s.querySelector('svg') ? s.querySelector('svg').getBoundingClientRect().width : 0,
  })),
  tiles: Object.fromEntries([...document.querySelectorAll('[data-tile]')].map(
    t => [t.dataset.tile, t.querySelector('.value').textContent])),
  tile_values: Object.fromEntries([...document.querySelectorAll('[data-tile]')].map(
    t => [t.dataset.tile, t.dataset.value])),
  freshness: Object.fromEntries([...document.querySelectorAll('[data-source]')].map(
    r => [r.dataset.source, [...r.querySelectorAll('td')].map(c => c.textContent)])),
})"""


def write_report(duckdb_file: Path, out: Path) -> None:
    """`python pipelines/report.py`, as a user runs it, on the warehouse."""
    env = {**os.environ, "DESTINATION__DUCKDB__CREDENTIALS": str(duckdb_file)}
    result = subprocess.run(
        [sys.executable, "pipelines/report.py", "--weeks", str(WEEKS), "--out", str(out)],
        cwd=REPO_ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    assert f"report written to {out.resolve()}" in result.stdout


def mart_count(dbt_run: DbtRun, relation: str, column: str) -> int:
    """Rows of `relation` with `column` in the report's weeks, counted here independently."""
    latest = max(
        dbt_run.query(f"select max({c}) from {r}")[0][0]
        for r, c in (
            ("github.fct_pull_requests", "merged_at"),
            ("linear.fct_issues", "completed_at"),
        )
    ).astimezone(UTC)
    monday = datetime(latest.year, latest.month, latest.day, tzinfo=UTC)
    end = monday - timedelta(days=monday.weekday()) + timedelta(weeks=1)
    start = end - timedelta(weeks=WEEKS)
    sql = f"select count(*) from {relation} where {column} >= ? and {column} < ?"
    with duckdb.connect(str(dbt_run.duckdb_file), read_only=True) as con:
        return int(con.execute(sql, [start, end]).fetchone()[0])


def test_report_opens_offline_and_draws_every_chart(dbt_run: DbtRun, tmp_path: Path) -> None:
    if find_chromium() is None:
        pytest.skip(
            "no chromium installed (`make browser` installs Debian's): browser test skipped"
        )
    report, screenshot = tmp_path / "report.html", tmp_path / "report.png"
    write_report(dbt_run.duckdb_file, report)

    page = visit(report, INSPECT, screenshot=screenshot)

    assert page.console_errors == []
    assert page.requests == []  # nothing fetched: no CDN, no font, no image
    assert screenshot.stat().st_size > 10_000
    if os.environ.get("REPORT_SCREENSHOT"):
        shutil.copyfile(screenshot, REPO_ROOT / os.environ["REPORT_SCREENSHOT"])
    found = json.loads(page.found)
    charts = {c["key"]: c for c in found["charts"]}
    # The shared warehouse records deployments: DORA shows its tiles, not the no-data panel.
    assert set(charts) == {chart.key for chart in CHARTS}
    marts = DuckDbMarts(dbt_run.duckdb_file)
    try:
        window = window_of(period_end(marts), WEEKS)
        deployments = marts.rows(
            "select count(*) as n from github.fct_deployments "
            f"where deployed_at >= {window.since} and deployed_at < {window.until}"
        )
        for chart in CHARTS:
            shown = charts[chart.key]
            if shown["state"] == "drawn":
                assert shown["marks"] > 0 and shown["width"] > 100, chart.key
            else:  # only where the mart (or a column) does not exist yet
                rows = marts.rows(chart.sql(marts.dialect, window))
                assert rows is None, f"{chart.key}: no data drawn though its mart answers {rows}"
    finally:
        marts.close()
    # Today's marts give these charts at least; the others join as their marts arrive.
    drawn = {key for key, c in charts.items() if c["state"] == "drawn"}
    assert {
        "prs_merged",
        "issues_completed",
        "cycle_time",
        "first_review",
        "pr_stages",
        "cycles",
    } <= drawn

    prs = mart_count(dbt_run, "github.fct_pull_requests", "merged_at")
    issues = mart_count(dbt_run, "linear.fct_issues", "completed_at")
    assert prs > 0 and issues > 0
    assert found["tiles"]["prs_merged"] == f"{prs:,}"
    assert found["tiles"]["issues_completed"] == f"{issues:,}"
    # DORA: deployment frequency is the period's deployments per week, as the mart counts them.
    assert deployments is not None and deployments[0]["n"] > 0
    per_week = round(deployments[0]["n"] / (WEEKS * 7) * 7, 1)
    assert float(found["tile_values"]["deployment_frequency"]) == per_week
    for key in ("lead_time", "change_failure_rate", "time_to_restore"):
        assert key in found["tiles"], key
    # Freshness: each source's last completed load as dlt recorded it; no backfill pending.
    for source in ("linear", "github"):
        loaded, loads = dbt_run.query(
            f"select max(inserted_at), count(*) from {source}._dlt_loads where status = 0"
        )[0]
        row = found["freshness"][source]
        assert row == [source, f"{loaded.astimezone(UTC):%Y-%m-%dT%H:%M:%SZ}", str(loads), "no"]
