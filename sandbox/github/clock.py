"""GitHub's time forms (whole-second ISO 8601 with 'Z', HTTP dates) and the mutation clock."""

from __future__ import annotations

import threading
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime, parsedate_to_datetime


def gh_time(ts: datetime) -> str:
    """GitHub's timestamp form: UTC, whole seconds, 'Z' suffix (`2011-01-26T19:01:12Z`)."""
    return ts.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def parse_gh_time(text: str) -> datetime:
    """Parse an ISO 8601 timestamp as GitHub accepts it in `since` (raises ValueError)."""
    value = datetime.fromisoformat(text.strip().replace("Z", "+00:00").replace(" ", "+"))
    if value.tzinfo is None:
        value = value.replace(tzinfo=UTC)
    return value.astimezone(UTC)


def http_date(ts: datetime) -> str:
    """An RFC 7231 date for `Last-Modified`."""
    return format_datetime(ts.astimezone(UTC), usegmt=True)


def parse_http_date(text: str) -> datetime | None:
    """An `If-Modified-Since` value as a datetime (None when unparseable)."""
    try:
        value = parsedate_to_datetime(text)
    except (TypeError, ValueError):
        return None
    return value if value.tzinfo else value.replace(tzinfo=UTC)


class MutationClock:
    """Wall-clock time in whole seconds that never repeats: each tick is at least one second
    after the previous one (and after `floor`, the newest generated timestamp); with
    `same_second` set, each tick repeats the previous one."""

    def __init__(self, floor: datetime) -> None:
        self._last = floor.replace(microsecond=0)
        self._lock = threading.Lock()
        #: Stand still: every tick is the second of the previous one (`late_changes.py`).
        self.same_second = False

    def peek(self) -> datetime:
        """The current time as the org sees it (never before the last tick)."""
        with self._lock:
            return max(datetime.now(UTC).replace(microsecond=0), self._last)

    def tick(self) -> datetime:
        """The timestamp for the next mutation."""
        with self._lock:
            if self.same_second:
                return self._last
            now = datetime.now(UTC).replace(microsecond=0)
            self._last = max(now, self._last + timedelta(seconds=1))
            return self._last
