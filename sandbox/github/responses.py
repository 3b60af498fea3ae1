"""GitHub's response conventions: error bodies, pagination parameters and `Link` headers,
weak ETags and conditional-request matching."""

from __future__ import annotations

import hashlib
import math
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlencode

from sandbox.core import Fault, Request, Response

DOCS = "https://docs.github.com/rest"
RATE_DOCS = "https://docs.github.com/rest/overview/rate-limits-for-the-rest-api"
SECONDARY_DOCS = (
    "https://docs.github.com/free-pro-team@latest/rest/overview/"
    "rate-limits-for-the-rest-api#about-secondary-rate-limits"
)
SECONDARY_MESSAGE = (
    "You have exceeded a secondary rate limit. Please wait a few minutes before you try "
    "again. If you reach out to GitHub Support for help, please include the request ID "
    "0000:0000:0000000:0000000:00000000."
)
#: Fault kinds of a secondary rate limit: with a retry-after header, and without one.
SECONDARY_LIMITS = ("secondary_limit", "secondary_limit_no_retry_after")
DEFAULT_PER_PAGE, MAX_PER_PAGE = 30, 100


@dataclass
class GitHubResponse(Response):
    """A response that knows whether it was charged against the rate limit (and, for GraphQL,
    how many points it cost)."""

    charged: bool = False
    cost: int | None = None


def error(status: int, message: str) -> GitHubResponse:
    """GitHub's error body: message, documentation_url and the status as a string."""
    body = {"message": message, "documentation_url": DOCS, "status": str(status)}
    return GitHubResponse(status, body)


def not_found() -> GitHubResponse:
    return error(404, "Not Found")


def secondary_limited(fault: Fault) -> GitHubResponse:
    """The refusal of a `SECONDARY_LIMITS` fault: 403 (or `fault.status` 429), with a
    retry-after header (`fault.retry_after` rounded up, 1 by default) for "secondary_limit"."""
    status = fault.status if fault.status in (403, 429) else 403
    body = {"message": fault.message or SECONDARY_MESSAGE, "documentation_url": SECONDARY_DOCS}
    headers: dict[str, str] = {}
    if fault.kind == "secondary_limit":
        retry = math.ceil(fault.retry_after) if fault.retry_after else 1
        headers["retry-after"] = str(retry)
    return GitHubResponse(status, body, headers)


def validation_failed(resource: str, field: str, documentation_url: str) -> GitHubResponse:
    """422 in the form of octokit's recorded errors fixture."""
    body = {
        "message": "Validation Failed",
        "errors": [{"resource": resource, "code": "invalid", "field": field}],
        "documentation_url": documentation_url,
        "status": "422",
    }
    return GitHubResponse(422, body)


def _positive_int(text: str | None, default: int) -> int:
    try:
        value = int(text) if text is not None else default
    except ValueError:
        return default
    return value if value > 0 else default


def page_args(request: Request) -> tuple[int, int]:
    """(per_page, page): per_page defaults to 30 and is capped at 100; page starts at 1."""
    per_page = min(_positive_int(request.arg("per_page"), DEFAULT_PER_PAGE), MAX_PER_PAGE)
    return per_page, _positive_int(request.arg("page"), 1)


def link_header(
    base_url: str, path: str, query: dict[str, list[str]], page: int, last: int
) -> str | None:
    """GitHub's `Link` header: rels in the order prev, next, last, first; no `next` or `last`
    on the last page, no `prev` or `first` on the first; none at all for a single page. The
    other query parameters keep their order and `page` goes last."""
    if last <= 1 and page <= 1:
        return None
    kept = [(k, v) for k, values in query.items() if k != "page" for v in values]

    def url(number: int) -> str:
        return f"{base_url}{path}?{urlencode([*kept, ('page', str(number))])}"

    links = []
    if page > 1:
        links.append(f'<{url(min(page - 1, last))}>; rel="prev"')
    if page < last:
        links.append(f'<{url(page + 1)}>; rel="next"')
        links.append(f'<{url(last)}>; rel="last"')
    if page > 1:
        links.append(f'<{url(1)}>; rel="first"')
    return ", ".join(links)


def paginate(rows: list[Any], per_page: int, page: int) -> tuple[list[Any], int]:
    """The rows of one page and the number of the last page."""
    last = max(1, -(-len(rows) // per_page))
    return rows[(page - 1) * per_page : page * per_page], last


def weak_etag(body: str) -> str:
    return f'W/"{hashlib.sha256(body.encode()).hexdigest()}"'


def etag_matches(if_none_match: str, etag: str) -> bool:
    """Whether an `If-None-Match` header names `etag` (weak comparison, or `*`)."""

    def opaque(tag: str) -> str:
        tag = tag.strip()
        return tag[2:] if tag.startswith("W/") else tag

    candidates = [opaque(tag) for tag in if_none_match.split(",")]
    return "*" in candidates or opaque(etag) in candidates
