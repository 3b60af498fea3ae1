"""Which rows of one entity a run must ask for, and which of those it must load.

Kept in the resource's dlt state, so it advances only with a successful extract and travels with
the load package (a failed load is finished by the next run before anything new is read):
- `cursor`: the highest change timestamp loaded so far (`updatedAt`, or `archivedAt` where
  archiving does not move `updatedAt`). The next request filters from `cursor - overlap`,
  because rows can become visible with a timestamp slightly older than the newest one seen.
- `seen`: a fingerprint per id of the rows inside that overlap window (reference entities: of
  every row), so re-read rows that did not change are not loaded again. Equal timestamps are
  harmless: the filter is inclusive and the fingerprints drop what was already loaded.

A pass stopped between pages (a spent budget) keeps its progress with `checkpoint()` (the
newest change seen and the fingerprints the final edge can still need); the next run
`restore()`s it and continues after the last page, so the end result equals one whole pass.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Iterator, MutableMapping
from datetime import datetime, timedelta
from typing import Any

import pendulum

PRUNE_AT = 20_000  # rows held before pruning those outside the overlap


def fingerprint(row: dict[str, Any]) -> str:
    """A short stable hash of a row's content."""
    data = json.dumps(row, sort_keys=True, separators=(",", ":"), default=str).encode()
    return hashlib.blake2b(data, digest_size=8).hexdigest()


def change_time(row: dict[str, Any], fields: tuple[str, ...]) -> str:
    """The latest of the row's change timestamps (ISO strings in one format compare as text)."""
    return max((row.get(name) or "") for name in fields)


class SyncWindow:
    """The incremental window of one entity for one run."""

    def __init__(
        self,
        state: MutableMapping[str, Any],
        *,
        cursor_fields: tuple[str, ...],
        incremental: bool,
        since: datetime | None,
        backfill: bool,
        overlap: timedelta,
    ) -> None:
        self.state = state
        self.cursor_fields = cursor_fields
        self.incremental = incremental
        self.overlap = overlap
        self.previous_cursor: str | None = state.get("cursor")
        self.previous_seen: dict[str, str] = dict(state.get("seen") or {})
        self._since = since
        self._backfill = backfill
        self._max_seen: str | None = None
        self._seen: dict[str, tuple[str, str]] = {}  # id -> (change time, fingerprint)

    def lower_bound(self) -> datetime | None:
        """The timestamp to filter from (None: read everything)."""
        if not self.incremental:
            return None
        if self.previous_cursor and not self._backfill:
            return pendulum.parse(self.previous_cursor) - self.overlap  # type: ignore[operator]
        return self._since

    def select(self, rows: Iterable[dict[str, Any]], key: str = "id") -> Iterator[dict[str, Any]]:
        """The rows that are new or changed since they were last loaded."""
        for row in rows:
            row_id = row[key]
            changed = change_time(row, self.cursor_fields)
            content = fingerprint(row)
            if self._max_seen is None or changed > self._max_seen:
                self._max_seen = changed
            self._seen[row_id] = (changed, content)
            if self.previous_seen.get(row_id) != content:
                yield row
        if self.incremental and len(self._seen) > PRUNE_AT:
            self._prune()

    def is_new(self, row: dict[str, Any], key: str = "id") -> bool:
        """Whether `select` will yield `row` (reads only what the run began with: thread-safe)."""
        return not self.previous_seen or self.previous_seen.get(row[key]) != fingerprint(row)

    def checkpoint(self) -> dict[str, Any]:
        """What a stopped pass must keep to finish in a later run."""
        if self.incremental and self._max_seen is not None:
            self._prune()
        return {
            "max_seen": self._max_seen,
            "pass_seen": {k: list(v) for k, v in self._seen.items()},
        }

    def restore(self, checkpoint: dict[str, Any]) -> None:
        """Continue a pass from `checkpoint()`."""
        self._max_seen = checkpoint.get("max_seen")
        self._seen = {k: (v[0], v[1]) for k, v in (checkpoint.get("pass_seen") or {}).items()}

    def _prune(self) -> None:
        """Forget rows already below the overlap of the newest change seen: the final edge
        can only be later, so they will not be kept (bounds memory on a full sync)."""
        assert self._max_seen is not None
        edge = _same_format(pendulum.parse(self._max_seen) - self.overlap, self._max_seen)  # type: ignore[operator]
        self._seen = {k: v for k, v in self._seen.items() if v[0] >= edge}

    def commit(self) -> None:
        """Record the new cursor and fingerprints (call after the last page was read)."""
        if not self.incremental:
            self.state["seen"] = {k: v[1] for k, v in self._seen.items()}
            return
        cursor = max(filter(None, (self.previous_cursor, self._max_seen)), default=None)
        if cursor is None:
            return
        edge = _same_format(pendulum.parse(cursor) - self.overlap, cursor)  # type: ignore[operator]
        # Keep fingerprints only for the rows the next run's overlap will read again.
        self.state["cursor"] = cursor
        self.state["seen"] = {k: fp for k, (t, fp) in self._seen.items() if t >= edge}


def _same_format(value: datetime, like: str) -> str:
    """Render `value` in the ISO format of `like`, so the two compare as text."""
    parsed = pendulum.instance(value).in_timezone("UTC")
    if like.endswith("Z") and "." in like:
        return parsed.format("YYYY-MM-DDTHH:mm:ss.SSS") + "Z"
    return parsed.to_iso8601_string()
