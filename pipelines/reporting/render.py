"""Run each chart's SQL on DuckDB and render one self-contained HTML page (inline SVG, no
scripts, nothing fetched)."""

from __future__ import annotations

from html import escape
from pathlib import Path

import duckdb

from pipelines.reporting.charts import CHARTS, Chart

Rows = list[tuple[object, float]]


def fetch(connection: duckdb.DuckDBPyConnection, chart: Chart, weeks: int) -> Rows | None:
    """The chart's rows, oldest first; None when the relation or a column is missing."""
    try:
        rows = connection.execute(chart.sql.format(weeks=int(weeks))).fetchall()
    except (duckdb.CatalogException, duckdb.BinderException):  # missing relation or column
        return None
    return [(label, float(value or 0)) for label, value in reversed(rows)]


def bar_svg(rows: Rows) -> str:
    """A plain bar chart with one labelled bar per row."""
    width, height, bar = 40 * len(rows) + 20, 180, 30
    top = max(value for _, value in rows) or 1
    parts = [f'<svg width="{width}" height="{height + 40}" role="img">']
    for index, (label, value) in enumerate(rows):
        h = value / top * height
        x = 10 + 40 * index
        parts.append(
            f'<rect x="{x}" y="{height - h:.1f}" width="{bar}" height="{h:.1f}" fill="#4c78a8">'
            f"<title>{escape(str(label))}: {value:g}</title></rect>"
            f'<text x="{x + bar / 2}" y="{height + 14}" font-size="9" text-anchor="middle">'
            f"{value:g}</text>"
        )
    parts.append("</svg>")
    return "".join(parts)


def panel(chart: Chart, rows: Rows | None) -> str:
    """The chart's section: question, chart or a "no data yet" note, and its SQL."""
    body = (
        bar_svg(rows)
        if rows
        else f'<p class="no-data">No data yet: this chart needs {escape(chart.needs)}.</p>'
    )
    return (
        f"<section><h2>{escape(chart.question)}</h2>{body}"
        f"<details><summary>SQL</summary><pre>{escape(chart.sql)}</pre></details></section>"
    )


def render_report(duckdb_file: Path, out: Path, weeks: int = 12) -> Path:
    """Write the report for the marts in `duckdb_file` to `out`."""
    with duckdb.connect(str(duckdb_file), read_only=True) as connection:
        sections = [panel(chart, fetch(connection, chart, weeks)) for chart in CHARTS]
    html = (
        '<!doctype html><html><head><meta charset="utf-8"><title>Engineering metrics</title>'
        "<style>body{font-family:sans-serif;margin:2em}section{margin-bottom:2em}"
        ".no-data{color:#888}</style></head><body><h1>Engineering metrics</h1>"
        + "".join(sections)
        + "</body></html>"
    )
    out.write_text(html, encoding="utf-8")
    return out
