"""Relay connections as GitHub serves them: `first`/`last` (one of them required, 0..100),
`after`/`before` cursors, `nodes`, `edges { cursor node }`, `pageInfo` and `totalCount`.

Cursors are opaque and look like GitHub's (`Y3Vyc29yOnYy...`, base64 of "cursor:v2:" and the
item's sort key), and work as keysets: an item that moves while a client pages (a pull
request updated between two pages of `orderBy: UPDATED_AT DESC`) moves ahead of the cursor
and is not returned again.
"""

from __future__ import annotations

import base64
import json
from collections.abc import Callable, Sequence
from typing import Any

from graphql import FieldNode, GraphQLResolveInfo
from graphql.language import FragmentSpreadNode, InlineFragmentNode

from sandbox.github.graphql.errors import GitHubGraphQLError

MAX_PAGE = 100
_PREFIX = b"cursor:v2:"
Key = tuple[Any, ...]


def encode_cursor(key: Key) -> str:
    return base64.b64encode(
        _PREFIX + json.dumps(list(key), separators=(",", ":")).encode()
    ).decode()


def decode_cursor(cursor: str, field: str) -> Key:
    """The key in `cursor` (GitHub's error when it is not a cursor of this connection)."""
    try:
        raw = base64.b64decode(cursor, validate=True)
        if not raw.startswith(_PREFIX):
            raise ValueError(cursor)
        value = json.loads(raw[len(_PREFIX) :])
        if not isinstance(value, list):
            raise ValueError(cursor)
    except ValueError as exc:
        raise GitHubGraphQLError(
            "INVALID_CURSOR_ARGUMENTS", f"`{cursor}` does not appear to be a valid cursor."
        ) from exc
    return tuple(value)


class Connection:
    """One page of a connection: what `nodes`, `edges`, `pageInfo` and `totalCount` resolve
    to (graphql-core reads these attributes)."""

    def __init__(
        self, page: Sequence[Any], keys: Sequence[Key], total: int, has_next: bool, has_prev: bool
    ) -> None:
        self.nodes = list(page)
        self._keys = list(keys)
        self.totalCount = total
        cursors = [encode_cursor(k) for k in self._keys]
        self.pageInfo = {
            "hasNextPage": has_next,
            "hasPreviousPage": has_prev,
            "startCursor": cursors[0] if cursors else None,
            "endCursor": cursors[-1] if cursors else None,
        }
        self._cursors = cursors

    @property
    def edges(self) -> list[dict[str, Any]]:
        return [{"cursor": c, "node": n} for c, n in zip(self._cursors, self.nodes, strict=True)]


def _selects_items(info: GraphQLResolveInfo) -> bool:
    """Whether the connection field selects `nodes` or `edges` (GitHub asks for `first` or
    `last` only then: `totalCount` alone needs neither)."""
    names: set[str] = set()

    def walk(selection_set: Any) -> None:
        for selection in selection_set.selections if selection_set else ():
            if isinstance(selection, FieldNode):
                names.add(selection.name.value)
            elif isinstance(selection, InlineFragmentNode):
                walk(selection.selection_set)
            elif isinstance(selection, FragmentSpreadNode):
                fragment = info.fragments.get(selection.name.value)
                walk(fragment.selection_set if fragment else None)

    for node in info.field_nodes:
        walk(node.selection_set)
    return bool(names & {"nodes", "edges"})


def page_size(args: dict[str, Any], info: GraphQLResolveInfo) -> tuple[int | None, bool]:
    """(size, from_end) for `first`/`last`, with GitHub's errors for missing or excessive
    values. size None: neither given (allowed when only `totalCount`/`pageInfo` is asked)."""
    field = info.field_name
    first, last = args.get("first"), args.get("last")
    if first is not None and last is not None:
        raise GitHubGraphQLError(
            "ARGUMENT_LIMIT",
            f"Passing both `first` and `last` to paginate the `{field}` connection is not "
            "supported.",
        )
    if first is None and last is None:
        if _selects_items(info):
            raise GitHubGraphQLError(
                "MISSING_PAGINATION_BOUNDARIES",
                f"You must provide a `first` or `last` value to properly paginate the "
                f"`{field}` connection.",
            )
        return None, False
    name, value = ("first", first) if first is not None else ("last", last)
    if value > MAX_PAGE:
        raise GitHubGraphQLError(
            "EXCESSIVE_PAGINATION",
            f"Requesting {value} records on the `{field}` connection exceeds the `{name}` "
            f"limit of {MAX_PAGE} records.",
        )
    if value < 0:
        raise GitHubGraphQLError(
            "INVALID_PAGINATION",
            f"`{name}` on the `{field}` connection cannot be less than zero.",
        )
    return value, name == "last"


def paginate(
    items: Sequence[Any],
    key: Callable[[Any], Key],
    args: dict[str, Any],
    info: GraphQLResolveInfo,
    *,
    descending: bool = False,
) -> Connection:
    """One page of `items` (already in connection order: ascending by `key`, or descending
    when `descending`)."""
    size, from_end = page_size(args, info)
    field = info.field_name
    keys = [key(item) for item in items]
    start, stop = 0, len(items)
    after, before = args.get("after"), args.get("before")

    def beyond(item_key: Key, cursor_key: Key) -> bool:  # item strictly after cursor
        return item_key < cursor_key if descending else item_key > cursor_key

    if after is not None:
        cursor_key = decode_cursor(after, field)
        while start < stop and not beyond(_comparable(keys[start]), _comparable(cursor_key)):
            start += 1
    if before is not None:
        cursor_key = decode_cursor(before, field)
        while stop > start and not beyond(_comparable(cursor_key), _comparable(keys[stop - 1])):
            stop -= 1
    window_start, window_stop = start, stop
    if size is not None:
        if from_end:
            window_start = max(start, stop - size)
        else:
            window_stop = min(stop, start + size)
    return Connection(
        items[window_start:window_stop],
        keys[window_start:window_stop],
        total=len(items),
        has_next=window_stop < len(items),  # items after the page exist (GitHub says so
        has_prev=window_start > 0,  # both ways, whichever way the client pages)
    )


def _comparable(key: Key) -> Key:
    return tuple(key)
