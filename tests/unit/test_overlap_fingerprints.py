"""`pipelines.sources.overlap.Fingerprints`: rows re-read unchanged inside the overlap are
dropped, changed ones (even within the same second) and late ones are kept, and the state keeps
only what the next run's overlap reads again."""

from __future__ import annotations

from typing import Any

from pipelines.sources.overlap import STATE_KEY, Fingerprints, before


def row(row_id: int, at: str, title: str = "t") -> dict[str, Any]:
    return {"id": row_id, "updated_at": at, "title": title}


def loaded_once(rows: list[dict[str, Any]], overlap: int = 300) -> dict[str, Any]:
    """The state after one run that loaded `rows`."""
    state: dict[str, Any] = {}
    window = Fingerprints(state, overlap)
    assert window.fresh(rows) == rows  # nothing was loaded before
    window.commit(None)
    return state


def test_unchanged_rows_are_dropped_and_changed_ones_kept_in_the_same_second() -> None:
    state = loaded_once([row(1, "2026-06-01T10:00:00Z"), row(2, "2026-06-01T09:58:00Z")])
    window = Fingerprints(state, 300)
    again = [
        row(1, "2026-06-01T10:00:00Z", "changed in the cursor's second"),
        row(2, "2026-06-01T09:58:00Z"),  # unchanged
        row(3, "2026-06-01T09:57:00Z"),  # shown late, older than the cursor
    ]
    assert [r["id"] for r in window.fresh(again)] == [1, 3]


def test_commit_keeps_only_the_next_overlap() -> None:
    state = loaded_once(
        [
            row(1, "2026-06-01T09:00:00Z"),
            row(2, "2026-06-01T09:56:00Z"),
            row(3, "2026-06-01T10:00:00Z"),
        ]
    )
    assert set(state[STATE_KEY]) == {"2", "3"}  # 09:00 is before 10:00 - 5 min
    assert before("2026-06-01T10:00:00Z", 300) == "2026-06-01T09:55:00Z"


def test_forget_from_drops_rows_loaded_incompletely() -> None:
    state = loaded_once([row(1, "2026-06-01T10:00:00Z"), row(2, "2026-06-01T09:59:00Z")])
    window = Fingerprints(state, 300)
    window.fresh([row(1, "2026-06-01T10:00:00Z", "partial"), row(2, "2026-06-01T09:59:00Z")])
    window.commit("2026-06-01T10:00:00Z", forget_from="2026-06-01T10:00:00Z")
    assert set(state[STATE_KEY]) == {"2"}  # the next run loads row 1 again, whatever it holds
    assert Fingerprints(state, 300).fresh([row(1, "2026-06-01T10:00:00Z", "partial")])
