"""Talking to Linear's GraphQL endpoint: auth, rate-limit rules, Relay paging, error checks."""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Iterator
from typing import Any

from dlt.sources.helpers.requests import Response
from dlt.sources.helpers.rest_client import RESTClient
from dlt.sources.helpers.rest_client.paginators import JSONResponseCursorPaginator

from pipelines.sources.http import (
    ApiClient,
    ApiStats,
    Budget,
    RateLimitRules,
    SourceError,
    epoch_to_datetime,
    rate_limit_error,
)

log = logging.getLogger(__name__)

#: Linear's budgets, as named in `X-RateLimit-<Budget>-Limit/-Remaining/-Reset` headers.
BUDGETS = ("requests", "complexity", "endpoint-requests")
REQUEST_BUDGETS = ("requests", "endpoint-requests")  # one taken per request
#: Requests in flight at once (`sources.linear.max_concurrency`): entities are read in parallel.
DEFAULT_MAX_CONCURRENCY = 4


def _errors(response: Response) -> list[dict[str, Any]]:
    try:
        body = response.json()
    except ValueError:
        return []
    errors = body.get("errors") if isinstance(body, dict) else None
    return errors if isinstance(errors, list) else []


def _is_ratelimited_error(error: dict[str, Any]) -> bool:
    extensions = error.get("extensions") or {}
    return extensions.get("code") == "RATELIMITED" or extensions.get("type") == "ratelimited"


def _has_root(response: Response, root_field: str) -> bool:
    """Whether the answer carries data for `root_field` (a partial answer, not a failed one)."""
    body = response.json()
    data = body.get("data") if isinstance(body, dict) else None
    return isinstance(data, dict) and isinstance(data.get(root_field), dict)


def _report_partial(root_field: str, errors: list[dict[str, Any]], stats: ApiStats) -> None:
    """Log each error of a partial answer by entity and path, and count it for the summary."""
    for error in errors:
        path = ".".join(str(p) for p in error.get("path") or []) or "(no path)"
        log.warning(
            "linear: partial answer for %s: %s at %s (loaded as null)",
            root_field,
            error.get("message", "error"),
            path,
        )
        stats.add("partial_errors")


class LinearRateLimits(RateLimitRules):
    """Linear reports `RATELIMITED` errors (HTTP 400 or 429) and `X-RateLimit-*` budgets
    whose resets are epoch milliseconds.

    Thread-safe: entities are read concurrently, so the budgets are read and written under a
    lock, and each request about to be sent takes one from the request budgets it knows
    (a response never raises them again within the same window), so concurrent requests do not
    all spend the last one and come back refused."""

    api = "linear"

    def __init__(self) -> None:
        self._lock = threading.Lock()

    def is_rate_limited(self, response: Response) -> bool:
        if response.status_code not in (400, 429):
            return False
        return any(_is_ratelimited_error(e) for e in _errors(response))

    def seconds_until_reset(self, response: Response) -> float | None:
        retry_after = response.headers.get("Retry-After")
        if retry_after and retry_after.strip().isdigit():
            return float(retry_after)
        resets = []
        for budget in BUDGETS:
            remaining = response.headers.get(f"X-RateLimit-{budget.title()}-Remaining")
            reset = response.headers.get(f"X-RateLimit-{budget.title()}-Reset")
            if reset and (remaining is None or float(remaining) <= 0):
                resets.append(float(reset) / 1000 - time.time())
        return max(resets) if resets else None

    def observe(self, response: Response, stats: ApiStats) -> None:
        with self._lock:
            for budget in BUDGETS:
                prefix = f"X-RateLimit-{budget.title()}-"
                limit = response.headers.get(prefix + "Limit")
                if limit is None:
                    continue
                remaining = response.headers.get(prefix + "Remaining")
                reset = response.headers.get(prefix + "Reset")
                seen = Budget(
                    limit=int(float(limit)),
                    remaining=int(float(remaining)) if remaining is not None else None,
                    reset_at=epoch_to_datetime(float(reset) / 1000) if reset else None,
                )
                known = stats.budgets.get(budget)
                if (
                    known
                    and known.reset_at == seen.reset_at
                    and None
                    not in (
                        known.remaining,
                        seen.remaining,
                    )
                ):
                    # An answer to a request sent before others still in flight.
                    seen.remaining = min(known.remaining, seen.remaining)  # type: ignore[type-var]
                stats.budgets[budget] = seen
        complexity = response.headers.get("X-Complexity")
        if complexity:
            stats.add("complexity_points", float(complexity))

    def proactive_wait(self, stats: ApiStats) -> float:
        """Wait for the reset instead of sending a request a spent budget would refuse;
        otherwise take the request about to be sent from the request budgets."""
        with self._lock:
            waits = [
                budget.reset_at.timestamp() - time.time()
                for budget in stats.budgets.values()
                if budget.remaining == 0 and budget.reset_at is not None
            ]
            if waits:
                return max(max(waits) + 0.05, 0.0)
            for name in REQUEST_BUDGETS:
                budget = stats.budgets.get(name)
                if budget is not None and budget.remaining:
                    budget.remaining -= 1
            return 0.0


