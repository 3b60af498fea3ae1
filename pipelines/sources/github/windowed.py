"""Reading an ascending `sort=updated` listing without deep page numbers.

GitHub answers 422 for page numbers too deep on large datasets, and a page-number read of an
ascending listing skips an item whenever one already read is edited meanwhile (it moves to the
end and the rest shift by one). So a read never goes past `pages_per_window` pages (by default
one: no page number beyond 1, which no edit can shift): it restarts the listing at page 1 with
`since` = the newest `updated_at` it has seen (also on a 422 for a deep page), and drops rows it
already yielded with the same id and `updated_at` (an edited row, with a new `updated_at`, is
yielded again: the merge keeps the newest). It costs the same requests as page numbers, plus one
when the last page is exactly full."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from typing import Any

from pipelines.sources.http import SourceError

Row = dict[str, Any]
#: Opens the listing at `since` (page 1) and returns its pages in order.
OpenListing = Callable[[str], Iterable[list[Row]]]


class DeepPageRefused(SourceError):
    """GitHub refused a page number as too deep for the dataset (its 422); the message names
    the request. Raised out of `read_in_windows` only when a restart cannot help."""


def is_deep_page_refusal(status: int, message: str) -> bool:
    """Whether an error response is GitHub's 422 for page-number pagination on a large set."""
    return status == 422 and "pagination with the page parameter" in message.lower()


def read_in_windows(
    open_listing: OpenListing, since: str, *, page_size: int, pages_per_window: int = 1
) -> Iterator[list[Row]]:
    """The listing's pages, each without the rows already yielded (same id and `updated_at`).
    After `pages_per_window` full pages (or when a deeper page is refused) the listing restarts
    at page 1 from the newest `updated_at` read so far. A window that cannot advance `since`
    (every row read has the same `updated_at`) reads on, and a refusal then fails."""
    seen: set[tuple[Any, str]] = set()
    window_since = since
    while True:
        newest, pages_read, restart = window_since, 0, False
        try:
            for page in open_listing(window_since):
                pages_read += 1
                keys = [(r.get("id"), str(r.get("updated_at") or "")) for r in page]
                fresh = [r for r, key in zip(page, keys, strict=True) if key not in seen]
                seen.update(keys)
                newest = max([newest, *(k[1] for k in keys if k[1])])
                yield fresh
                full = len(page) >= page_size
                if full and pages_read >= pages_per_window and newest > window_since:
                    restart = True
                    break
        except DeepPageRefused:
            if newest <= window_since:
                raise
            restart = True
        if not restart:
            return
        window_since = newest
        # Later windows list only rows changed at or after `newest`.
        seen = {key for key in seen if key[1] >= newest}
