"""The Markdown report: machine and settings, headlines, the targets with their verdicts and
explanations, then one section per topic (Linear, GitHub, reconcile, dbt, lower bound, memory,
growth), each with its figures in tables for every size and latency, and the formulas behind every
"minimum" and "ideal".

One module per section computes the figures; the fixed explanations are in `templates/`
(Jinja, rendered by `bench.report.prose`), so figures and prose are edited apart.
"""

from __future__ import annotations

from typing import Any

from bench.report import github, linear, reconcile
from bench.report.figures import base_latency, sizes_of
from bench.report.format import secs, table
from bench.report.growth import growth, observations
from bench.report.header import header, headlines, method, warmup
from bench.report.storage import dbt, lower_bound, memory
from bench.report.targets import target_rows, targets
from bench.report_html import report_section
from bench.windows import section as windows_section

__all__ = ["base_latency", "render", "secs", "sizes_of", "table", "target_rows"]


def render(results: dict[str, Any]) -> str:
    lines: list[str] = []
    lines += header(results)
    lines += headlines(results)
    lines += targets(results)
    lines += method(results)
    if results.get("warmup"):
        lines += warmup(results["warmup"], results["settings"])
    lines += linear.section(results)
    lines += github.section(results)
    lines += windows_section(results)
    lines += reconcile.section(results)
    lines += dbt(results)
    lines += report_section(sizes_of(results))
    lines += lower_bound(results)
    lines += memory(results)
    lines += growth(results)
    lines += observations(results)
    return "\n".join(lines).rstrip() + "\n"
