"""The `updated_at` cursor every GitHub resource keeps, and `--since` backfills around it."""

from __future__ import annotations

from datetime import datetime
from typing import Any

import dlt
from dlt.extract.incremental import Incremental
from dlt.extract.items import SupportsPipe


def iso(ts: datetime) -> str:
    return ts.strftime("%Y-%m-%dT%H:%M:%SZ")


def incremental_updated_at(
    since: datetime, backfill_until: datetime | None, **extra: Any
) -> Incremental[str]:
    """dlt incremental on `updated_at`. A `--since` run is a bounded backfill that leaves the
    cursor alone only when there is a cursor; without one it is an ordinary first load from
    `since`, so the next run continues from where it ended."""
    if backfill_until is None:
        return Incremental("updated_at", initial_value=iso(since), **extra)
    return _backfill_window(iso(backfill_until))("updated_at", initial_value=iso(since), **extra)


def _backfill_window(until: str) -> type[Incremental[str]]:
    """An incremental that, when bound to its resource, ends at `until` if the resource already
    has a cursor (dlt then keeps that cursor untouched) and is open-ended otherwise."""

    had_cursor: dict[str, bool] = {}  # decided at the first bind: later binds see our state

    class BackfillWindow(Incremental[str]):  # type: ignore[misc]
        def bind(self, pipe: SupportsPipe) -> Incremental[str]:
            if pipe.name not in had_cursor:
                cursors = dlt.current.resource_state(pipe.name).get("incremental", {})
                had_cursor[pipe.name] = bool(cursors.get(self.cursor_path))
            self.end_value = until if had_cursor[pipe.name] else None
            return super().bind(pipe)

    return BackfillWindow
