"""GitHub's rate-limit rules decide how long to wait, from hand-built responses."""

from __future__ import annotations

import json
import time

import pytest
from requests import Response

from pipelines.sources.github.rate_limits import SECONDARY_LIMIT_WAIT, GitHubRateLimits
from pipelines.sources.http import ApiStats

SECONDARY = (
    "You have exceeded a secondary rate limit. Please wait a few minutes before you try again."
)


def response(status: int, message: str = "", **headers: str) -> Response:
    built = Response()
    built.status_code = status
    built.headers.update({k.replace("_", "-"): v for k, v in headers.items()})
    built._content = json.dumps({"message": message, "documentation_url": "https://docs"}).encode()
    return built


def secondary(status: int = 403) -> Response:
    return response(status, SECONDARY, x_ratelimit_remaining="4990", x_ratelimit_reset="9999999999")


def ok() -> Response:
    return response(200, x_ratelimit_remaining="4989")


def test_retry_after_is_the_wait() -> None:
    rules = GitHubRateLimits()
    limited = response(403, SECONDARY, retry_after="7", x_ratelimit_remaining="10")
    assert rules.is_rate_limited(limited)
    assert rules.seconds_until_reset(limited) == 7.0


def test_spent_budget_waits_until_reset() -> None:
    rules = GitHubRateLimits()
    reset = time.time() + 120
    limited = response(
        403, "API rate limit exceeded", x_ratelimit_remaining="0", x_ratelimit_reset=str(reset)
    )
    assert rules.is_rate_limited(limited)
    wait = rules.seconds_until_reset(limited)
    assert wait is not None and 110 < wait <= 120


@pytest.mark.parametrize("status", [403, 429])
def test_secondary_limit_without_retry_after_waits_a_minute(status: int) -> None:
    rules = GitHubRateLimits()
    limited = secondary(status)
    rules.observe(limited, ApiStats("github"))
    assert rules.is_rate_limited(limited)
    assert rules.seconds_until_reset(limited) == SECONDARY_LIMIT_WAIT == 60.0


def test_repeated_secondary_limits_double_until_a_success() -> None:
    rules, stats = GitHubRateLimits(secondary_limit_wait=0.5), ApiStats("github")
    waits = []
    for _ in range(3):
        limited = secondary()
        rules.observe(limited, stats)
        waits.append(rules.seconds_until_reset(limited))
    assert waits == [0.5, 1.0, 2.0]
    rules.observe(ok(), stats)
    limited = secondary()
    rules.observe(limited, stats)
    assert rules.seconds_until_reset(limited) == 0.5


def test_a_plain_forbidden_is_not_a_rate_limit() -> None:
    rules = GitHubRateLimits()
    forbidden = response(403, "Resource not accessible by integration", x_ratelimit_remaining="9")
    rules.observe(forbidden, ApiStats("github"))
    assert not rules.is_rate_limited(forbidden)
    assert rules.secondary_hits == 0
