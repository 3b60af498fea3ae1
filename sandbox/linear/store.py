"""In-memory rows of one Linear entity, with the indexes pagination needs.

A row is a dict in wire shape for its scalar fields, relations hold the related row itself (so
`team { id key name }` resolves without a lookup), and private keys start with `_`:
`_createdAt`/`_updatedAt`/`_archivedAt` (epoch ms) and `_tie` (a hash of the id that breaks
ties in every order, so no client can rely on id or insertion order).
"""

from __future__ import annotations

import hashlib
from collections import defaultdict
from typing import Any

from sandbox.linear.model import TIME_KEYS
from sandbox.linear.timeutil import iso_ms

Row = dict[str, Any]
#: An ascending sort key: (value, tie, id).
Key = tuple[Any, int, str]


def tie(row_id: str) -> int:
    """The tie-breaker of an id: a stable 64-bit hash."""
    return int.from_bytes(hashlib.blake2b(row_id.encode(), digest_size=8).digest(), "big")


def set_time(row: Row, field: str, ms: int | None) -> None:
    """Set a timestamp field in wire form (and its `_field` ms twin for the indexed ones)."""
    row[field] = None if ms is None else iso_ms(ms)
    if field in TIME_KEYS:
        row[f"_{field}"] = ms


def sort_value(row: Row, field: str) -> Any:
    """The value a row is ordered by for `field` (ms for timestamps, else the wire value)."""
    return row[f"_{field}"] if field in TIME_KEYS else row[field]


def sort_key(row: Row, field: str) -> Key:
    return (sort_value(row, field), row["_tie"], row["id"])


class Table:
    """One entity's rows: insertion order, by id, sorted indexes and relation groups (lazy)."""

    def __init__(self, entity: str, rows: list[Row] | None = None) -> None:
        self.entity = entity
        self.rows: list[Row] = []
        self.by_id: dict[str, Row] = {}
        self._indexes: dict[str, tuple[list[Key], list[Row]]] = {}
        self._groups: dict[str, dict[str, list[Row]]] = {}
        for row in rows or ():
            self.add(row)

    def add(self, row: Row) -> None:
        """Insert a row (its `_tie` is derived from its id)."""
        row["_tie"] = tie(row["id"])
        self.rows.append(row)
        self.by_id[row["id"]] = row
        self._indexes.clear()
        self._groups.clear()

    def remove(self, row_id: str) -> Row:
        """Delete a row for good (a hard delete: gone from every listing)."""
        row = self.by_id.pop(row_id)
        self.rows.remove(row)
        self._indexes.clear()
        self._groups.clear()
        return row

    def changed(self, relinked: bool = False) -> None:
        """Call after changing ordered values (and relations, with `relinked`)."""
        self._indexes.clear()
        if relinked:
            self._groups.clear()

    def index(self, field: str) -> tuple[list[Key], list[Row]]:
        """Keys and rows sorted ascending by (`field`, tie, id), rebuilt after changes."""
        cached = self._indexes.get(field)
        if cached is None:
            pairs = sorted(((sort_key(row, field), row) for row in self.rows), key=_first)
            cached = ([k for k, _ in pairs], [r for _, r in pairs])
            self._indexes[field] = cached
        return cached

    def group(self, relation: str) -> dict[str, list[Row]]:
        """Rows grouped by the id of their `relation` (e.g. comments by issue)."""
        groups = self._groups.get(relation)
        if groups is None:
            groups = defaultdict(list)
            for row in self.rows:
                related = row.get(relation)
                if related is not None:
                    groups[related["id"]].append(row)
            self._groups[relation] = groups
        return groups


def _first(pair: tuple[Key, Row]) -> Key:
    return pair[0]
