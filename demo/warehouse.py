"""Reading the DuckDB warehouse for the summary: raw tables, the marts, the answers to the
demo's questions (demo/questions.py), plus a plain-text table formatter."""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal
from pathlib import Path
from typing import Any

import duckdb

from demo.questions import Question

DATASETS = ("linear", "github")
MARTS_DIR = Path(__file__).resolve().parents[1] / "dbt" / "models" / "marts"


def connect(path: Path) -> duckdb.DuckDBPyConnection:
    """A read-only connection (the file must exist)."""
    return duckdb.connect(str(path), read_only=True)


def tables(con: duckdb.DuckDBPyConnection) -> dict[str, str]:
    """Every table and view of the source datasets: "dataset.name" -> "BASE TABLE" or "VIEW"."""
    rows = con.execute(
        "select table_schema, table_name, table_type from information_schema.tables "
        f"where table_schema in {DATASETS!r}"
    ).fetchall()
    return {f"{schema}.{name}": kind for schema, name, kind in rows}


def has_source_data(path: Path) -> bool:
    """Whether the file holds raw data of either source (False when it does not exist)."""
    if not path.exists():
        return False
    with connect(path) as con:
        found = tables(con)
    return any(name.split(".", 1)[1].startswith("raw_") for name in found)


def raw_counts(con: duckdb.DuckDBPyConnection) -> dict[str, int]:
    """Rows per raw table (child tables included): "linear.raw_issues" -> n."""
    names = sorted(n for n, kind in tables(con).items() if n.split(".", 1)[1].startswith("raw_"))
    return {name: _count(con, name) for name in names}


def mart_names() -> list[str]:
    """The marts: the models of dbt/models/marts."""
    return sorted(p.stem for p in MARTS_DIR.glob("*.sql"))


def mart_counts(con: duckdb.DuckDBPyConnection) -> dict[str, int | None]:
    """Rows per mart as "dataset.name" (None for a mart that was not built)."""
    found = {n.split(".", 1)[1]: n for n, kind in tables(con).items() if kind == "BASE TABLE"}
    return {
        found.get(mart, mart): _count(con, found[mart]) if mart in found else None
        for mart in mart_names()
    }


def answer(con: duckdb.DuckDBPyConnection, question: Question) -> tuple[list[str], list[tuple]]:
    """The question's column names and rows."""
    cursor = con.execute(question.sql)
    columns = [d[0] for d in cursor.description or []]
    return columns, cursor.fetchall()


def _count(con: duckdb.DuckDBPyConnection, name: str) -> int:
    schema, table = name.split(".", 1)
    row = con.execute(f'select count(*) from "{schema}"."{table}"').fetchone()
    return int(row[0]) if row else 0


def render_table(columns: Sequence[str], rows: Sequence[Sequence[Any]], indent: str) -> list[str]:
    """A plain-text table: text left-aligned, numbers right-aligned with separators."""
    cells = [[_cell(v) for v in row] for row in rows]
    numeric = [
        all(isinstance(row[i], int | float | Decimal) or row[i] is None for row in rows)
        for i in range(len(columns))
    ]
    widths = [max([len(c), *(len(r[i]) for r in cells)]) for i, c in enumerate(columns)]

    def line(values: Sequence[str]) -> str:
        parts = [
            v.rjust(w) if num else v.ljust(w)
            for v, w, num in zip(values, widths, numeric, strict=True)
        ]
        return (indent + "  ".join(parts)).rstrip()

    out = [line(columns), line(["-" * w for w in widths])]
    out += [line(row) for row in cells] or [indent + "(no rows)"]
    return out


def _cell(value: Any) -> str:
    if value is None:
        return "-"
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, int):
        return f"{value:,}"
    if isinstance(value, float | Decimal):
        return f"{value:,.1f}"
    return str(value)
