"""What every source shares about talking to an API: dlt's retrying HTTP client extended with
rate-limit awareness, counting into the run summary's counters (`pipelines.sources.stats`,
re-exported here).

dlt's retrying client retries 5xx, 429, timeouts and dropped connections with exponential
backoff and honours `Retry-After`. APIs also signal rate limits in their own ways (Linear: a
`RATELIMITED` error with HTTP 400; GitHub: 403 with `x-ratelimit-remaining: 0`) and say when the
budget resets. A `RateLimitRules` object teaches the client to recognise them: a rate-limited
response is retried after the reset when that is within `max_wait` seconds; otherwise it is
handed back, and the caller raises `RateLimitExhausted` (a `RunStopped`), having told the run's
budget (`pipelines.sources.run_budget`) to stop: resources stop between complete units and the
run loads what it read. Every request first asks the budget whether the run must stop (a spent
rate limit seen elsewhere, or the `--max-duration` deadline).
"""

from __future__ import annotations

import json
import time
from abc import ABC, abstractmethod
from datetime import UTC, datetime
from typing import Any

from dlt.sources.helpers.requests import Client, Response
from dlt.sources.helpers.requests.retry import wait_exponential_retry_after
from dlt.sources.helpers.requests.session import Session
from requests.exceptions import RequestException
from requests.hooks import default_hooks, dispatch_hook
from tenacity import (
    RetryCallState,
    Retrying,
    retry_any,
    retry_if_exception_type,
    stop_after_attempt,
)
from tenacity.retry import retry_base

from pipelines.sources import run_budget
from pipelines.sources.run_budget import RunStopped
from pipelines.sources.stats import ApiStats, Budget, SourceError, reset_stats, stats_for


class RateLimitExhausted(SourceError, RunStopped):
    """The API's budget is spent and resets later than the configured maximum wait."""


class InvalidJsonBody(RequestException):
    """A successful response whose body is not valid JSON (cut short on the way): retried."""


class RateLimitRules(ABC):
    """How one API signals rate limits."""

    api: str

    @abstractmethod
    def is_rate_limited(self, response: Response) -> bool:
        """Whether `response` says the budget is spent (not a normal error)."""

    @abstractmethod
    def seconds_until_reset(self, response: Response) -> float | None:
        """How long to wait before the budget allows another request (None: unknown)."""

    def observe(self, response: Response, stats: ApiStats) -> None:  # noqa: B027 - optional
        """Record the budgets a response reports (for the summary and proactive waits)."""

    def proactive_wait(self, stats: ApiStats) -> float:
        """Seconds to pause before the next request because a budget is already spent."""
        return 0.0


def rate_limit_error(api: str, where: str, wait: float | None) -> RateLimitExhausted:
    """The error for a budget that resets later than `sources.<api>.max_rate_limit_wait`;
    the run's budget is told to stop (resources then stop between complete units)."""
    reset_at = None if wait is None else epoch_to_datetime(datetime.now(UTC).timestamp() + wait)
    run_budget.current().stop_for_rate_limit(api, where, reset_at)
    if reset_at is None or wait is None:
        when = "the API did not say when it resets"
    else:
        when = f"it resets at {reset_at:%Y-%m-%d %H:%M:%S} UTC (in {wait / 60:.1f} min)"
    return RateLimitExhausted(
        f"{where}: rate limit exhausted; {when}, later than the maximum wait "
        f"(sources.{api}.max_rate_limit_wait): rerun after the reset."
    )


def epoch_to_datetime(value: float) -> datetime:
    return datetime.fromtimestamp(value, tz=UTC)


class _RetryOnRateLimit(retry_base):
    def __init__(self, rules: RateLimitRules, max_wait: float) -> None:
        self.rules = rules
        self.max_wait = max_wait

    def __call__(self, retry_state: RetryCallState) -> bool:
        if retry_state.outcome is None or retry_state.outcome.failed:
            return False
        response = retry_state.outcome.result()
        if not self.rules.is_rate_limited(response):
            return False
        wait = self.rules.seconds_until_reset(response)
        return wait is None or wait <= self.max_wait


