"""What a reconcile run changes, decided from two id listings: the warehouse's and the API's.

Pure logic (no I/O): `plan` compares each id's archive/trash state in both and returns the ids
to reload (state changed without the row's timestamp moving, or a row marked deleted that the
API returns again) and the ids the API no longer returns (to mark deleted). Ids the API has and
the warehouse does not are left to the incremental read (older than the loaded window).
"""

from __future__ import annotations

from collections.abc import Hashable, Mapping
from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Any

#: An id's state as compared: (archived at, epoch ms or None; trashed).
State = tuple[int | None, bool]


@dataclass(frozen=True)
class ReconcilePlan:
    reload: list[Hashable]  # present in both, state differs (or was marked deleted): read again
    gone: list[Hashable]  # in the warehouse (not yet deleted), absent from the API: mark deleted

    @property
    def is_empty(self) -> bool:
        return not self.reload and not self.gone


def plan(
    warehouse: Mapping[Any, State], api: Mapping[Any, State], deleted: set[Any]
) -> ReconcilePlan:
    """Compare the warehouse's ids (with `deleted` already marked) with the API's."""
    reload = sorted(
        row_id
        for row_id, state in warehouse.items()
        if row_id in api and (row_id in deleted or api[row_id] != state)
    )
    gone = sorted(row_id for row_id in warehouse if row_id not in api and row_id not in deleted)
    return ReconcilePlan(reload, gone)


def state_of(archived_at: Any, trashed: Any = None) -> State:
    """A comparable state from a warehouse value or an API value (ISO text or datetime)."""
    return (epoch_ms(archived_at), bool(trashed))


def epoch_ms(value: Any) -> int | None:
    """Epoch milliseconds of an ISO timestamp text or a datetime (naive means UTC)."""
    if value is None:
        return None
    if isinstance(value, str):
        value = datetime.fromisoformat(value.replace("Z", "+00:00"))
    if isinstance(value, datetime):
        if value.tzinfo is None:
            value = value.replace(tzinfo=UTC)
        return int(value.timestamp() * 1000)
    if isinstance(value, date):
        return int(datetime(value.year, value.month, value.day, tzinfo=UTC).timestamp() * 1000)
    raise TypeError(f"not a timestamp: {value!r}")


def pages_of(count: int, page_size: int) -> int:
    """Requests to list `count` ids in pages of `page_size` (an empty listing is one request)."""
    return max(1, -(-count // page_size))
