"""Vega-Lite views of query rows (bars, lines, stacks, a heatmap) and their static SVG.

The SVG is rendered here, by vl-convert (Vega's own renderer, bundled in a wheel): the report
carries no chart library, no script and no font, so it opens offline anywhere."""

from __future__ import annotations

import json
from typing import Any

import vl_convert

Rows = list[dict[str, Any]]
Spec = dict[str, Any]

WIDTH, HEIGHT = 620, 220
CONFIG = {
    "font": "sans-serif",
    "view": {"stroke": None},
    "axis": {"labelFontSize": 11, "titleFontSize": 11},
    "legend": {"labelFontSize": 11, "titleFontSize": 11, "orient": "bottom"},
}


def _base(rows: Rows, **spec: Any) -> Spec:
    return {
        "$schema": "https://vega.github.io/schema/vega-lite/v5.json",
        "data": {"values": rows},
        "width": WIDTH,
        "height": HEIGHT,
        "config": CONFIG,
        **spec,
    }


def _week(field: str) -> dict[str, Any]:
    return {
        "field": field,
        "type": "ordinal",
        "title": "week starting",
        "axis": {"labelAngle": -45},
    }


def bars(rows: Rows, x: str, y: str, title: str, color: str | None = None) -> Spec:
    """One bar per week (stacked by `color` when given)."""
    encoding: dict[str, Any] = {
        "x": _week(x),
        "y": {"field": y, "type": "quantitative", "title": title, "aggregate": "sum"},
        "tooltip": [{"field": x}, {"field": y}],
    }
    if color:
        encoding["color"] = {"field": color, "type": "nominal", "title": color.replace("_", " ")}
    return _base(rows, mark={"type": "bar"}, encoding=encoding)


def lines(rows: Rows, x: str, series: list[str], title: str) -> Spec:
    """One line per column in `series`, over weeks."""
    return _base(
        rows,
        transform=[{"fold": series, "as": ["series", "value"]}],
        mark={"type": "line", "point": True},
        encoding={
            "x": _week(x),
            "y": {"field": "value", "type": "quantitative", "title": title},
            "color": {"field": "series", "type": "nominal", "title": None},
        },
    )


def stacked(rows: Rows, y: str, parts: list[str], title: str) -> Spec:
    """A horizontal bar per `y`, stacked from the columns in `parts` (in that order)."""
    return _base(
        rows,
        height={"step": 22},
        transform=[
            {"fold": parts, "as": ["part", "value"]},
            {"calculate": f"indexof({json.dumps(parts)}, datum.part)", "as": "part_order"},
        ],
        mark={"type": "bar"},
        encoding={
            "y": {"field": y, "type": "nominal", "title": None},
            "x": {"field": "value", "type": "quantitative", "title": title},
            "color": {"field": "part", "type": "nominal", "title": None, "sort": parts},
            "order": {"field": "part_order", "type": "quantitative"},
        },
    )


def stacked_long(rows: Rows, y: str, color: str, x: str) -> Spec:
    """A horizontal bar per `y`, stacked by `color` (rows already long: one per part)."""
    return _base(
        rows,
        height={"step": 22},
        mark={"type": "bar"},
        encoding={
            "y": {"field": y, "type": "nominal", "title": None},
            "x": {"field": x, "type": "quantitative", "title": x.replace("_", " ")},
            "color": {"field": color, "type": "nominal", "title": color.replace("_", " ")},
        },
    )


def grouped(rows: Rows, y: str, parts: list[str], title: str) -> Spec:
    """Side by side horizontal bars per `y`, one per column in `parts`."""
    return _base(
        rows,
        height={"step": 12},
        transform=[{"fold": parts, "as": ["part", "value"]}],
        mark={"type": "bar"},
        encoding={
            "y": {"field": y, "type": "nominal", "title": None, "sort": None},
            "yOffset": {"field": "part", "sort": parts},
            "x": {"field": "value", "type": "quantitative", "title": title},
            "color": {"field": "part", "type": "nominal", "title": None, "sort": parts},
        },
    )


def heatmap(rows: Rows, x: str, y: str, value: str) -> Spec:
    """A cell per (`x` week, `y`), coloured by `value`."""
    return _base(
        rows,
        height={"step": 16},
        mark={"type": "rect"},
        encoding={
            "x": _week(x),
            "y": {"field": y, "type": "nominal", "title": None},
            "color": {"field": value, "type": "quantitative", "title": value},
        },
    )


def svg(spec: Spec) -> str:
    """The view drawn as static SVG."""
    return vl_convert.vegalite_to_svg(spec)


def with_weeks(spec: Spec, weeks: list[str]) -> Spec:
    """The view with every week of the period on its week axis, weeks without rows included."""
    x = spec.get("encoding", {}).get("x", {})
    if x.get("title") == "week starting":
        x["scale"] = {"domain": weeks}
    return spec
