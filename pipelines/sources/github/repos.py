"""The per-repository resources, declared for dlt's `rest_api` source: pull requests (newest
changes first, stopping at the first page past the cursor) and reviews of just those pull
requests (fetched concurrently). Review and conversation comments are read by `comments.py`.
Every row is tagged with its repository."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Any

import dlt
from dlt.extract.incremental import Incremental
from dlt.extract.items import SupportsPipe
from dlt.sources import DltResource
from dlt.sources.helpers.requests import Response
from dlt.sources.helpers.rest_client.client import RESTClient
from dlt.sources.rest_api import rest_api_resources
from dlt.sources.rest_api.typing import EndpointResource, RESTAPIConfig

from pipelines.sources.github import shapes
from pipelines.sources.github.rate_limits import GitHubRateLimits
from pipelines.sources.http import SourceError, rate_limit_error
from pipelines.sources.shaping import Shape, reduce

TIMESTAMP, BIGINT, TEXT = "timestamp", "bigint", "text"


def _columns(**types: str) -> dict[str, dict[str, Any]]:
    """Column hints (a fresh dict per column: dlt writes the column name into each)."""
    # BigQuery: clustering on the merge key lets the merge's delete prune blocks.
    hints: dict[str, dict[str, Any]] = {
        "id": {"data_type": "bigint", "nullable": False, "cluster": True}
    }
    hints.update({name: {"data_type": t, "nullable": True} for name, t in types.items()})
    return hints


PULL_REQUEST_COLUMNS = _columns(
    repo=TEXT,
    number=BIGINT,
    created_at=TIMESTAMP,
    updated_at=TIMESTAMP,
    closed_at=TIMESTAMP,
    merged_at=TIMESTAMP,
    merge_commit_sha=TEXT,
    milestone__id=BIGINT,
    milestone__number=BIGINT,
    milestone__title=TEXT,
    milestone__state=TEXT,
    head__repo__id=BIGINT,
    head__repo__full_name=TEXT,
)
REVIEW_COLUMNS = _columns(
    repo=TEXT,
    pull_number=BIGINT,
    submitted_at=TIMESTAMP,
    user__login=TEXT,
    user__id=BIGINT,
)
REVIEW_COMMENT_COLUMNS = _columns(
    repo=TEXT,
    pull_number=BIGINT,
    pull_request_review_id=BIGINT,
    in_reply_to_id=BIGINT,
    line=BIGINT,
    original_line=BIGINT,
    created_at=TIMESTAMP,
    updated_at=TIMESTAMP,
    user__login=TEXT,
    user__id=BIGINT,
)
ISSUE_COMMENT_COLUMNS = _columns(
    repo=TEXT,
    pull_number=BIGINT,
    created_at=TIMESTAMP,
    updated_at=TIMESTAMP,
    user__login=TEXT,
    user__id=BIGINT,
)


def _iso(ts: datetime) -> str:
    return ts.strftime("%Y-%m-%dT%H:%M:%SZ")


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


def _incremental(
    since: datetime, backfill_until: datetime | None, **extra: Any
) -> Incremental[str]:
    """dlt incremental on `updated_at`. A `--since` run is a bounded backfill that leaves the
    cursor alone only when there is a cursor; without one it is an ordinary first load from
    `since`, so the next run continues from where it ended."""
    if backfill_until is None:
        return Incremental("updated_at", initial_value=_iso(since), **extra)
    return _backfill_window(_iso(backfill_until))("updated_at", initial_value=_iso(since), **extra)


def _backfill_window(until: str) -> type[Incremental[str]]:
    """An incremental that, when bound to its resource, ends at `until` if the resource already
    has a cursor (dlt then keeps that cursor untouched) and is open-ended otherwise."""

    had_cursor: dict[str, bool] = {}  # decided at the first bind: later binds see our state

    class BackfillWindow(Incremental[str]):  # type: ignore[misc]
        def bind(self, pipe: SupportsPipe) -> Incremental[str]:
            if pipe.name not in had_cursor:
                cursors = dlt.current.resource_state(pipe.name).get("incremental", {})
                had_cursor[pipe.name] = bool(cursors.get(self.cursor_path))
            self.end_value = until if had_cursor[pipe.name] else None
            return super().bind(pipe)

    return BackfillWindow


def repo_resources(
    client: RESTClient, repo: str, *, since: datetime, backfill_until: datetime | None
) -> list[DltResource]:
    """The four resources of one repository (`owner/name`)."""
    slug = repo.replace("/", "__").replace("-", "_").replace(".", "_").lower()
    pulls = f"pull_requests__{slug}"
    parent_number = f"_{pulls}_number"
    resources: list[EndpointResource] = [
        {
            "name": pulls,
            "table_name": "raw_pull_requests",
            "columns": PULL_REQUEST_COLUMNS,
            "endpoint": {
                "path": f"repos/{repo}/pulls",
                "response_actions": [raise_for_github(repo, "pull requests")],
                # GitHub ignores `since` on this endpoint: the listing stops at the cursor.
                "params": {
                    "state": "all",
                    "sort": "updated",
                    "direction": "desc",
                    "since": _incremental(since, backfill_until, row_order="desc"),
                },
            },
            "processing_steps": [
                {"map": _tag(shapes.PULL_REQUEST, shapes.IGNORED["pull_request"], repo)}
            ],
        },
        {
            "name": f"pr_reviews__{slug}",
            "table_name": "raw_pr_reviews",
            "columns": REVIEW_COLUMNS,
            "parallelized": True,
            "include_from_parent": ["number"],
            "endpoint": {
                "path": f"repos/{repo}/pulls/{{resources.{pulls}.number}}/reviews",
                "response_actions": [raise_for_github(repo, "reviews")],
            },
            "processing_steps": [
                {
                    "map": _tag(
                        shapes.REVIEW,
                        shapes.IGNORED["review"],
                        repo,
                        pull_number=lambda r: r[parent_number],
                    )
                }
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
