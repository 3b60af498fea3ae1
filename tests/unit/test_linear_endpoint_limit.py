"""Linear's endpoint-specific limit headers say when to resume (issue 12, item 9)."""

from __future__ import annotations

import json
import time

from requests import Response

from pipelines.sources.linear.client import LinearRateLimits


def _endpoint_limited(reset_in: float) -> Response:
    response = Response()
    response.status_code = 400
    response._content = json.dumps(
        {"errors": [{"message": "Rate limit exceeded", "extensions": {"code": "RATELIMITED"}}]}
    ).encode()
    response.headers["X-RateLimit-Requests-Remaining"] = "1200"
    response.headers["X-RateLimit-Endpoint-Requests-Limit"] = "60"
    response.headers["X-RateLimit-Endpoint-Requests-Remaining"] = "0"
    response.headers["X-RateLimit-Endpoint-Requests-Reset"] = str(
        int((time.time() + reset_in) * 1000)
    )
    return response


def test_endpoint_limit_waits_for_its_reset() -> None:
    rules = LinearRateLimits()
    response = _endpoint_limited(120)
    assert rules.is_rate_limited(response)
    wait = rules.seconds_until_reset(response)
    assert wait is not None and 100 < wait <= 120
