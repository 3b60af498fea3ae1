"""Two ways real GitHub stamps changes that a reader starting exactly at its cursor misses, both
switched off by default (`GitHubServer(late_visibility=..., same_second_changes=...)`, or
`Sandbox(github_options=...)`):

- `late_visibility` (seconds): a change is stamped that many seconds before the newest
  `updated_at` already served by its listing (a repository's review comments, conversation
  comments or GraphQL pull requests), as a write that became visible late (replication lag,
  clock skew between writers) looks to a reader: older than rows it has already read. Applies
  to `edit_comments` and `update_pulls` (and the pull requests they touch); a row whose own
  `updated_at` is already later keeps the ordinary stamp.
- `same_second_changes`: every mutation is stamped with the second of the previous one (the
  mutation clock stands still), as two writes within one second are with GitHub's
  whole-second timestamps: a row changed again keeps the `updated_at` a reader already saw.
"""

from __future__ import annotations

import threading
from collections.abc import Iterable
from datetime import datetime, timedelta


class LateChanges:
    """The newest `updated_at` each listing served, and the stamps backdated from it."""

    def __init__(self, lag_seconds: float) -> None:
        self.lag = timedelta(seconds=lag_seconds)
        self._lock = threading.Lock()
        self._served: dict[str, datetime] = {}
        #: (listing, stamp given, newest served then) of every backdated change.
        self.backdated: list[tuple[str, datetime, datetime]] = []

    def served(self, listing: str, stamps: Iterable[datetime]) -> None:
        """Record the `updated_at` of rows a response of `listing` returned."""
        newest = max(stamps, default=None)
        if newest is None:
            return
        with self._lock:
            if listing not in self._served or newest > self._served[listing]:
                self._served[listing] = newest

    def stamp(self, listing: str, at: datetime, current: datetime) -> datetime:
        """The `updated_at` for a change at `at` of a row of `listing` now stamped `current`:
        `lag` before the newest served, unless that is not after `current` (then `at`)."""
        with self._lock:
            newest = self._served.get(listing)
            if newest is None or newest - self.lag <= current:
                return at
            self.backdated.append((listing, newest - self.lag, newest))
            return newest - self.lag
