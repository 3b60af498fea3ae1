"""The bench report's prose templates: wrapped paragraphs come out one Markdown line each, and
a figure a template names but is not given fails instead of printing nothing."""

from __future__ import annotations

import jinja2
import pytest

from bench.report.prose import prose, unwrap


def test_unwrap_joins_paragraphs_and_keeps_list_items_apart() -> None:
    text = """
    First paragraph,
      wrapped over lines.

    - an item
      continued
    - another item
    | a | table |
    """
    assert unwrap(text) == [
        "First paragraph, wrapped over lines.",
        "",
        "- an item continued",
        "- another item",
        "| a | table |",
    ]


def test_a_template_renders_its_figures_into_one_line() -> None:
    lines = prose("targets", "wall_remedy")
    assert len(lines) == 1 and lines[0].startswith("What would bring it closer")
    (line,) = prose("sources", "linear_rows_read", same_at_every_latency=False)
    assert line.endswith("Requests at every latency: **not the same** (see the JSON results).")


def test_a_missing_figure_fails() -> None:
    with pytest.raises(jinja2.UndefinedError):
        prose("header", "warmup")
