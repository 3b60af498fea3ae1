"""The demo's last step: the engineering-metrics report of the warehouse it just built."""

from __future__ import annotations

from pathlib import Path

from pipelines.reporting.render import render_report


def report_path(warehouse: Path) -> Path:
    """Where the demo writes its report: `report.html` beside the warehouse file."""
    return warehouse.with_name("report.html")


def write_report(warehouse: Path) -> Path:
    """Render the report of `warehouse` (12 weeks); its absolute path."""
    return render_report(warehouse, report_path(warehouse)).resolve()
