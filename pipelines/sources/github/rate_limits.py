"""How GitHub signals rate limits: 403 or 429, with `retry-after` (secondary limits) or
`x-ratelimit-remaining: 0` and `x-ratelimit-reset` in epoch seconds (the primary limit)."""

from __future__ import annotations

import time

from dlt.sources.helpers.requests import Response

from pipelines.sources.http import ApiStats, Budget, RateLimitRules, epoch_to_datetime


class GitHubRateLimits(RateLimitRules):
    """Recognises GitHub's primary and secondary limits and pauses before a spent budget."""

    api = "github"

    def is_rate_limited(self, response: Response) -> bool:
        if response.status_code not in (403, 429):
            return False
        headers = response.headers
        return "retry-after" in headers or headers.get("x-ratelimit-remaining") == "0"

    def seconds_until_reset(self, response: Response) -> float | None:
        retry_after = response.headers.get("retry-after")
        if retry_after and retry_after.strip().isdigit():
            return float(retry_after)
        reset = response.headers.get("x-ratelimit-reset")
        return float(reset) - time.time() if reset else None

    def observe(self, response: Response, stats: ApiStats) -> None:
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

    def proactive_wait(self, stats: ApiStats) -> float:
        """Wait for the reset instead of sending a request the spent budget would refuse."""
        budget = stats.budgets.get("core")
        if budget is None or budget.remaining is None or budget.remaining > 0:
            return 0.0
        if budget.reset_at is None:
            return 0.0
        return max(budget.reset_at.timestamp() - time.time(), 0.0) + 0.05
