"""Rows (dicts, as a source reads them) into a `pyarrow.Table` typed by a declared column map,
so dlt writes the page to Parquet as it is and skips its row-wise normalizer.

Declared columns get exact types whatever the values look like: timestamps `timestamp[us,
tz=UTC]` (ISO text with any offset, or datetimes, converted to UTC), dates `date32`, `bigint`
int64, `double` float64, `bool`, text; `json_text` values (objects, lists) are dumped to
compact sorted JSON text, the form BigQuery can load from Parquet. Every declared column exists
even when all its values are null. A field nobody declared (an API that added one) is kept, as
text (JSON text for objects and lists) from its first non-null value on: the load never
fails on it and its values are not lost; declare it to type it. A page with a value that does
not fit its declared type stays rows (`arrow_or_rows`), for dlt to evolve. Each row also gets a
fresh `_dlt_id`, as dlt's own normalizer would give it.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from datetime import UTC, date, datetime
from typing import Any

# Imported here, once, before any extract thread: pyarrow imports pandas lazily the first time
# it builds a table, and dlt checks each item against `pandas.DataFrame`, so a parallelized
# resource building its first table in a worker thread could make the main thread see a
# half-imported pandas ("partially initialized module 'pandas'").
import pandas  # noqa: F401
import pyarrow as pa
import pyarrow.compute as pc
from dlt.common.utils import many_uniq_ids_base64

#: dlt data type -> Arrow type.
ARROW_TYPES: dict[str, pa.DataType] = {
    "text": pa.string(),
    "json_text": pa.string(),
    "bigint": pa.int64(),
    "double": pa.float64(),
    "bool": pa.bool_(),
    "timestamp": pa.timestamp("us", tz="UTC"),
    "date": pa.date32(),
}
ROW_ID = "_dlt_id"
log = logging.getLogger("pipelines")
_ROW_ID_LENGTH = 10  # what dlt's relational normalizer uses for `_dlt_id`


def arrow_table(
    rows: Sequence[Mapping[str, Any]],
    columns: Mapping[str, str],
    required: Sequence[str] = (),
    row_ids: bool = True,
) -> pa.Table:
    """`rows` as one Arrow table: the declared `columns` (name -> dlt data type) first, in
    their order, then undeclared fields as text, then `_dlt_id` when `row_ids`. Columns in
    `required` are non-nullable (a null there raises `ValueError`)."""
    unknown = {t for t in columns.values() if t not in ARROW_TYPES}
    if unknown:
        raise ValueError(f"no Arrow type for dlt data types {sorted(unknown)}")
    arrays: list[pa.Array] = []
    fields: list[pa.Field] = []
    for name, data_type in columns.items():
        values = [row.get(name) for row in rows]
        arrays.append(typed_array(values, data_type))
        fields.append(pa.field(name, ARROW_TYPES[data_type], nullable=name not in required))
    for name in _extra_fields(rows, columns):
        arrays.append(pa.array([_as_text(row.get(name)) for row in rows], pa.string()))
        fields.append(pa.field(name, pa.string()))
    if row_ids:
        arrays.append(pa.array(many_uniq_ids_base64(len(rows), _ROW_ID_LENGTH), pa.string()))
        fields.append(pa.field(ROW_ID, pa.string(), nullable=False))
    for field, array in zip(fields, arrays, strict=True):
        if not field.nullable and array.null_count:
            raise ValueError(f"column `{field.name}` is required but has {array.null_count} nulls")
    return pa.Table.from_arrays(arrays, schema=pa.schema(fields))


def arrow_or_rows(
    rows: list[dict[str, Any]], columns: Mapping[str, str], required: Sequence[str] = ()
) -> pa.Table | list[dict[str, Any]]:
    """`arrow_table(rows, ...)`, or the rows themselves when a value does not fit its declared
    type: dlt's row-wise normalizer then evolves that page as it always did (a variant column
    `<column>__v_<type>`), so type drift in an API never fails the load."""
    try:
        return arrow_table(rows, columns, required)
    except ValueError as exc:
        log.info("a page of %d rows stays rows (dlt normalizes it): %s", len(rows), exc)
        return rows


class ArrowPages:
    """Rows of several tables gathered across a source's pages into Arrow pages of `page_rows`
    rows per table (`add` yields the pages that filled, `flush` the partial rest). dlt computes
    and validates a table's schema for every Arrow item it is given (some milliseconds each):
    yielded per API page of 50 or 250 rows, that costs more than writing them. Every `part_rows`
    rows are made Arrow as they come (a tenth of the memory their dicts take while a page
    fills); a part whose values do not fit their declared types is yielded at once as rows
    (`arrow_or_rows`), the rest of the page stays Arrow.

    `tables`: table name -> (declared columns, required columns); `mark` wraps a page for dlt
    (e.g. `dlt.mark.with_hints` for a table variant)."""

    def __init__(
        self,
        tables: Mapping[str, tuple[Mapping[str, str], Sequence[str]]],
        mark: Callable[[str, Any], Any] = lambda _table, page: page,
        page_rows: int = 5_000,
        part_rows: int = 500,
    ) -> None:
        self.tables, self.mark = tables, mark
        self.page_rows, self.part_rows = page_rows, min(part_rows, page_rows)
        self._parts: dict[str, list[pa.Table]] = {table: [] for table in tables}
        self._rows: dict[str, list[dict[str, Any]]] = {table: [] for table in tables}
        self._count: dict[str, int] = dict.fromkeys(tables, 0)  # rows in `_parts`

    def add(self, table: str, rows: Iterable[dict[str, Any]]) -> Iterator[Any]:
        """Gather `rows` of `table`; the pages that filled."""
        gathered = self._rows[table]
        gathered.extend(rows)
        if len(gathered) < self.part_rows:
            return
        yield from self._convert(table)
        while self._count[table] >= self.page_rows:
            whole = _concat(self._parts[table])
            rest = whole.slice(self.page_rows)
            self._parts[table] = [rest] if rest.num_rows else []
            self._count[table] = rest.num_rows
            yield self.mark(table, whole.slice(0, self.page_rows))

    def flush(self) -> Iterator[Any]:
        """Every table's partial page (call it when the read ends, stopped or completed)."""
        for table in self.tables:
            yield from self._convert(table)
            if self._parts[table]:
                page = _concat(self._parts[table])
                self._parts[table], self._count[table] = [], 0
                yield self.mark(table, page)

    def _convert(self, table: str) -> Iterator[Any]:
        """The gathered rows of `table` made one Arrow part (or yielded as rows)."""
        rows, self._rows[table] = self._rows[table], []
        if not rows:
            return
        columns, required = self.tables[table]
        converted = arrow_or_rows(rows, columns, required)
        if isinstance(converted, list):
            yield self.mark(table, converted)  # dlt's normalizer evolves them
            return
        self._parts[table].append(converted)
        self._count[table] += converted.num_rows


