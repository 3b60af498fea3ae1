"""Two behaviours of GitHub's page-number listings that real accounts meet, both switched off by
default (`GitHubServer(max_page=..., edit_during_read=...)`, or `Sandbox(github_options=...)`):

- `max_page`: beyond that page number a listing answers 422 ("Pagination with the page
  parameter is not supported for large datasets, please use cursor based pagination"), as
  GitHub does on large datasets;
- `edit_during_read`: the second request of a repository's comment listing first edits the
  comment listed first by the listing's first request, so it moves to the end of an ascending
  `sort=updated` listing and every later page shifts by one: page-number reading skips an item.
  Only the comment changes (its `updated_at` and body), not its pull request.
"""

from __future__ import annotations

import threading
from typing import Any

from sandbox.github.responses import GitHubResponse

DEEP_PAGE_MESSAGE = (
    "Pagination with the page parameter is not supported for large datasets, "
    "please use cursor based pagination"
)
DEEP_PAGE_DOCS = "https://docs.github.com/rest/using-the-rest-api/using-pagination-in-the-rest-api"


def deep_page_error() -> GitHubResponse:
    """GitHub's 422 for a page number too deep for the dataset."""
    body = {"message": DEEP_PAGE_MESSAGE, "documentation_url": DEEP_PAGE_DOCS, "status": "422"}
    return GitHubResponse(422, body)


class ListingEdits:
    """Edits one comment per listing (kind and repository) between its first two requests."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._first: dict[str, Any] = {}  # listing -> the comment its first request listed first
        self._done: set[str] = set()

    @property
    def edited(self) -> list[str]:
        """The listings ("pulls.comments acme/api") whose comment was edited."""
        with self._lock:
            return sorted(self._done)

    def before_request(self, listing: str, rows: list[Any], clock: Any) -> bool:
        """Call with the rows a request would list, before paging them. Edits (and returns
        True) at the listing's second request; records the first row at its first."""
        with self._lock:
            if listing in self._done:
                return False
            if listing not in self._first:
                if rows:
                    self._first[listing] = rows[0]
                return False
            comment = self._first[listing]
            self._done.add(listing)
        comment.body += " (edited)"
        comment.updated_at = clock.tick()
        return True
