"""The HTTP client's retry and wait decisions (`pipelines.sources.http.ApiClient` with GitHub's
rate-limit rules), against a scripted fake transport, a fixed clock and a recording sleep: which
responses are retried, how long each wait is, what is handed back, what is counted. No server,
no real waiting."""

from __future__ import annotations

import json
import time
from collections.abc import Iterator
from typing import Any

import pytest
from dlt.common.configuration.specs import RuntimeConfiguration
from requests import PreparedRequest, Response
from requests.adapters import BaseAdapter

from pipelines.sources import run_budget
from pipelines.sources.github import rate_limits
from pipelines.sources.github.rate_limits import GitHubRateLimits
from pipelines.sources.http import ApiClient, RateLimitExhausted, reset_stats

NOW = 1_800_000_000.0  # the fixed clock GitHub's reset times are measured against
URL = "http://api.test/repos/acme/api/pulls"
SECONDARY = "You have exceeded a secondary rate limit. Please wait a few minutes."
#: Backoff of the client under test: 1 s, doubling, at most 16 s; 4 attempts a request.
BACKOFF = {"request_max_attempts": 4, "request_backoff_factor": 1, "request_max_retry_delay": 16}


class Script(BaseAdapter):
    """A transport that answers each request with the next scripted response."""

    def __init__(self, *answers: tuple[int, dict[str, str], Any]) -> None:
        super().__init__()
        self.answers = list(answers)
        self.sent = 0

    def send(self, request: PreparedRequest, **kwargs: Any) -> Response:  # type: ignore[override]
        status, headers, body = self.answers[self.sent]
        self.sent += 1
        response = Response()
        response.status_code = status
        response.headers.update(headers)
        response._content = body if isinstance(body, bytes) else json.dumps(body).encode()
        response.request, response.url = request, str(request.url)
        return response

    def close(self) -> None:
        pass


@pytest.fixture
def sleeps(monkeypatch: pytest.MonkeyPatch) -> Iterator[list[float]]:
    """Every sleep (tenacity's between attempts, the client's proactive pauses), recorded
    instead of waited; GitHub's rules read the fixed clock; a fresh run budget and counters."""
    slept: list[float] = []
    monkeypatch.setattr(time, "sleep", slept.append)
    monkeypatch.setattr(rate_limits, "time", type("Clock", (), {"time": staticmethod(lambda: NOW)}))
    run_budget.start_run()
    reset_stats("github")
    yield slept
    run_budget.start_run()
    reset_stats("github")


def client(
    script: Script, max_wait: float = 900, rules: GitHubRateLimits | None = None
) -> ApiClient:
    api = ApiClient(rules or GitHubRateLimits(), max_rate_limit_wait=max_wait)
    api.update_from_config(RuntimeConfiguration(**BACKOFF))  # type: ignore[arg-type]
    api.session.mount("http://", script)
    return api


def ok(**headers: str) -> tuple[int, dict[str, str], Any]:
    return 200, headers, [{"id": 1}]


def limited(status: int, message: str = "API rate limit exceeded", **headers: str) -> Any:
    return status, {k.replace("_", "-"): v for k, v in headers.items()}, {"message": message}


def test_server_errors_back_off_exponentially_then_succeed(sleeps: list[float]) -> None:
    script = Script((502, {}, {}), (503, {}, {}), (500, {}, {}), ok())
    api = client(script)
    response = api.get(URL)
    assert response.status_code == 200 and response.json() == [{"id": 1}]
    assert script.sent == 4
    assert sleeps == [1.0, 2.0, 4.0]
    assert (api.stats.requests, api.stats.retries, api.stats.rate_limit_waits) == (4, 3, 0)


def test_server_errors_give_up_after_the_last_attempt(sleeps: list[float]) -> None:
    script = Script(*[(500, {}, {})] * 5)
    response = client(script).get(URL)
    assert response.status_code == 500  # handed back: the caller raises
    assert script.sent == 4 and sleeps == [1.0, 2.0, 4.0]