def _concat(parts: list[pa.Table]) -> pa.Table:
    """One table of `parts` (their undeclared fields may differ: missing ones are null)."""
    return pa.concat_tables(parts, promote_options="default").combine_chunks()


def flatten(row: Mapping[str, Any], prefix: str = "") -> dict[str, Any]:
    """Nested objects as `parent__child` fields, as dlt's normalizer flattens them (an unset
    object adds no fields; lists are left as they are)."""
    out: dict[str, Any] = {}
    for name, value in row.items():
        if isinstance(value, Mapping):
            out.update(flatten(value, f"{prefix}{name}__"))
        else:
            out[f"{prefix}{name}"] = value
    return out


def typed_array(values: list[Any], data_type: str) -> pa.Array:
    """One column's values as an Arrow array of the declared dlt type."""
    if data_type == "json_text":
        return pa.array([_json_text(v) for v in values], pa.string())
    if data_type == "timestamp":
        return _timestamps(values)
    if data_type == "date":
        return _dates(values)
    if data_type == "text":
        return pa.array([_as_text(v) for v in values], pa.string())
    # Inferred, then cast safely: 3.5 into a bigint column fails instead of becoming 3.
    try:
        return pc.cast(pa.array(values), ARROW_TYPES[data_type], safe=True)
    except (pa.ArrowInvalid, pa.ArrowTypeError, pa.ArrowNotImplementedError) as exc:
        raise ValueError(f"values do not fit the declared type {data_type}: {exc}") from None


def _timestamps(values: list[Any]) -> pa.Array:
    target = ARROW_TYPES["timestamp"]
    if all(v is None or isinstance(v, str) for v in values):
        try:
            return pc.cast(pa.array(values, pa.string()), target)  # ISO 8601, any offset
        except pa.ArrowInvalid:
            pass  # e.g. text without an offset: parsed one by one below (read as UTC)
    return pa.array([_utc(v) for v in values], target)


def _utc(value: Any) -> datetime | None:
    if value is None:
        return None
    parsed = datetime.fromisoformat(value) if isinstance(value, str) else value
    if not isinstance(parsed, datetime):
        raise ValueError(f"not a timestamp: {value!r}")
    return parsed.replace(tzinfo=UTC) if parsed.tzinfo is None else parsed.astimezone(UTC)


def _dates(values: list[Any]) -> pa.Array:
    out: list[date | None] = []
    for value in values:
        if isinstance(value, str):
            value = date.fromisoformat(value[:10])
        elif isinstance(value, datetime):
            value = value.date()
        out.append(value)
    return pa.array(out, pa.date32())


def _json_text(value: Any) -> str | None:
    if value is None or isinstance(value, str):
        return value  # already JSON text (the source dumped it) or unset
    return json.dumps(value, sort_keys=True, separators=(",", ":"))


def _as_text(value: Any) -> str | None:
    if value is None or isinstance(value, str):
        return value
    if isinstance(value, dict | list):
        return _json_text(value)
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def _extra_fields(rows: Sequence[Mapping[str, Any]], columns: Mapping[str, str]) -> list[str]:
    seen: dict[str, None] = {}
    for row in rows:
        for name, value in row.items():
            # All nulls say nothing of a type: like dlt, no column until a value comes.
            if value is not None and name not in columns and name != ROW_ID:
                seen[name] = None
    return list(seen)
