"""What every comparison of a warehouse with the sandbox's truth shares, whichever warehouse
holds the rows (a DuckDB file or BigQuery): anything with `query(sql) -> rows` will do, and
values are compared in Python, so no SQL function that differs between warehouses (or the
BigQuery emulator) takes part in a verdict."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import UTC, datetime, timedelta
from typing import Any, Protocol

EPOCH = datetime(1970, 1, 1, tzinfo=UTC)


class Warehouse(Protocol):
    """A warehouse the truth is compared with (`tests.support.workspace.Workspace`,
    `tests.bigquery.warehouse.Warehouse`)."""

    def query(self, sql: str) -> list[tuple[Any, ...]]: ...


def utc(value: Any) -> datetime | None:
    """An aware UTC datetime from ISO text or a (naive UTC or aware) datetime."""
    if value is None:
        return None
    if isinstance(value, str):
        value = datetime.fromisoformat(value.replace("Z", "+00:00"))
    return value if value.tzinfo else value.replace(tzinfo=UTC)


def epoch_ms(value: str | datetime | None) -> int | None:
    """Epoch milliseconds, exactly (no float rounding), from ISO text or a datetime (naive: UTC)."""
    if value is None:
        return None
    if isinstance(value, str):
        value = datetime.fromisoformat(value.replace("Z", "+00:00"))
    if value.tzinfo is None:
        value = value.replace(tzinfo=UTC)
    return (value - EPOCH) // timedelta(milliseconds=1)


def assert_latest_rows(table: str, rows: Iterable[tuple[Any, ...]], truth: dict[Any, Any]) -> None:
    """`rows` (the id, then the values compared) hold every id of `truth` once and nothing
    else, each with the values `truth` maps it to (a tuple): the latest version, no duplicates."""
    rows = list(rows)
    ids = [row[0] for row in rows]
    assert len(ids) == len(set(ids)), f"{table} has duplicate ids"
    missing, extra = set(truth) - set(ids), set(ids) - set(truth)
    assert not missing and not extra, (
        f"{table}: missing {len(missing)} {sorted(missing)[:5]}, "
        f"extra {len(extra)} {sorted(extra)[:5]}"
    )
    stale = [row for row in rows if tuple(row[1:]) != truth[row[0]]]
    assert not stale, f"{table}: {len(stale)} rows differ from the sandbox, e.g. {stale[:3]}"


def assert_child_values(
    wh: Warehouse, parent: str, child: str, column: str, truth: Iterable[tuple[Any, Any]]
) -> None:
    """dlt's child table `<parent>__<child>` holds exactly the (parent id, `column`) pairs of
    `truth`, and no row beyond them (a merge that left an old version's children behind)."""
    expected = sorted(truth)
    pairs = sorted(
        wh.query(
            f"select p.id, c.{column} from {parent} p "
            f"join {parent}__{child} c on c._dlt_parent_id = p._dlt_id"
        )
    )
    assert pairs == expected, f"{parent}__{child} differs from the sandbox"
    count = wh.query(f"select count(*) from {parent}__{child}")[0][0]
    assert count == len(expected), f"{parent}__{child}: {count - len(expected)} stale rows"