def test_a_server_error_with_retry_after_waits_as_told(sleeps: list[float]) -> None:
    script = Script((503, {"Retry-After": "9"}, {}), ok())
    assert client(script).get(URL).status_code == 200
    assert sleeps == [9.0]


def test_client_errors_are_not_retried(sleeps: list[float]) -> None:
    script = Script((404, {}, {"message": "Not Found"}), ok())
    api = client(script)
    assert api.get(URL).status_code == 404
    assert script.sent == 1 and sleeps == [] and api.stats.retries == 0


def test_a_plain_forbidden_is_not_a_rate_limit(sleeps: list[float]) -> None:
    script = Script(limited(403, "Resource not accessible", x_ratelimit_remaining="10"), ok())
    assert client(script).get(URL).status_code == 403
    assert script.sent == 1 and sleeps == []


@pytest.mark.parametrize("status", [403, 429])
def test_retry_after_is_waited_exactly(sleeps: list[float], status: int) -> None:
    script = Script(limited(status, SECONDARY, retry_after="7"), ok())
    api = client(script)
    assert api.get(URL).status_code == 200
    assert sleeps == [7.05]  # the reset plus a margin
    assert (api.stats.rate_limit_waits, api.stats.waited_seconds) == (1, 7.05)


def test_a_spent_budget_waits_until_x_ratelimit_reset(sleeps: list[float]) -> None:
    reset = str(int(NOW + 120))
    script = Script(limited(403, x_ratelimit_remaining="0", x_ratelimit_reset=reset), ok())
    assert client(script).get(URL).status_code == 200
    assert script.sent == 2 and sleeps == [120.05]


def test_a_reset_later_than_the_maximum_wait_is_handed_back(sleeps: list[float]) -> None:
    reset = str(int(NOW + 3600))
    script = Script(limited(403, x_ratelimit_remaining="0", x_ratelimit_reset=reset), ok())
    response = client(script, max_wait=900).get(URL)
    assert response.status_code == 403  # the source raises RateLimitExhausted from it
    assert script.sent == 1 and sleeps == []


def test_secondary_limits_without_retry_after_wait_a_minute_doubling(sleeps: list[float]) -> None:
    secondary = limited(403, SECONDARY, x_ratelimit_remaining="4000")
    script = Script(secondary, secondary, ok(), secondary, ok())
    api = client(script)
    assert api.get(URL).status_code == 200
    assert sleeps == [60.05, 120.05]
    assert api.get(URL).status_code == 200  # a success started the doubling over
    assert sleeps == [60.05, 120.05, 60.05]
    assert api.stats.rate_limit_waits == 3 and script.sent == 5


def test_a_truncated_body_is_retried(sleeps: list[float]) -> None:
    script = Script((200, {}, b'[{"id": 1'), ok())
    response = client(script).get(URL)
    assert response.json() == [{"id": 1}]
    assert script.sent == 2 and sleeps == [1.0]


def test_a_known_spent_budget_pauses_before_the_next_request(sleeps: list[float]) -> None:
    spent = {"x-ratelimit-limit": "5000", "x-ratelimit-remaining": "0"}
    script = Script(ok(**spent, **{"x-ratelimit-reset": str(int(NOW + 30))}), ok())
    api = client(script)
    api.get(URL)
    assert sleeps == []
    api.get(URL)
    assert sleeps == [30.05] and script.sent == 2
    assert api.stats.budgets["core"].remaining == 0


def test_a_known_budget_spent_past_the_maximum_wait_stops_the_run(sleeps: list[float]) -> None:
    spent = {"x-ratelimit-limit": "5000", "x-ratelimit-remaining": "0"}
    script = Script(ok(**spent, **{"x-ratelimit-reset": str(int(NOW + 3600))}), ok())
    api = client(script, max_wait=900)
    api.get(URL)
    with pytest.raises(RateLimitExhausted, match="rate limit exhausted"):
        api.get(URL)
    assert script.sent == 1 and sleeps == []
    reason = run_budget.current().stop_reason
    assert reason is not None and reason.kind == "rate_limit" and reason.api == "github"
