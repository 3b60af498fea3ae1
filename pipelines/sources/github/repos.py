"""What the per-repository REST reads share (`listings.py`, `reconcile.py`): the map step
that shapes and tags a row with its repository, the error check naming repository and
endpoint, and the `updated_at` cursor they use. Pull requests and reviews come through GraphQL
(`graphql_pulls.py`)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from dlt.sources.helpers.requests import Response

from pipelines.sources.github.incremental import incremental_updated_at as _incremental
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


__all__ = [
    "_incremental",
    "_number_from",
    "_tag",
    "raise_for_github",
]