class _WaitForReset(wait_exponential_retry_after):
    """Wait until a rate limit resets; exponential backoff (with Retry-After) otherwise."""

    def __init__(self, rules: RateLimitRules, stats: ApiStats, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.rules = rules
        self.stats = stats

    def __call__(self, retry_state: RetryCallState) -> float:
        self.stats.add("retries")
        outcome = retry_state.outcome
        if outcome is not None and not outcome.failed:
            response = outcome.result()
            if self.rules.is_rate_limited(response):
                wait = self.rules.seconds_until_reset(response)
                if wait is not None:
                    wait = max(wait, 0.0) + 0.05
                    self.stats.add("rate_limit_waits")
                    self.stats.add("waited_seconds", wait)
                    return wait
        return float(super().__call__(retry_state))


class ApiClient(Client):
    """dlt's retrying `requests` client, aware of one API's rate limits and counting requests."""

    def __init__(
        self,
        rules: RateLimitRules,
        *,
        max_rate_limit_wait: float = 900.0,
        headers: dict[str, str] | None = None,
        **client_options: Any,
    ) -> None:
        super().__init__(raise_for_status=False, **client_options)
        self.rules = rules
        self.max_rate_limit_wait = max_rate_limit_wait
        self.stats = stats_for(rules.api)
        self.headers = headers or {}
        self.configure()  # take timeout and retry settings from dlt's [runtime] config

    def _make_session(self) -> Session:
        session = Session(**self._session_kwargs)  # type: ignore[arg-type]
        session.headers.update(self.headers)
        session.mount("http://", self._adapter)
        session.mount("https://", self._adapter)
        send = session.send
        rules, stats = self.rules, self.stats

        max_wait = self.max_rate_limit_wait

        def counted_send(request: Any, **kwargs: Any) -> Response:
            run_budget.current().check()
            pause = rules.proactive_wait(stats)
            if pause > max_wait:
                raise rate_limit_error(rules.api, f"{rules.api}: GET {_url(request)}", pause)
            if pause > 0:
                stats.add("rate_limit_waits")
                stats.add("waited_seconds", pause)
                time.sleep(pause)
            stats.add("requests")
            response = send(request, **kwargs)
            rules.observe(response, stats)
            if response.status_code == 304:
                stats.add("not_modified")
            elif 200 <= response.status_code < 300 and response.content:
                try:
                    parsed = json.loads(response.content)
                except ValueError:
                    raise InvalidJsonBody(
                        f"{rules.api}: HTTP {response.status_code} from {_url(request)} with a "
                        f"body that is not valid JSON ({len(response.content)} bytes, truncated?)",
                        response=response,
                    ) from None
                # Parsed once: hooks, paginators and data selectors all call .json().
                response.json = lambda **_: parsed  # type: ignore[method-assign]
            return response

        kw = self._retry_kwargs
        retrying = Retrying(
            wait=_WaitForReset(rules, stats, multiplier=kw["backoff_factor"], max=kw["max_delay"]),
            retry=retry_any(
                _RetryOnRateLimit(rules, self.max_rate_limit_wait),
                _retry_if_status_unless_rate_limited(rules, kw["status_codes"]),
                retry_if_exception_type((*kw["exceptions"], InvalidJsonBody)),
            ),
            stop=stop_after_attempt(kw["max_attempts"]),
            reraise=True,
            retry_error_callback=lambda state: state.outcome.result(),  # type: ignore[union-attr]
        )
        send_with_retries = retrying.wraps(counted_send)

        def send_then_hook(request: Any, **kwargs: Any) -> Response:
            # Response hooks (dlt's RESTClient checks) judge the final response, once: run
            # inside requests' send they would raise before a retryable error is retried.
            hooks = request.hooks
            request.hooks = default_hooks()
            try:
                response = send_with_retries(request, **kwargs)
            finally:
                request.hooks = hooks
            return dispatch_hook("response", hooks, response, **kwargs)

        session.send = send_then_hook  # type: ignore[method-assign]
        return session


def _url(request: Any) -> str:
    """The request's URL without its query string (which may carry tokens on some APIs)."""
    return str(getattr(request, "url", "")).split("?", 1)[0]


class _retry_if_status_unless_rate_limited(retry_base):  # noqa: N801 - tenacity naming
    """dlt's default status retry (429, 5xx), except rate limits, which have their own rule."""

    def __init__(self, rules: RateLimitRules, status_codes: Any) -> None:
        self.rules = rules
        self.status_codes = set(status_codes)

    def __call__(self, retry_state: RetryCallState) -> bool:
        if retry_state.outcome is None or retry_state.outcome.failed:
            return False
        response = retry_state.outcome.result()
        if self.rules.is_rate_limited(response):
            return False
        return response.status_code in self.status_codes


__all__ = [
    "ApiClient",
    "ApiStats",
    "Budget",
    "InvalidJsonBody",
    "RateLimitExhausted",
    "RateLimitRules",
    "SourceError",
    "epoch_to_datetime",
    "reset_stats",
    "stats_for",
]
