"""Talking to GitHub's GraphQL API: its URL (github.com and Enterprise Server), its separate
points budget, and its errors as GitHub sends them.

- `RATE_LIMITED` (HTTP 200 or 403 with `x-ratelimit-remaining: 0`) waits for the reset like a
  REST primary limit, within `max_rate_limit_wait`; secondary limits reuse `rate_limits.py`.
- `MAX_NODE_LIMIT_EXCEEDED`, timeouts (the client's, or GitHub's own "Something went wrong
  while executing your query ... timeout" with no data) and 502/504 on a heavy query raise
  `QueryTooHeavy`: the caller retries with a smaller page.
- `errors` beside `data` are partial results: returned for the caller to name and load around.
"""

from __future__ import annotations

import logging
import time
from typing import Any

from dlt.sources.helpers.requests import Response
from requests.exceptions import ConnectionError as RequestsConnectionError
from requests.exceptions import Timeout

from pipelines.sources.github.graphql_queries import RATE_LIMIT
from pipelines.sources.github.rate_limits import SECONDARY_LIMIT_WAIT, GitHubRateLimits
from pipelines.sources.http import ApiClient, ApiStats, SourceError, rate_limit_error

log = logging.getLogger("pipelines.github")

#: Statuses dlt's client retries as they are; 502 and 504 mean "too heavy" and shrink the page.
RETRIED_STATUSES = (429, 500, 503)
HEAVY_STATUSES = (502, 504)


def graphql_url(base_url: str) -> str:
    """GitHub's GraphQL endpoint for a REST `base_url`: `https://api.github.com` ->
    `https://api.github.com/graphql`; Enterprise Server `https://HOST/api/v3` ->
    `https://HOST/api/graphql`."""
    base = base_url.rstrip("/")
    if base.endswith("/api/v3"):
        return base[: -len("v3")] + "graphql"
    return base + "/graphql"


class QueryTooHeavy(Exception):
    """GitHub refused or timed out on a query: retry it with a smaller page."""


def response_errors(response: Response) -> list[dict[str, Any]]:
    """The body's `errors` list (empty when there is none or the body is not JSON)."""
    try:
        body = response.json()
    except ValueError:
        return []
    errors = body.get("errors") if isinstance(body, dict) else None
    return [e for e in errors if isinstance(e, dict)] if isinstance(errors, list) else []


def _has_error(response: Response, kind: str) -> bool:
    return any(e.get("type") == kind for e in response_errors(response))


class GitHubGraphQLRateLimits(GitHubRateLimits):
    """GitHub's limits for GraphQL: `RATE_LIMITED` may come with HTTP 200, and the budget to
    watch before sending is `graphql` (points), not `core` (REST requests)."""

    def is_rate_limited(self, response: Response) -> bool:
        if super().is_rate_limited(response):
            return True
        return response.status_code == 200 and _has_error(response, "RATE_LIMITED")

    def proactive_wait(self, stats: ApiStats) -> float:
        budget = stats.budgets.get("graphql")
        if budget is None or budget.remaining is None or budget.remaining > 0:
            return 0.0
        if budget.reset_at is None:
            return 0.0
        return max(budget.reset_at.timestamp() - time.time(), 0.0) + 0.05


class GraphQLClient:
    """Posts queries to GitHub's GraphQL endpoint and counts their points."""

    def __init__(
        self,
        base_url: str,
        access_token: str,
        *,
        max_rate_limit_wait: float,
        secondary_limit_wait: float = SECONDARY_LIMIT_WAIT,
        max_connections: int = 10,
    ) -> None:
        self.url = graphql_url(base_url)
        self.rules = GitHubGraphQLRateLimits(secondary_limit_wait)
        http = ApiClient(
            self.rules,
            max_rate_limit_wait=max_rate_limit_wait,
            max_connections=max_connections,
            status_codes=RETRIED_STATUSES,
            headers={"Authorization": f"Bearer {access_token}"},
        )
        self.stats = http.stats
        self.session = http.session

    def query(
        self, query: str, variables: dict[str, Any], *, what: str
    ) -> tuple[dict[str, Any], list[dict[str, Any]]]:
        """`data` and the partial `errors` of one query; `what` names it in messages
        (e.g. "pull requests of acme/api"). Raises `QueryTooHeavy` or `SourceError`."""
        where = f"github: POST {self.url} ({what})"
        try:
            response = self.session.post(self.url, json={"query": query, "variables": variables})
        except Timeout as exc:
            raise QueryTooHeavy(f"{where}: timed out") from exc
        except RequestsConnectionError as exc:
            raise SourceError(f"{where}: cannot connect: {type(exc).__name__}") from None
        self.stats.add("graphql_requests")
        if self.rules.is_rate_limited(response):
            raise rate_limit_error("github", where, self.rules.seconds_until_reset(response))
        if response.status_code in HEAVY_STATUSES:
            raise QueryTooHeavy(f"{where}: HTTP {response.status_code}")
        errors = response_errors(response)
        if _has_error(response, "MAX_NODE_LIMIT_EXCEEDED"):
            raise QueryTooHeavy(f"{where}: {errors[0].get('message', 'node limit exceeded')}")
        body = _json(response)
        data = body.get("data") if isinstance(body, dict) else None
        if not isinstance(data, dict) and any(_is_timeout(e) for e in errors):
            raise QueryTooHeavy(f"{where}: GitHub timed out executing the query")
        if response.status_code >= 400 or not isinstance(data, dict):
            raise SourceError(
                f"{where}: HTTP {response.status_code}: {_messages(errors, response)}"
            )
        cost = (data.get("rateLimit") or {}).get("cost")
        if isinstance(cost, int):
            self.stats.add("graphql_points", cost)
        return data, errors


def _is_timeout(error: dict[str, Any]) -> bool:
    """GitHub's answer to a query that ran past its 10 seconds: HTTP 200, no data, and
    "Something went wrong while executing your query. This may be the result of a timeout"."""
    message = str(error.get("message", "")).lower()
    return "timeout" in message or "something went wrong while executing your query" in message


def _json(response: Response) -> Any:
    try:
        return response.json()
    except ValueError:
        return None


def _messages(errors: list[dict[str, Any]], response: Response) -> str:
    text = "; ".join(str(e.get("message", e)) for e in errors) or response.text[:300]
    hint = ""
    if response.status_code == 401:
        hint = " Check the token (GITHUB_TOKEN or SOURCES__GITHUB__ACCESS_TOKEN)."
    return text.rstrip(".") + "." + hint


def describe_error(error: dict[str, Any], data: dict[str, Any]) -> str:
    """One partial error, named by the deepest pull request its path passes through."""
    path = error.get("path") or []
    node: Any = data
    pull: str | None = None
    for step in path:
        try:
            node = node[step]
        except (KeyError, IndexError, TypeError):
            break
        if isinstance(node, dict) and "number" in node:
            pull = f"#{node['number']}"
    where = ".".join(str(p) for p in path) or "(no path)"
    subject = f"pull request {pull}, " if pull else ""
    return f"{subject}{where}: {error.get('type', 'ERROR')}: {error.get('message', '')}"


__all__ = ["RATE_LIMIT", "GraphQLClient", "QueryTooHeavy", "describe_error", "graphql_url"]
