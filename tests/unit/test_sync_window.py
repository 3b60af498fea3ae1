"""The Linear sync window on its own: cursor, overlap fingerprints, pruning, reference rows."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest

from pipelines.sources.linear import sync_window
from pipelines.sources.linear.sync_window import SyncWindow


def rows(n: int, start: int = 0) -> list[dict[str, Any]]:
    return [
        {"id": str(i), "updatedAt": f"2026-01-01T{i // 60:02d}:{i % 60:02d}:00.000Z"}
        for i in range(start, start + n)
    ]


def window(state: dict[str, Any], incremental: bool = True) -> SyncWindow:
    return SyncWindow(
        state,
        cursor_fields=("updatedAt",),
        incremental=incremental,
        since=None,
        backfill=False,
        overlap=timedelta(minutes=5),
    )


@pytest.mark.parametrize("prune_at", [10, 1_000_000])
def test_cursor_and_overlap_fingerprints(monkeypatch: pytest.MonkeyPatch, prune_at: int) -> None:
    monkeypatch.setattr(sync_window, "PRUNE_AT", prune_at)
    state: dict[str, Any] = {}
    first = window(state)
    data = rows(300)
    loaded = [r for k in range(0, 300, 7) for r in first.select(data[k : k + 7])]
    first.commit()
    assert len(loaded) == 300
    assert state["cursor"] == "2026-01-01T04:59:00.000Z"
    # Only the rows inside the overlap (04:54 to 04:59) keep a fingerprint, pruned or not.
    assert sorted(state["seen"], key=int) == [str(i) for i in range(294, 300)]

    second = window(state)
    assert second.lower_bound().isoformat() == "2026-01-01T04:54:00+00:00"
    again = [*data[294:], {**data[296], "title": "changed"}]
    assert [r["id"] for r in second.select(again)] == ["296"]


def test_reference_rows_load_only_when_they_change() -> None:
    state: dict[str, Any] = {}
    first = window(state, incremental=False)
    assert len(list(first.select(rows(5)))) == 5
    first.commit()
    second = window(state, incremental=False)
    assert second.lower_bound() is None
    changed = rows(5)
    changed[2]["name"] = "renamed"
    assert [r["id"] for r in second.select(changed)] == ["2"]
