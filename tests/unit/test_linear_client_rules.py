"""Linear's rate-limit headers and partial answers, as pure logic (no sandbox)."""

from __future__ import annotations

import json
import time
from typing import Any

from requests import Response

from pipelines.sources.http import ApiStats
from pipelines.sources.linear.client import LinearRateLimits, _has_root


def response(body: Any, headers: dict[str, str], status: int = 400) -> Response:
    out = Response()
    out.status_code = status
    out._content = json.dumps(body).encode()
    out.headers.update(headers)
    return out


def test_endpoint_budget_alone_gives_the_reset() -> None:
    reset_ms = int((time.time() + 30) * 1000)
    limited = response(
        {"errors": [{"message": "limited", "extensions": {"code": "RATELIMITED"}}]},
        {
            "X-RateLimit-Requests-Remaining": "4000",
            "X-RateLimit-Requests-Reset": str(reset_ms + 3_000_000),
            "X-RateLimit-Endpoint-Requests-Limit": "100",
            "X-RateLimit-Endpoint-Requests-Remaining": "0",
            "X-RateLimit-Endpoint-Requests-Reset": str(reset_ms),
        },
    )
    rules = LinearRateLimits()
    assert rules.is_rate_limited(limited)
    wait = rules.seconds_until_reset(limited)
    assert wait is not None and 0 < wait <= 30
    stats = ApiStats("linear")
    rules.observe(limited, stats)
    assert stats.budgets["endpoint-requests"].remaining == 0


def test_partial_answer_needs_the_root_field() -> None:
    errors = [{"message": "Entity not found", "path": ["issues", "nodes", 0, "team"]}]
    partial = response({"data": {"issues": {"nodes": []}}, "errors": errors}, {}, 200)
    assert _has_root(partial, "issues")
    assert not _has_root(response({"data": None, "errors": errors}, {}, 200), "issues")
    assert not _has_root(response({"data": {}, "errors": errors}, {}, 200), "issues")


def test_requests_in_flight_take_from_the_budget_so_none_is_sent_refused() -> None:
    """Read concurrently, two requests sent on the last unit of budget would both go out; each
    request takes one as it is sent, and an answer to an earlier request (sent before others
    were) does not give it back within the same window."""
    reset_ms = str(int((time.time() + 3600) * 1000))

    def answer(remaining: int) -> Response:
        return response(
            {"data": {}},
            {
                "X-RateLimit-Requests-Limit": "100",
                "X-RateLimit-Requests-Remaining": str(remaining),
                "X-RateLimit-Requests-Reset": reset_ms,
            },
            200,
        )

    rules, stats = LinearRateLimits(), ApiStats("linear")
    rules.observe(answer(2), stats)
    assert rules.proactive_wait(stats) == 0  # first request in flight: 1 left
    assert rules.proactive_wait(stats) == 0  # second: none left
    assert rules.proactive_wait(stats) > 3000  # a third waits for the reset instead of a refusal
    rules.observe(answer(1), stats)  # the first request's answer, counted before the second
    assert stats.budgets["requests"].remaining == 0
    assert rules.proactive_wait(stats) > 3000
