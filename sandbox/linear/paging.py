"""Relay connections over a table, as Linear serves them: `first`/`after` keyset pagination,
`orderBy`/`sort`, `filter`, `includeArchived` (and `includeDisabled` for users).

Order is descending by `createdAt` (default) or `updatedAt`, ties broken by a hash of the id.
Cursors are base64 of the last row's keyset (order field, direction, value, tie, id), so rows
that move while a client pages behave as on a keyset-paginated database: a row updated after
it was returned moves ahead of the cursor and is not returned again.
"""

from __future__ import annotations

import base64
import json
import operator
from bisect import bisect_left, bisect_right
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from sandbox.linear.errors import InvalidInput
from sandbox.linear.model import TIME_KEYS
from sandbox.linear.store import Key, Row, Table, sort_key

DEFAULT_PAGE = 50
MAX_PAGE = 250
Predicate = Callable[[Row], bool]


@dataclass(frozen=True)
class Order:
    """Which field a connection is ordered by, and in which direction."""

    field: str = "createdAt"
    descending: bool = True


class Page:
    """A resolved connection: `nodes`, `edges` (built only when selected) and `pageInfo`."""

    def __init__(self, rows: list[Row], order: Order, has_next: bool, has_previous: bool):
        self.nodes = rows
        self.order = order
        cursors = [encode_cursor(order, rows[0]), encode_cursor(order, rows[-1])] if rows else []
        self.pageInfo = {
            "hasNextPage": has_next,
            "hasPreviousPage": has_previous,
            "startCursor": cursors[0] if cursors else None,
            "endCursor": cursors[-1] if cursors else None,
        }

    @property
    def edges(self) -> list[dict[str, Any]]:
        return [{"node": row, "cursor": encode_cursor(self.order, row)} for row in self.nodes]


def encode_cursor(order: Order, row: Row) -> str:
    """The opaque cursor of `row` in `order`."""
    value, tie, row_id = sort_key(row, order.field)
    payload = [order.field, "d" if order.descending else "a", value, tie, row_id]
    return base64.urlsafe_b64encode(json.dumps(payload, separators=(",", ":")).encode()).decode()


def decode_cursor(order: Order, cursor: str) -> Key:
    """The keyset in a cursor; InvalidInput when it is not one of ours or not for `order`."""
    try:
        field, direction, value, tie, row_id = json.loads(base64.urlsafe_b64decode(cursor))
        value_type = int if field in TIME_KEYS else str
        if not (isinstance(value, value_type) and isinstance(tie, int) and isinstance(row_id, str)):
            raise TypeError(cursor)
    except (ValueError, TypeError) as exc:
        raise InvalidInput(f"Invalid cursor: {cursor!r}") from exc
    if field != order.field or (direction == "d") != order.descending:
        raise InvalidInput(
            f"Invalid cursor: it was issued for ordering by {field} "
            f"({'descending' if direction == 'd' else 'ascending'}), not by {order.field}."
        )
    return (value, tie, row_id)


def order_of(args: dict[str, Any], sortable: tuple[str, ...]) -> Order:
    """The order asked for by `sort` (when given, it wins) or `orderBy`."""
    sort = args.get("sort")
    if sort:
        keys = [(field, spec) for entry in sort for field, spec in entry.items() if spec]
        if len(keys) != 1:
            raise InvalidInput("The sandbox supports exactly one sort key.")
        field, spec = keys[0]
        if field not in sortable:
            raise InvalidInput(f"The sandbox cannot sort by {field}.")
        return Order(field, spec.get("order") != "Ascending")
    return Order(args.get("orderBy") or "createdAt", True)


def page_size(args: dict[str, Any]) -> int:
    """`first` (default 50), checked against Linear's limit of 250."""
    if args.get("last") is not None or args.get("before") is not None:
        raise InvalidInput(
            "The sandbox does not support backward pagination (last/before); use first/after."
        )
    first = args.get("first")
    if first is None:
        return DEFAULT_PAGE
    if first > MAX_PAGE:
        raise InvalidInput(
            f"Argument Validation Error: first must not be greater than {MAX_PAGE}.",
            f"first must not be greater than {MAX_PAGE}.",
        )
    if first < 0:
        raise InvalidInput("Argument Validation Error: first must not be negative.")
    return first


