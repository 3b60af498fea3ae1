"""The per-repository REST resources, declared for dlt's `rest_api` source: review and
conversation comments through the repo-level endpoints with `since` (one request per 100
comments of the whole repository, cheaper than any per-pull-request read). Every row is tagged
with its repository."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Any

from dlt.sources import DltResource
from dlt.sources.helpers.requests import Response
from dlt.sources.helpers.rest_client.client import RESTClient
from dlt.sources.rest_api import rest_api_resources
from dlt.sources.rest_api.typing import EndpointResource, RESTAPIConfig

from pipelines.sources.github import shapes
from pipelines.sources.github.columns import ISSUE_COMMENT_COLUMNS, REVIEW_COMMENT_COLUMNS
from pipelines.sources.github.graphql_rows import repo_slug
from pipelines.sources.github.incremental import incremental_updated_at
from pipelines.sources.github.rate_limits import GitHubRateLimits
from pipelines.sources.http import SourceError, rate_limit_error
from pipelines.sources.shaping import Shape, reduce


def _number_from(url_field: str) -> Callable[[dict[str, Any]], int | None]:
    def number(row: dict[str, Any]) -> int | None:
        url = row.get(url_field) or ""
        tail = url.rstrip("/").rsplit("/", 1)[-1]
        return int(tail) if tail.isdigit() else None

    return number


def _tag(
    shape: Shape, ignore: frozenset[str], repo: str, **derived: Callable[[dict[str, Any]], Any]
) -> Callable[..., Any]:
    """A map step: check the id, reduce a row to `shape` (keeping fields GitHub adds), add
    `repo` and the derived fields."""

    def tag(row: dict[str, Any]) -> dict[str, Any]:
        if not isinstance(row.get("id"), int):
            raise SourceError(
                f"github: {repo}: a record has no usable `id` ({row.get('id')!r}); "
                f"its fields: {sorted(row)[:12]}"
            )
        visible = {k: v for k, v in row.items() if not k.startswith("_")}
        out = reduce(visible, shape, ignore=ignore)
        out["repo"] = repo
        for name, compute in derived.items():
            out[name] = compute(row)
        return out

    return tag


RATE_LIMITS = GitHubRateLimits()


def raise_for_github(repo: str, what: str) -> Callable[..., None]:
    """A response action: an error response fails the run naming the repo and endpoint."""

    def check(response: Response, *args: Any, **kwargs: Any) -> None:
        if response.status_code < 400:
            return
        try:
            message = response.json().get("message", "")
        except ValueError:
            message = response.text[:200]
        where = f"github: GET {response.url.split('?')[0]} ({what} of {repo})"
        if RATE_LIMITS.is_rate_limited(response):
            raise rate_limit_error("github", where, RATE_LIMITS.seconds_until_reset(response))
        message = message.rstrip(".")
        hint = ""
        if response.status_code == 404:
            hint = (
                f" Repository '{repo}' does not exist or the token cannot see it: "
                "check sources.github.repos and the token's `repo` scope."
            )
        elif response.status_code == 401:
            hint = " Check the token (GITHUB_TOKEN or SOURCES__GITHUB__ACCESS_TOKEN)."
        raise SourceError(f"{where}: HTTP {response.status_code}: {message}.{hint}")

    return check


def repo_resources(
    client: RESTClient, repo: str, *, since: datetime, backfill_until: datetime | None
) -> list[DltResource]:
    """The REST resources of one repository (`owner/name`): its review and conversation
    comments (pull requests and reviews come through GraphQL: `graphql_pulls.py`)."""
    slug = repo_slug(repo)
    resources: list[EndpointResource] = [
        {
            "name": f"pr_comments__{slug}",
            "table_name": "raw_pr_comments",
            "columns": REVIEW_COMMENT_COLUMNS,
            "endpoint": {
                "path": f"repos/{repo}/pulls/comments",
                "response_actions": [raise_for_github(repo, "review comments")],
                "params": {
                    "sort": "updated",
                    "direction": "asc",
                    "since": incremental_updated_at(since, backfill_until),
                },
            },
            "processing_steps": [
                {
                    "map": _tag(
                        shapes.REVIEW_COMMENT,
                        shapes.IGNORED["review_comment"],
                        repo,
                        pull_number=_number_from("pull_request_url"),
                    )
                }
            ],
        },
        {
            "name": f"pr_issue_comments__{slug}",
            "table_name": "raw_pr_issue_comments",
            "columns": ISSUE_COMMENT_COLUMNS,
            "endpoint": {
                "path": f"repos/{repo}/issues/comments",
                "response_actions": [raise_for_github(repo, "conversation comments")],
                "params": {
                    "sort": "updated",
                    "direction": "asc",
                    "since": incremental_updated_at(since, backfill_until),
                },
            },
            "processing_steps": [
                # The endpoint returns comments on issues too; keep the pull requests' ones.
                {"filter": lambda row: "/pull/" in (row.get("html_url") or "")},
                {
                    "map": _tag(
                        shapes.ISSUE_COMMENT,
                        shapes.IGNORED["issue_comment"],
                        repo,
                        pull_number=_number_from("issue_url"),
                    )
                },
            ],
        },
    ]
    config: RESTAPIConfig = {
        "client": {
            "base_url": client.base_url,
            "session": client.session,
            "paginator": {"type": "header_link"},
        },
        "resource_defaults": {
            "primary_key": "id",
            "write_disposition": "merge",
            "endpoint": {"params": {"per_page": 100}},
        },
        "resources": resources,
    }
    return rest_api_resources(config)
