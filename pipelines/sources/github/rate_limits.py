"""How GitHub signals rate limits (403 or 429), and how long each asks to wait:
`retry-after` seconds when present; until `x-ratelimit-reset` (epoch seconds) when
`x-ratelimit-remaining` is 0 (the primary limit); otherwise a secondary limit without a
`retry-after` (its message says so): at least a minute, doubling on consecutive hits."""

from __future__ import annotations

import threading
import time

from dlt.sources.helpers.requests import Response

from pipelines.sources.http import ApiStats, Budget, RateLimitRules, epoch_to_datetime

#: GitHub's advice for a secondary limit without `retry-after`: wait at least a minute.
SECONDARY_LIMIT_WAIT = 60.0


def is_secondary_limit_message(response: Response) -> bool:
    """Whether the body's `message` names a secondary rate limit."""
    try:
        body = response.json()
    except ValueError:
        return False
    message = body.get("message") if isinstance(body, dict) else None
    return isinstance(message, str) and "secondary rate limit" in message.lower()


class GitHubRateLimits(RateLimitRules):
    """Recognises GitHub's primary and secondary limits and pauses before a spent budget.

    `secondary_limit_wait` is the first wait for a secondary limit without `retry-after`;
    each consecutive one doubles it, and any successful response starts over.
    """

    api = "github"

    def __init__(self, secondary_limit_wait: float = SECONDARY_LIMIT_WAIT) -> None:
        self.secondary_limit_wait = secondary_limit_wait
        self.secondary_hits = 0
        self._lock = threading.Lock()

    def is_rate_limited(self, response: Response) -> bool:
        if response.status_code not in (403, 429):
            return False
        headers = response.headers
        if "retry-after" in headers or headers.get("x-ratelimit-remaining") == "0":
            return True
        return is_secondary_limit_message(response)

    def seconds_until_reset(self, response: Response) -> float | None:
        headers = response.headers
        retry_after = headers.get("retry-after")
        if retry_after and retry_after.strip().isdigit():
            return float(retry_after)
        reset = headers.get("x-ratelimit-reset")
        if headers.get("x-ratelimit-remaining") == "0":
            return float(reset) - time.time() if reset else None
        if response.status_code in (403, 429) and is_secondary_limit_message(response):
            repeats = max(self.secondary_hits - 1, 0)
            return self.secondary_limit_wait * 2**repeats
        return None

    def observe(self, response: Response, stats: ApiStats) -> None:
        self._count_secondary_hits(response)
        headers = response.headers
        limit = headers.get("x-ratelimit-limit")
        if limit is None:
            return
        resource = headers.get("x-ratelimit-resource", "core")
        remaining = headers.get("x-ratelimit-remaining")
        reset = headers.get("x-ratelimit-reset")
        stats.budgets[resource] = Budget(
            limit=int(limit),
            remaining=int(remaining) if remaining is not None else None,
            reset_at=epoch_to_datetime(float(reset)) if reset else None,
        )

    def _count_secondary_hits(self, response: Response) -> None:
        """Consecutive secondary limits without `retry-after`; reset by a success."""
        with self._lock:
            if response.status_code < 400:
                self.secondary_hits = 0
            elif (
                response.status_code in (403, 429)
                and "retry-after" not in response.headers
                and response.headers.get("x-ratelimit-remaining") != "0"
                and is_secondary_limit_message(response)
            ):
                self.secondary_hits += 1

    def proactive_wait(self, stats: ApiStats) -> float:
        """Wait for the reset instead of sending a request the spent budget would refuse."""
        budget = stats.budgets.get("core")
        if budget is None or budget.remaining is None or budget.remaining > 0:
            return 0.0
        if budget.reset_at is None:
            return 0.0
        return max(budget.reset_at.timestamp() - time.time(), 0.0) + 0.05
