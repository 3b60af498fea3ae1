"""Issue history as Arrow pages: rows of many issues gathered per table, typed by the
declaration, the last partial page flushed, the pass's result passed through."""

from __future__ import annotations

from collections.abc import Generator
from datetime import UTC, datetime
from typing import Any

import pyarrow as pa

from pipelines.sources.linear import history
from pipelines.sources.linear.history import HISTORY_TABLE, PAGE_ROWS, SPANS_TABLE

Rows = tuple[list[dict[str, Any]], list[dict[str, Any]]]


def _span(n: int) -> dict[str, Any]:
    return {
        "id": f"s{n}",
        "stateId": "st1",
        "startedAt": "2024-01-01T00:00:00.000Z",
        "endedAt": None,
        "issue__id": f"i{n}",
    }


def _entry(n: int, **extra: Any) -> dict[str, Any]:
    return {
        "id": f"h{n}",
        "createdAt": "2024-01-02T03:04:05.000+02:00",
        "updatedAt": "2024-01-02T01:04:05.000Z",
        "fromEstimate": 1,
        "toEstimate": 2.5,
        "archived": False,
        "addedLabelIds": '["l1"]',
        "botActor__id": None,
        "issue__id": f"i{n}",
        **extra,
    }


def _pass(units: list[Rows], completed: bool) -> Generator[Rows, None, bool]:
    yield from units
    return completed


def _drain(gen: Generator[Any, None, bool]) -> tuple[list[Any], bool]:
    items = []
    while True:
        try:
            items.append(next(gen))
        except StopIteration as end:
            return items, end.value


def test_rows_of_many_issues_become_full_arrow_pages_per_table() -> None:
    count = PAGE_ROWS * 2 + 7
    units = [([_span(n)], [_entry(n), _entry(n + count)]) for n in range(count)]
    items, completed = _drain(history._tables(_pass(units, completed=False)))
    assert completed is False
    by_table: dict[str, list[int]] = {}
    for item in items:
        assert isinstance(item.data, pa.Table)
        by_table.setdefault(item.meta.table_name, []).append(item.data.num_rows)
    assert by_table[SPANS_TABLE] == [PAGE_ROWS, PAGE_ROWS, 7]
    assert sum(by_table[HISTORY_TABLE]) == 2 * count
    assert all(n >= PAGE_ROWS for n in by_table[HISTORY_TABLE][:-1])


def test_a_history_page_is_typed_by_the_declared_columns() -> None:
    items, completed = _drain(history._tables(_pass([([_span(1)], [_entry(1)])], True)))
    assert completed is True
    spans, entries = (item.data for item in items)
    assert spans.schema.field("startedAt").type == pa.timestamp("us", tz="UTC")
    assert not spans.schema.field("issue__id").nullable
    row = entries.to_pylist()[0]
    assert row["createdAt"] == datetime(2024, 1, 2, 1, 4, 5, tzinfo=UTC)
    assert row["fromEstimate"] == 1.0 and isinstance(row["fromEstimate"], float)
    assert row["archived"] is False and row["addedLabelIds"] == '["l1"]'
    assert set(history.ENTRY_COLUMNS) <= set(entries.schema.names)
    assert entries.schema.field("_dlt_id").type == pa.string()


def test_a_page_with_a_drifted_value_stays_rows_for_dlt_to_evolve() -> None:
    units = [([], [_entry(1, toEstimate="large")])]
    (item,), _ = _drain(history._tables(_pass(units, True)))
    assert item.meta.table_name == HISTORY_TABLE
    assert isinstance(item.data, list) and item.data[0]["toEstimate"] == "large"


def test_nothing_read_yields_nothing() -> None:
    assert _drain(history._tables(_pass([], True))) == ([], True)
