"""The overlap every incremental cursor re-reads, and the fingerprints that keep it free.

Both APIs can show a change with a timestamp a little older than the newest one already read
(replication lag, clock skew between writers), and a row can change twice within one second
(whole-second timestamps). So each read starts `OVERLAP_SECONDS` before its cursor, and a
`Fingerprints` (kept in the resource's dlt state, so it moves only with a successful load)
remembers a content hash per id of the rows loaded inside that window: a row re-read unchanged
is not loaded again (a run without changes loads nothing), one that changed, even within the
cursor's second, or that appeared late with an older timestamp, is.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable, Iterable, MutableMapping
from datetime import timedelta
from typing import Any

import pendulum

#: How far before its cursor every incremental read starts (Linear's and GitHub's default).
OVERLAP_SECONDS = 300
#: Where a resource's state keeps its fingerprints ({id: [change time, hash]}).
STATE_KEY = "overlap_fingerprints"
PRUNE_AT = 20_000  # fingerprints held before those outside the window are dropped

Row = dict[str, Any]


def fingerprint(row: Any) -> str:
    """A short stable hash of a row's content."""
    data = json.dumps(row, sort_keys=True, separators=(",", ":"), default=str).encode()
    return hashlib.blake2b(data, digest_size=8).hexdigest()


def utc_text(value: Any) -> str:
    """A timestamp as GitHub writes it (`2026-06-01T10:00:00Z`), so such texts compare in time
    order."""
    if isinstance(value, str) and len(value) == 20 and value[10] == "T" and value[-1] == "Z":
        return value  # already in that form (GitHub's own): no parsing per row
    parsed = pendulum.parse(value) if isinstance(value, str) else pendulum.instance(value)
    return parsed.in_timezone("UTC").strftime("%Y-%m-%dT%H:%M:%SZ")  # type: ignore[union-attr]


def before(value: str, seconds: float) -> str:
    """`value` moved `seconds` earlier, as `utc_text`."""
    return utc_text(pendulum.parse(value) - timedelta(seconds=seconds))  # type: ignore[operator]


class Fingerprints:
    """The rows of one resource loaded within the overlap of its cursor (see the module
    docstring). `fresh` filters a page; `commit` records what the next run's overlap needs."""

    def __init__(
        self,
        state: MutableMapping[str, Any],
        overlap_seconds: float,
        *,
        key: Callable[[Row], Any] = lambda row: row["id"],
        changed: Callable[[Row], Any] = lambda row: row.get("updated_at"),
    ) -> None:
        self.state = state
        self.overlap = overlap_seconds
        self.key, self.changed = key, changed
        self.loaded: dict[str, list[str]] = dict(state.get(STATE_KEY) or {})
        self.seen: dict[str, list[str]] = {}  # this run's rows near the newest change
        self.newest: str | None = None
        self._edge: str | None = None  # `newest - overlap`

    def fresh(self, rows: Iterable[Row]) -> list[Row]:
        """The rows whose content differs from what was loaded (all of those never loaded)."""
        out = []
        for row in rows:
            row_id, at = str(self.key(row)), utc_text(self.changed(row) or "1970-01-01")
            if self.newest is None or at > self.newest:
                self.newest, self._edge = at, before(at, self.overlap)
            known = self.loaded.get(row_id)
            if known is None and self._edge is not None and at < self._edge:
                out.append(row)  # outside the window: never re-read, so no hash is needed
                continue
            content = fingerprint(row)
            self.seen[row_id] = [at, content]
            if known is None or known[1] != content:
                out.append(row)
        if len(self.seen) > PRUNE_AT:
            self.seen = self._within(self.seen, self._edge or "")
        return out

    def commit(self, cursor: str | None, *, forget_from: str | None = None) -> None:
        """Keep the fingerprints of rows at or after `cursor - overlap` (`cursor`: the cursor
        the next run starts from; None: the newest change seen), leaving out rows changed at
        or after `forget_from` (loaded incompletely: the next run must load them again)."""
        newest = utc_text(cursor) if cursor else self.newest
        if newest is None:
            return
        kept = {**self.loaded, **self.seen}
        if forget_from is not None:
            cut = utc_text(forget_from)
            for row_id in [k for k, v in self.seen.items() if v[0] >= cut]:
                kept.pop(row_id, None)
        self.state[STATE_KEY] = self._within(kept, before(newest, self.overlap))

    @staticmethod
    def _within(rows: dict[str, list[str]], edge: str) -> dict[str, list[str]]:
        return {k: v for k, v in rows.items() if v[0] >= edge}
