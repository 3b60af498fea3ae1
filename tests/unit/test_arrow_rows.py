"""The Arrow page builder: exact types, nulls, timestamps with offsets, JSON text, extras."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta, timezone

import pyarrow as pa
import pytest

from pipelines.sources.arrow_rows import arrow_or_rows, arrow_table, flatten, typed_array
from pipelines.sources.linear.entities import COMMENTS, ISSUES

COLUMNS = {
    "id": "text",
    "n": "bigint",
    "score": "double",
    "flag": "bool",
    "at": "timestamp",
    "day": "date",
    "meta": "json_text",
}


def test_declared_columns_get_exact_types_in_declared_order() -> None:
    table = arrow_table([{"id": "a"}], COLUMNS, required=("id",))
    assert table.schema.names == [*COLUMNS, "_dlt_id"]
    assert table.schema.field("id").type == pa.string()
    assert not table.schema.field("id").nullable
    assert table.schema.field("n").type == pa.int64()
    assert table.schema.field("score").type == pa.float64()
    assert table.schema.field("flag").type == pa.bool_()
    assert table.schema.field("at").type == pa.timestamp("us", tz="UTC")
    assert table.schema.field("day").type == pa.date32()
    assert table.schema.field("meta").type == pa.string()


def test_all_null_columns_keep_their_type() -> None:
    table = arrow_table([{"id": "a"}, {"id": "b", "n": None}], COLUMNS)
    for name in ("n", "score", "flag", "at", "day", "meta"):
        assert table.column(name).null_count == 2, name
    assert table.schema.field("at").type == pa.timestamp("us", tz="UTC")


def test_timestamps_with_offsets_become_utc() -> None:
    rows = [
        {"at": "2024-03-01T12:00:00.000Z"},
        {"at": "2024-03-01T14:30:00+02:30"},
        {"at": "2024-03-01T12:00:00.123456Z"},
        {"at": None},
    ]
    values = arrow_table(rows, {"at": "timestamp"}, row_ids=False).column("at").to_pylist()
    noon = datetime(2024, 3, 1, 12, tzinfo=UTC)
    assert values[:3] == [noon, noon, noon + timedelta(microseconds=123456)]
    assert values[3] is None


def test_timestamps_without_offset_read_as_utc_and_datetimes_converted() -> None:
    east = timezone(timedelta(hours=5))
    rows = [{"at": "2024-03-01T12:00:00"}, {"at": datetime(2024, 3, 1, 17, tzinfo=east)}]
    values = typed_array([r["at"] for r in rows], "timestamp").to_pylist()
    assert values == [datetime(2024, 3, 1, 12, tzinfo=UTC)] * 2


def test_dates_json_text_and_numbers() -> None:
    rows = [
        {"day": "2024-05-31", "meta": {"b": [1, 2], "a": None}, "n": 3, "score": 1},
        {"day": date(2024, 1, 2), "meta": '{"already":"text"}', "n": None, "score": 2.5},
    ]
    table = arrow_table(rows, COLUMNS, row_ids=False)
    assert table.column("day").to_pylist() == [date(2024, 5, 31), date(2024, 1, 2)]
    assert table.column("meta").to_pylist() == ['{"a":null,"b":[1,2]}', '{"already":"text"}']
    assert table.column("n").to_pylist() == [3, None]
    assert table.column("score").to_pylist() == [1.0, 2.5]


def test_a_value_that_does_not_fit_its_type_fails_loudly() -> None:
    with pytest.raises(ValueError, match="bigint"):
        arrow_table([{"n": 3.5}], {"n": "bigint"})
    with pytest.raises(ValueError, match="bigint"):
        arrow_table([{"n": "three"}], {"n": "bigint"})


def test_required_column_with_a_null_fails() -> None:
    with pytest.raises(ValueError, match="`id` is required"):
        arrow_table([{"id": None}], {"id": "text"}, required=("id",))


def test_undeclared_fields_are_kept_as_text() -> None:
    rows = [
        {"id": "a", "newField": 7, "neverSet": None},
        {"id": "b", "nested": {"x": [1]}, "flagged": True, "neverSet": None},
    ]
    table = arrow_table(rows, {"id": "text"}, row_ids=False)
    assert table.schema.names == ["id", "newField", "nested", "flagged"]
    assert {table.schema.field(n).type for n in table.schema.names} == {pa.string()}
    assert table.column("newField").to_pylist() == ["7", None]
    assert table.column("nested").to_pylist() == [None, '{"x":[1]}']
    assert table.column("flagged").to_pylist() == [None, "true"]


def test_row_ids_are_unique_and_dlt_shaped() -> None:
    ids = arrow_table([{"id": str(i)} for i in range(500)], {"id": "text"}).column("_dlt_id")
    values = ids.to_pylist()
    assert len(set(values)) == 500
    assert {len(v) for v in values} == {14}


def test_unknown_dlt_type_is_refused() -> None:
    with pytest.raises(ValueError, match="complex"):
        arrow_table([{"x": 1}], {"x": "complex"})


def test_linear_page_is_arrow_typed_by_the_declaration() -> None:
    row = COMMENTS.prepare(
        {
            "id": "c1",
            "url": "https://linear.app/c1",
            "createdAt": "2024-01-01T00:00:00.000Z",
            "updatedAt": "2024-01-02T00:00:00.000Z",
            "archivedAt": None,
            "editedAt": None,
            "issue": {"id": "i1"},
            "user": None,
            "parent": None,
        }
    )
    [page] = COMMENTS.pages([[row]])
    assert isinstance(page, pa.Table)
    hints = COMMENTS.columns
    for name, hint in hints.items():
        assert page.schema.field(name).nullable == hint["nullable"], name
    assert page.column("issue__id").to_pylist() == ["i1"]
    assert page.column("user__id").to_pylist() == [None]
    assert page.column("updatedAt").to_pylist() == [datetime(2024, 1, 2, tzinfo=UTC)]


def test_linear_entity_with_lists_stays_dicts_for_the_child_tables() -> None:
    rows = [{"id": "i1", "labels": ["l1"]}]
    assert list(ISSUES.pages([rows])) == [rows]


def test_flatten_nests_objects_like_dlt() -> None:
    row = {"id": 1, "user": {"login": "a", "id": 2, "team": {"slug": "t"}}, "actor": None}
    assert flatten(row) == {
        "id": 1,
        "user__login": "a",
        "user__id": 2,
        "user__team__slug": "t",
        "actor": None,
    }


def test_a_page_that_does_not_fit_stays_rows_for_dlt_to_evolve() -> None:
    rows = [{"id": "a", "n": 1}, {"id": "b", "n": "many"}]
    assert arrow_or_rows(rows, {"id": "text", "n": "bigint"}) is rows
    fitting = arrow_or_rows(rows[:1], {"id": "text", "n": "bigint"})
    assert isinstance(fitting, pa.Table)
    assert fitting.column("n").to_pylist() == [1]


def test_linear_entity_pages_are_gathered_into_arrow_pages() -> None:
    """Twenty-one API pages of 250 comments: one Arrow table of 5,000 rows and one of the
    250 left, in the order read."""
    pages = [
        [
            COMMENTS.prepare({"id": f"c{n}-{k}", "updatedAt": "2024-01-02T00:00:00.000Z"})
            for k in range(250)
        ]
        for n in range(21)
    ]
    tables = list(COMMENTS.pages(pages))
    assert all(isinstance(t, pa.Table) for t in tables)
    assert [t.num_rows for t in tables] == [5_000, 250]
    ids = [i for t in tables for i in t.column("id").to_pylist()]
    assert ids == [row["id"] for page in pages for row in page]