# -- filters -------------------------------------------------------------------------------------
def compile_filter(spec: dict[str, Any] | None) -> Predicate | None:
    """A predicate for a coerced filter input (timestamps already epoch ms); None: no filter."""
    if not spec:
        return None
    tests: list[Predicate] = []
    for field, condition in spec.items():
        if condition is None:
            continue
        if field == "and":  # sub-filters that match everything drop out
            parts = [p for p in map(compile_filter, condition) if p is not None]
            if parts:
                tests.append(_all(parts))
            continue
        if field == "or":  # one sub-filter that matches everything makes the `or` moot
            alternatives = [compile_filter(c) for c in condition]
            if alternatives and all(p is not None for p in alternatives):
                tests.append(_any(alternatives))  # type: ignore[arg-type]
            continue
        key = f"_{field}" if field in TIME_KEYS else field
        tests.extend(_comparisons(key, condition))
    return _all(tests) if tests else None


def _all(tests: list[Predicate]) -> Predicate:
    return tests[0] if len(tests) == 1 else lambda row: all(t(row) for t in tests)


def _any(tests: list[Predicate]) -> Predicate:
    return lambda row: any(t(row) for t in tests)


def _comparisons(key: str, condition: dict[str, Any]) -> list[Predicate]:
    tests: list[Predicate] = []
    for op, operand in condition.items():
        if operand is None:
            continue
        if op == "null":
            tests.append(
                (lambda row: row[key] is None) if operand else (lambda row: row[key] is not None)
            )
        elif op in ("in", "nin"):
            values = set(operand)
            if op == "in":
                tests.append(lambda row, v=values: row[key] is not None and row[key] in v)
            else:
                tests.append(lambda row, v=values: row[key] is not None and row[key] not in v)
        else:
            compare = _OPERATORS[op]
            tests.append(lambda row, c=compare, v=operand: row[key] is not None and c(row[key], v))
    return tests


_OPERATORS: dict[str, Callable[[Any, Any], bool]] = {
    "eq": operator.eq,
    "neq": operator.ne,
    "gt": operator.gt,
    "gte": operator.ge,
    "lt": operator.lt,
    "lte": operator.le,
}


def _bounds(spec: dict[str, Any] | None, field: str) -> tuple[Any, Any]:
    """Inclusive (low, high) limits that a filter's AND-ed conditions put on a timestamp field
    (ms); None where unbounded. Used to skip straight to the matching part of an index."""
    low = high = None
    if not spec or field not in TIME_KEYS:
        return low, high
    conditions = [spec.get(field) or {}]
    for nested in spec.get("and") or ():
        nested_low, nested_high = _bounds(nested, field)
        conditions.append({"gte": nested_low, "lte": nested_high})
    for condition in conditions:
        for op, value in condition.items():
            if value is None:
                continue
            if op in ("gte", "gt", "eq"):
                value = value + 1 if op == "gt" else value
                low = value if low is None else max(low, value)
            if op in ("lte", "lt", "eq"):
                value = value - 1 if op == "lt" else value
                high = value if high is None else min(high, value)
    return low, high


# -- pagination ----------------------------------------------------------------------------------
def paginate(
    table: Table,
    args: dict[str, Any],
    *,
    sortable: tuple[str, ...] = (),
    rows: list[Row] | None = None,
) -> Page:
    """One page of `table` (or of `rows`, a subset such as an issue's comments) for the
    connection arguments `args`."""
    size = page_size(args)
    order = order_of(args, sortable)
    if rows is None:
        keys, ordered = table.index(order.field)
    else:
        pairs = sorted(((sort_key(r, order.field), r) for r in rows), key=lambda p: p[0])
        keys, ordered = [k for k, _ in pairs], [r for _, r in pairs]
    spec = args.get("filter")
    low, high = _bounds(spec, order.field)
    start = 0 if low is None else bisect_left(keys, (low,))
    stop = len(keys) if high is None else bisect_left(keys, (high + 1,))
    after = args.get("after")
    if after is not None:
        key = decode_cursor(order, after)
        if order.descending:
            stop = min(stop, bisect_left(keys, key))
        else:
            start = max(start, bisect_right(keys, key))
    indexes = range(stop - 1, start - 1, -1) if order.descending else range(start, stop)
    test = compile_filter(spec)
    show_archived = bool(args.get("includeArchived"))
    show_disabled = table.entity != "users" or bool(args.get("includeDisabled"))
    found: list[Row] = []
    for i in indexes:
        row = ordered[i]
        if row["_archivedAt"] is not None and not show_archived:
            continue
        if not show_disabled and not row["active"]:
            continue
        if test is not None and not test(row):
            continue
        found.append(row)
        if len(found) > size:
            break
    return Page(found[:size], order, len(found) > size, after is not None)
