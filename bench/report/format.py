"""Formatting the report's figures: Markdown tables, seconds, MiB, ratios, the runs table."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

MiB = 1024


def table(headers: Sequence[str], rows: Iterable[Sequence[Any]]) -> list[str]:
    """A Markdown table; numbers right-aligned."""
    rows = [[cell(v) for v in row] for row in rows]
    align = []
    for index in range(len(headers)):
        numeric = rows and all(_numeric(r[index]) for r in rows if r[index] not in ("", "–"))
        align.append("---:" if numeric else "---")
    lines = ["| " + " | ".join(headers) + " |", "|" + "|".join(align) + "|"]
    lines += ["| " + " | ".join(row) + " |" for row in rows]
    return lines


def cell(value: Any) -> str:
    if value is None:
        return "–"
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, int):
        return f"{value:,}"
    if isinstance(value, float):
        return f"{value:,.2f}"
    return str(value).replace("|", "\\|")


def _numeric(text: str) -> bool:
    stripped = text.replace(",", "").replace(".", "").replace("x", "").replace("+", "")
    return stripped.lstrip("-").isdigit()


def secs(value: float | None, digits: int = 2) -> str:
    return "–" if value is None else f"{value:,.{digits}f}"


def rate(value: float | None) -> str:
    return "–" if value is None else f"{value:,.0f}"


def mib(kib: int | float | None) -> str:
    return "–" if kib is None else f"{kib / MiB:,.0f}"


def ratio(value: float | None) -> str:
    return "–" if value is None else f"{value:,.2f}x"


def versus(actual: int | None, minimum: int | None) -> str:
    """ "at minimum", "+3 (+2.1%)" or "-1"."""
    if actual is None or minimum is None:
        return "–"
    extra = actual - minimum
    if extra == 0:
        return "at minimum"
    share = f" ({extra / minimum:+.1%})" if minimum else ""
    return f"{extra:+,}{share}"


def fig(value: Any) -> str:
    if value is None:
        return "–"
    if isinstance(value, int):
        return f"{value:,}"
    if isinstance(value, float):
        if abs(value) >= 1000:
            return f"{value:,.0f}"
        return f"{value:,.3f}" if abs(value) < 1 else f"{value:,.2f}"
    return str(value)


def div(a: float | None, b: float | None) -> float | None:
    return a / b if a is not None and b else None


def verdict(met: bool | None) -> str:
    return "–" if met is None else ("**met**" if met else "**missed**")


RUN_HEADERS = [
    "run",
    "exit",
    "wall s",
    "extract s",
    "normalize s",
    "load s",
    "outside stages s",
    "rows loaded",
    "extract rows/s",
    "normalize rows/s",
    "load rows/s",
    "peak RSS MiB",
    "CPU s",
]


def run_row(name: str, run: dict[str, Any]) -> list[Any]:
    stages = run.get("stage_seconds") or {}
    per_s = run.get("rows_per_second") or {}
    wall = run["wall_s"]
    outside = wall - sum(stages.values()) if stages else None
    return [
        name,
        run["returncode"],
        secs(wall),
        secs(stages.get("extract")),
        secs(stages.get("normalize")),
        secs(stages.get("load")),
        secs(outside),
        run.get("total_rows", 0),
        rate(per_s.get("extract")),
        rate(per_s.get("normalize")),
        rate(per_s.get("load")),
        mib(run["max_rss_kib"]),
        secs(run["cpu_user_s"] + run["cpu_sys_s"]),
    ]
