"""Reading back what the destination holds for one raw table, from inside a resource: the rows
a reconcile compares with the API, and the rows it marks deleted (merged back whole, with
their child lists, so the merge keeps every column and child row)."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from typing import Any

import dlt
from dlt.destinations.exceptions import DatabaseUndefinedRelation

DELETED_COLUMNS: dict[str, dict[str, object]] = {
    "is_deleted": {"data_type": "bool", "nullable": True},
    "deleted_at": {"data_type": "timestamp", "nullable": True},
}
IN_CHUNK = 500  # ids per `in (...)` list


class WarehouseTable:
    """One raw table of the running pipeline's dataset (empty when it does not exist yet)."""

    def __init__(self, table: str, pipeline: dlt.Pipeline | None = None) -> None:
        self.table = table
        self.pipeline = pipeline or dlt.current.pipeline()

    def rows(self, where: tuple[str, str] | None = None) -> list[dict[str, Any]]:
        """Every row of the table (those whose column `where[0]` equals `where[1]`), as
        column -> value; none when the table does not exist."""
        condition = f" where {where[0]} = {_quote(where[1])}" if where else ""
        return self._select("select * from {table}" + condition, self.table)

    def child_lists(self, dlt_ids: Iterable[str]) -> dict[str, dict[str, list[Any]]]:
        """Per parent `_dlt_id`: each scalar child list (`raw_issues__labels` -> `labels`) in
        its original order."""
        ids = sorted(set(dlt_ids))
        out: dict[str, dict[str, list[Any]]] = {i: {} for i in ids}
        for child in self._children():
            name = child.removeprefix(f"{self.table}__")
            for chunk in _chunks(ids, IN_CHUNK):
                quoted = ", ".join(_quote(i) for i in chunk)
                rows = self._select(
                    "select _dlt_parent_id, _dlt_list_idx, value from {table} "
                    f"where _dlt_parent_id in ({quoted}) order by _dlt_parent_id, _dlt_list_idx",
                    child,
                )
                for row in rows:
                    out[row["_dlt_parent_id"]].setdefault(name, []).append(row["value"])
        return out

    def _children(self) -> list[str]:
        schema = self.pipeline.default_schema
        return sorted(
            name
            for name, table in schema.tables.items()
            if table.get("parent") == self.table and "value" in table.get("columns", {})
        )

    def _select(self, sql: str, table: str) -> list[dict[str, Any]]:
        try:
            with self.pipeline.sql_client() as client:
                if not client.has_dataset():
                    return []
                query = sql.format(table=client.make_qualified_table_name(table))
                with client.execute_query(query) as cursor:
                    names = [d[0] for d in cursor.description]
                    return [dict(zip(names, row, strict=True)) for row in cursor.fetchall()]
        except DatabaseUndefinedRelation:
            return []


def marked_deleted(
    row: dict[str, Any], lists: dict[str, list[Any]], at: datetime
) -> dict[str, Any]:
    """A warehouse row ready to merge back as deleted: dlt's own columns dropped, child lists
    restored (an empty list where it had none), `is_deleted` and `deleted_at` set."""
    record = {k: v for k, v in row.items() if not k.startswith("_dlt")}
    record.update(lists)
    record["is_deleted"] = True
    record["deleted_at"] = at
    return record


def _chunks(items: list[str], size: int) -> Iterable[list[str]]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


def _quote(value: str) -> str:
    return "'" + str(value).replace("'", "''") + "'"
