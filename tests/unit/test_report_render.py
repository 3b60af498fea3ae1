"""The report renders charts from mart tables and degrades to "no data yet" where one is missing."""

from __future__ import annotations

from pathlib import Path

import duckdb

from pipelines.reporting.render import render_report


def test_report_draws_present_marts_and_degrades_missing_ones(tmp_path: Path) -> None:
    db = tmp_path / "w.duckdb"
    with duckdb.connect(str(db)) as con:
        con.execute("create schema github; create schema linear")
        con.execute(
            "create table github.fct_pull_requests as select "
            "timestamp '2026-11-02 10:00' + interval (i) day as merged_at from range(14) t(i)"
        )
    html = render_report(db, tmp_path / "r.html", weeks=4).read_text()
    assert html.count("<svg") == 1
    assert html.count("No data yet") == 2
    assert "linear.fct_issues" in html
    assert "http" not in html
