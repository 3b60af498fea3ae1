"""Assemble the report: the period, the tiles, every chart (or its "no data yet" panel, naming
what it waits for) with its question and SQL, and data freshness, in one self-contained HTML
page: inline SVG and CSS, no script, nothing fetched."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from html import escape
from pathlib import Path

from pipelines.reporting import views
from pipelines.reporting.charts import CHARTS, Chart, Window
from pipelines.reporting.dialect import timestamp_literal
from pipelines.reporting.freshness import SOURCES, Freshness, freshness
from pipelines.reporting.marts import DuckDbMarts, Marts, Row
from pipelines.reporting.page import page
from pipelines.reporting.tiles import Tile, dora_tiles, headline_tiles


def period_end(marts: Marts) -> datetime:
    """The Monday after the week of the latest merge or completion in the marts (so the report
    of an old warehouse still shows its last weeks); the next Monday from now without data."""
    d, latest = marts.dialect, []
    for relation, column in (
        ("github.fct_pull_requests", "merged_at"),
        ("linear.fct_issues", "completed_at"),
    ):
        rows = marts.rows(f"select max({column}) as latest from {d.table(relation)}")
        if rows and rows[0]["latest"]:
            latest.append(datetime.fromisoformat(str(rows[0]["latest"]).replace("Z", "+00:00")))
    anchor = max(latest) if latest else datetime.now(UTC)
    anchor = anchor if anchor.tzinfo else anchor.replace(tzinfo=UTC)
    monday = anchor.astimezone(UTC).replace(hour=0, minute=0, second=0, microsecond=0)
    return monday - timedelta(days=monday.weekday()) + timedelta(days=7)


def window_of(end: datetime, weeks: int) -> Window:
    return Window(
        since=timestamp_literal(end - timedelta(weeks=weeks)), until=timestamp_literal(end)
    )


def has_values(row: Row) -> bool:
    """Whether a row carries any number (a row of nulls draws nothing)."""
    return any(isinstance(v, int | float) and not isinstance(v, bool) for v in row.values())


def chart_panel(chart: Chart, rows: list[Row] | None, sql: str, weeks: list[str]) -> str:
    """The chart's section: question, SVG or a "no data yet" panel, and its SQL (collapsed)."""
    drawn = [row for row in rows or [] if has_values(row)]
    if drawn:
        body, state = views.svg(views.with_weeks(chart.view(drawn), weeks)), "drawn"
    else:
        why = "is not in the warehouse yet" if rows is None else "has no rows for this period"
        body = (
            f'<p class="no-data">No data yet: this chart waits for {escape(chart.needs)}, '
            f"which {why}.</p>"
        )
        state = "no-data"
    return (
        f'<section class="chart" data-chart="{chart.key}" data-state="{state}">'
        f"<h3>{escape(chart.question)}</h3>{body}{sql_block(sql)}</section>"
    )


def sql_block(sql: str) -> str:
    return f"<details><summary>SQL</summary><pre>{escape(sql)}</pre></details>"


def tile_html(tile: Tile) -> str:
    band = (
        f'<span class="band band-{tile.band}">{tile.band}</span>' if tile.band is not None else ""
    )
    value = "" if tile.value is None else f"{tile.value:g}"
    return (
        f'<div class="tile" data-tile="{tile.key}" data-value="{value}">'
        f'<div class="label">{escape(tile.label)}</div>'
        f'<div class="value">{escape(tile.text)}</div>{band}{sql_block(tile.sql)}</div>'
    )


def dora_section(tiles: list[Tile] | None) -> str:
    if tiles is None:
        body = (
            '<p class="no-data" data-chart="dora" data-state="no-data">No data yet: the DORA '
            "tiles wait for github.fct_deployments with deployments in this period (set "
            "<code>sources.github.deployments</code> to record them).</p>"
        )
    else:
        body = '<div class="tiles">' + "".join(map(tile_html, tiles)) + "</div>"
    return f"<h2>DORA</h2>{body}"


def freshness_section(sources: list[Freshness]) -> str:
    rows = []
    for item in sources:
        backfill = f"yes: {escape(', '.join(item.backfilling))}" if item.backfilling else "no"
        rows.append(
            f'<tr data-source="{item.source}"><td>{item.source}</td>'
            f"<td>{escape(item.last_loaded_at or 'never')}</td><td>{item.loads}</td>"
            f"<td>{backfill}</td></tr>"
        )
    return (
        "<h2>Data freshness</h2><table><tr><th>source</th><th>last completed load (UTC)</th>"
        "<th>loads</th><th>backfill in progress</th></tr>"
        + "".join(rows)
        + f"</table>{sql_block(sources[0].sql) if sources else ''}"
    )


def build_html(marts: Marts, weeks: int = 12) -> str:
    """The report's HTML for the marts in `marts`."""
    end = period_end(marts)
    window = window_of(end, weeks)
    start = end - timedelta(weeks=weeks)
    mondays = [(start + timedelta(weeks=n)).date().isoformat() for n in range(weeks)]
    sections: dict[str, list[str]] = {}
    for chart in CHARTS:
        sql = chart.sql(marts.dialect, window)
        panel = chart_panel(chart, marts.rows(sql), sql, mondays)
        sections.setdefault(chart.section, []).append(panel)
    body = [
        '<div class="tiles">' + "".join(map(tile_html, headline_tiles(marts, window))) + "</div>",
        dora_section(dora_tiles(marts, window, days=weeks * 7)),
        *(f"<h2>{escape(name)}</h2>" + "".join(parts) for name, parts in sections.items()),
        freshness_section([freshness(marts, source) for source in SOURCES]),
    ]
    subtitle = (
        f"{weeks} weeks from {start:%Y-%m-%d} to {end - timedelta(days=1):%Y-%m-%d} "
        f"(UTC; ending with the week of the latest activity), read from {marts.dialect.name}"
    )
    return page("Engineering metrics", subtitle, "".join(body))


def render_report(source: Path | Marts, out: Path, weeks: int = 12) -> Path:
    """Write the report for the marts in `source` (a DuckDB file, or an open `Marts`) to `out`."""
    marts = DuckDbMarts(source) if isinstance(source, Path) else source
    try:
        html = build_html(marts, weeks)
    finally:
        if isinstance(source, Path):
            marts.close()
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(html, encoding="utf-8")
    return out
