"""Linear's time forms: epoch milliseconds inside, ISO 8601 with milliseconds and `Z` on the
wire, ISO 8601 durations (`-P2W`) in filters, and a strictly increasing mutation clock."""

from __future__ import annotations

import re
import threading
import time
from datetime import UTC, date, datetime, timedelta
from functools import lru_cache

DAY_MS = 86_400_000
_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
_DURATION = re.compile(
    r"^(?P<sign>[+-])?P(?!$)(?:(?P<Y>\d+)Y)?(?:(?P<M>\d+)M)?(?:(?P<W>\d+)W)?(?:(?P<D>\d+)D)?"
    r"(?:T(?=\d)(?:(?P<h>\d+)H)?(?:(?P<m>\d+)M)?(?:(?P<s>\d+(?:\.\d+)?)S)?)?$"
)


def to_ms(ts: datetime) -> int:
    """Epoch milliseconds of an aware datetime (microseconds truncated)."""
    return (ts - _EPOCH) // timedelta(milliseconds=1)


def iso_ms(ms: int) -> str:
    """`2024-05-01T12:00:00.123Z` for epoch milliseconds (the same text as `company.iso`)."""
    days, rest = divmod(ms, DAY_MS)
    hours, rest = divmod(rest, 3_600_000)
    minutes, rest = divmod(rest, 60_000)
    seconds, millis = divmod(rest, 1000)
    return f"{_date(days)}T{hours:02d}:{minutes:02d}:{seconds:02d}.{millis:03d}Z"


@lru_cache(maxsize=4096)
def _date(days: int) -> str:
    return time.strftime("%Y-%m-%d", time.gmtime(days * 86_400))


def day(ms: int) -> str:
    """The UTC calendar date (`TimelessDate`) of epoch milliseconds."""
    return _date(ms // DAY_MS)


def wall_ms() -> int:
    """The wall clock in epoch milliseconds."""
    return time.time_ns() // 1_000_000


def _add_months(ts: datetime, months: int) -> datetime:
    index = ts.year * 12 + ts.month - 1 + months
    year, month = divmod(index, 12)
    month += 1
    next_month = date(year + (month == 12), month % 12 + 1, 1)
    last_day = (next_month - timedelta(days=1)).day
    return ts.replace(year=year, month=month, day=min(ts.day, last_day))


def parse_duration(text: str, now_ms: int) -> int | None:
    """Now plus an ISO 8601 duration (`-P2W1D`, `-PT1H`, `P1M`) in epoch ms; None if not one."""
    match = _DURATION.match(text.strip())
    if not match:
        return None
    sign = -1 if match["sign"] == "-" else 1
    parts = {
        k: float(v) if k == "s" else int(v)
        for k, v in match.groupdict().items()
        if v is not None and k != "sign"
    }
    ts = datetime.fromtimestamp(now_ms / 1000, UTC)
    months = parts.get("Y", 0) * 12 + parts.get("M", 0)
    if months:
        ts = _add_months(ts, sign * months)
    delta = timedelta(
        weeks=parts.get("W", 0),
        days=parts.get("D", 0),
        hours=parts.get("h", 0),
        minutes=parts.get("m", 0),
        seconds=parts.get("s", 0),
    )
    return to_ms(ts + sign * delta)


def parse_datetime(text: str, now_ms: int | None = None) -> int:
    """Epoch ms of a `DateTime`/`DateTimeOrDuration` input: ISO datetime, date, `2021`,
    `2021-03`, or an ISO 8601 duration added to now. Raises ValueError otherwise."""
    text = text.strip()
    duration = parse_duration(text, wall_ms() if now_ms is None else now_ms)
    if duration is not None:
        return duration
    if re.fullmatch(r"\d{4}", text):
        text += "-01-01"
    elif re.fullmatch(r"\d{4}-\d{2}", text):
        text += "-01"
    ts = datetime.fromisoformat(text)
    if ts.tzinfo is None:
        ts = ts.replace(tzinfo=UTC)
    return to_ms(ts)


class MsClock:
    """A strictly increasing millisecond clock that follows the wall clock when it can."""

    def __init__(self, floor_ms: int) -> None:
        self._last = floor_ms
        self._lock = threading.Lock()

    def next(self) -> int:
        """The current wall-clock ms, or one more than the last value handed out."""
        with self._lock:
            self._last = max(wall_ms(), self._last + 1)
            return self._last
