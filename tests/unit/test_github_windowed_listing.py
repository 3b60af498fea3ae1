"""`read_in_windows` against an in-memory ascending `sort=updated` listing with page numbers,
GitHub's 422 beyond a page and edits between requests."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import pytest

from pipelines.sources.github.windowed import (
    DeepPageRefused,
    is_deep_page_refusal,
    read_in_windows,
)


def ts(second: int) -> str:
    return f"2026-01-01T00:{second // 60:02d}:{second % 60:02d}Z"


class Listing:
    """GitHub's listing: rows with `updated_at >= since`, oldest change first, by page number;
    `before_request(n)` runs before the n-th request (1-based)."""

    def __init__(self, seconds: list[int], page_size: int, max_page: int | None = None) -> None:
        self.rows = [{"id": i + 1, "updated_at": ts(s)} for i, s in enumerate(seconds)]
        self.page_size, self.max_page = page_size, max_page
        self.requests: list[tuple[str, int]] = []
        self.before_request: Callable[[int], None] = lambda n: None

    def edit(self, row_id: int, second: int) -> None:
        row = next(r for r in self.rows if r["id"] == row_id)
        row["updated_at"] = ts(second)

    def open(self, since: str) -> Iterator[list[dict[str, Any]]]:
        page = 1
        while True:
            self.before_request(len(self.requests) + 1)
            self.requests.append((since, page))
            if self.max_page is not None and page > self.max_page:
                raise DeepPageRefused("Pagination with the page parameter is not supported")
            listed = sorted(
                (r for r in self.rows if r["updated_at"] >= since),
                key=lambda r: (r["updated_at"], r["id"]),
            )
            chunk = listed[(page - 1) * self.page_size : page * self.page_size]
            yield [dict(r) for r in chunk]
            if page * self.page_size >= len(listed):
                return
            page += 1

    def read(self, **options: Any) -> list[dict[str, Any]]:
        pages = read_in_windows(self.open, ts(0), page_size=self.page_size, **options)
        return [row for page in pages for row in page]


def latest(rows: list[dict[str, Any]]) -> dict[int, str]:
    out: dict[int, str] = {}
    for row in rows:
        out[row["id"]] = max(out.get(row["id"], ""), row["updated_at"])
    return out


def test_reads_every_row_once_with_as_many_requests_as_pages() -> None:
    listing = Listing(list(range(1, 12)), page_size=5)
    rows = listing.read()
    assert [r["id"] for r in rows] == list(range(1, 12))
    assert len(listing.requests) == 3
    assert all(page == 1 for _, page in listing.requests)


def test_an_exactly_full_last_page_costs_one_request_more() -> None:
    listing = Listing(list(range(1, 11)), page_size=5)
    assert len(listing.read()) == 10
    assert len(listing.requests) == 3  # the third lists only the boundary row, dropped


def test_page_numbers_skip_a_row_edited_during_the_read() -> None:
    """The behaviour the windows avoid: with page numbers, row 6 is never listed."""
    listing = Listing(list(range(1, 12)), page_size=5)
    listing.before_request = lambda n: listing.edit(1, 100) if n == 2 else None
    rows = listing.read(pages_per_window=99)
    assert 6 not in latest(rows)


def test_an_edit_during_the_read_skips_nothing_and_yields_the_edit() -> None:
    listing = Listing(list(range(1, 12)), page_size=5)
    listing.before_request = lambda n: listing.edit(1, 100) if n == 2 else None
    rows = listing.read()
    assert latest(rows) == {r["id"]: r["updated_at"] for r in listing.rows}
    assert [r["id"] for r in rows].count(1) == 2  # first as read, then as edited


def test_a_refused_deep_page_restarts_at_the_newest_row() -> None:
    listing = Listing(list(range(1, 30)), page_size=3, max_page=2)
    rows = listing.read(pages_per_window=5)
    assert [r["id"] for r in rows] == list(range(1, 30))
    assert max(page for _, page in listing.requests) == 3  # refused, then restarted


def test_a_second_holding_more_than_a_page_reads_on() -> None:
    listing = Listing([5] * 7 + [6, 7], page_size=3)
    rows = listing.read()
    assert sorted(r["id"] for r in rows) == list(range(1, 10))


def test_a_refusal_that_cannot_advance_fails() -> None:
    listing = Listing([5] * 10, page_size=3, max_page=2)
    with pytest.raises(DeepPageRefused):
        listing.read()


def test_the_refusal_is_told_from_other_422s() -> None:
    message = (
        "Pagination with the page parameter is not supported for large datasets, "
        "please use cursor based pagination"
    )
    assert is_deep_page_refusal(422, message)
    assert not is_deep_page_refusal(422, "Validation Failed")
    assert not is_deep_page_refusal(403, message)