class LinearClient:
    """Runs Relay-paginated GraphQL queries against Linear and yields pages of nodes."""

    def __init__(
        self,
        api_url: str,
        api_key: str,
        *,
        max_rate_limit_wait: float,
        max_concurrency: int = DEFAULT_MAX_CONCURRENCY,
    ) -> None:
        if not isinstance(max_concurrency, int) or max_concurrency < 1:
            raise SourceError(
                f"sources.linear.max_concurrency is {max_concurrency!r}: use a whole number of "
                "requests in flight at once, 1 or more."
            )
        self.api_url = api_url
        self.rules = LinearRateLimits()
        self._slots = threading.BoundedSemaphore(max_concurrency)
        http = ApiClient(
            self.rules,
            max_rate_limit_wait=max_rate_limit_wait,
            max_connections=max(max_concurrency, 10),
            # Personal API keys go raw in Authorization (OAuth tokens would use Bearer).
            headers={"Authorization": api_key, "Content-Type": "application/json"},
        )
        self.stats = http.stats
        self.rest = RESTClient(base_url=api_url, session=http.session)

    def pages(
        self,
        root_field: str,
        query: str,
        variables: dict[str, Any],
        connection_path: str | None = None,
    ) -> Iterator[list[dict[str, Any]]]:
        """Every page of `root_field`'s nodes for `query`, following `pageInfo`; the connection
        paged may sit deeper (`connection_path`, e.g. `issue.history`)."""
        for nodes, _ in self.cursor_pages(root_field, query, variables, connection_path):
            yield nodes

    def cursor_pages(
        self,
        root_field: str,
        query: str,
        variables: dict[str, Any],
        connection_path: str | None = None,
    ) -> Iterator[tuple[list[dict[str, Any]], str | None]]:
        """Every page of nodes with its `endCursor` (a run resumes `after` it)."""
        path = connection_path or root_field
        paginator = JSONResponseCursorPaginator(
            cursor_path=f"data.{path}.pageInfo.endCursor",
            cursor_body_path="variables.after",
            has_more_path=f"data.{path}.pageInfo.hasNextPage",
        )
        pages = self.rest.paginate(
            path="",
            method="POST",
            json={"query": query, "variables": variables},
            paginator=paginator,
            data_selector=f"data.{path}.nodes",
            hooks={"response": [self._check(root_field)]},
        )
        while True:
            with self._slots:  # at most max_concurrency requests in flight (and their retries)
                page = next(pages, None)
            if page is None:
                return
            info: Any = page.response.json().get("data") or {}
            for key in path.split("."):
                info = (info or {}).get(key) or {}
            yield list(page), (info.get("pageInfo") or {}).get("endCursor")

    def _check(self, root_field: str) -> Any:
        rules, url, stats = self.rules, self.api_url, self.stats

        def check(response: Response, *args: Any, **kwargs: Any) -> None:
            where = f"linear: POST {url} ({root_field})"
            if rules.is_rate_limited(response):
                raise rate_limit_error("linear", where, rules.seconds_until_reset(response))
            errors = _errors(response)
            if errors and response.status_code < 400 and _has_root(response, root_field):
                _report_partial(root_field, errors, stats)
                return
            if response.status_code >= 400 or errors:
                messages = (
                    "; ".join(str(e.get("message", e)) for e in errors) or (response.text[:300])
                )
                hint = ""
                if response.status_code in (401, 403):
                    hint = " Check the API key (LINEAR_API_KEY or SOURCES__LINEAR__API_KEY)."
                raise SourceError(f"{where}: HTTP {response.status_code}: {messages}.{hint}")

        return check
