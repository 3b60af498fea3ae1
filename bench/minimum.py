"""Theoretical minimum request counts and ideal wall times, as plain formulas (the report prints
them next to the figures)."""

from __future__ import annotations

import math
from collections.abc import Mapping

LINEAR_PAGE = 250  # Linear's largest `first`
GITHUB_PAGE = 100  # GitHub's largest `per_page`
GRAPHQL_FIRST_PAGE = 16  # pipelines/sources/github/graphql_queries.py: 1 point
GRAPHQL_PAGE = 50  # the following pages: 3 points

LINEAR_FORMULA = (
    "minimum requests = Σ over entities of max(1, ⌈rows that must be read / 250⌉): every entity "
    "must be asked at least once, and a page holds at most 250 nodes; plus max(1, ⌈issues that "
    "must be read / 40⌉) for their history (40 issues with their spans and entries a page)"
)
GITHUB_FULL_FORMULA = (
    "per repo: GraphQL pull request pages (the first of 16 PRs, then 50 a page, reviews and "
    "the rest nested: 1 point, then 3 a page) + max(1, ⌈review comments "
    "/ 100⌉) + max(1, ⌈conversation comments / 100⌉) pages; for the org: max(1, ⌈members / "
    "100⌉) member pages + 1 profile per member"
)
GITHUB_INCREMENTAL_FORMULA = (
    "per repo: GraphQL pull request pages newest first until the first unchanged PR (1 page "
    "of 1 point while fewer than 16 changed, reviews nested) + max(1, ⌈new "
    "comments / 100⌉) per comment endpoint, all charged; for the org: member pages and one "
    "profile per member, conditional (304, not charged) unless the profile changed"
)


def pages(rows: int, page_size: int) -> int:
    """Requests to read `rows` rows `page_size` at a time; at least one (it must be asked)."""
    return max(1, math.ceil(rows / page_size))


def graphql_pages(pulls: int) -> int:
    """GraphQL pages to read `pulls` pull requests (at least one)."""
    if pulls <= GRAPHQL_FIRST_PAGE:
        return 1
    return 1 + math.ceil((pulls - GRAPHQL_FIRST_PAGE) / GRAPHQL_PAGE)


def graphql_points(pages_read: int) -> int:
    """Points of that many pull request pages: 1 for the first, 3 for each following one."""
    return 1 + 3 * (pages_read - 1) if pages_read else 0


def linear_minimum(must_read: Mapping[str, int]) -> dict[str, int]:
    """Minimum requests per Linear entity for the rows that must be read."""
    return {entity: pages(rows, LINEAR_PAGE) for entity, rows in must_read.items()}


def github_full_minimum(
    repos: Mapping[str, Mapping[str, int]], members: int
) -> dict[str, dict[str, int]]:
    """Minimum requests of a full GitHub sync, by repo (or "org") and operation.

    `repos[repo]` has "pulls", "review_comments" and "issue_comments" (every row the repo's
    `issues/comments` endpoint serves: plain issues' comments too, it cannot filter them).
    """
    out: dict[str, dict[str, int]] = {}
    for repo, n in repos.items():
        out[repo] = {
            "graphql.pulls": graphql_pages(n["pulls"]),
            "pulls.comments": pages(n["review_comments"], GITHUB_PAGE),
            "issues.comments": pages(n["issue_comments"], GITHUB_PAGE),
        }
    out["org"] = {"orgs.members": pages(members, GITHUB_PAGE), "users.get": members}
    return out


def github_incremental_minimum(
    repos: Mapping[str, Mapping[str, int]], members: int, changed_profiles: int = 0
) -> dict[str, dict[str, int]]:
    """Minimum requests of an incremental GitHub sync, by repo (or "org") and operation.

    `repos[repo]` has "changed_pulls", "new_review_comments" and "new_issue_comments".
    """
    out: dict[str, dict[str, int]] = {}
    for repo, n in repos.items():
        changed = n["changed_pulls"]
        out[repo] = {
            # the first unchanged PR must be seen: changed + 1 read
            "graphql.pulls": graphql_pages(changed + 1),
            "pulls.comments": pages(n["new_review_comments"], GITHUB_PAGE),
            "issues.comments": pages(n["new_issue_comments"], GITHUB_PAGE),
        }
    out["org"] = {"orgs.members": pages(members, GITHUB_PAGE), "users.get": members}
    out["org"]["charged profiles"] = changed_profiles
    return out


def github_charged_split(minimum: Mapping[str, Mapping[str, int]]) -> tuple[int, int]:
    """(charged, uncharged) requests of an incremental minimum: list pages and reviews are
    charged; member pages and profiles are 304s except the changed profiles."""
    charged = uncharged = 0
    for scope, ops in minimum.items():
        if scope == "org":
            changed = ops.get("charged profiles", 0)
            charged += changed
            uncharged += ops["orgs.members"] + ops["users.get"] - changed
        else:
            charged += sum(ops.values())
    return charged, uncharged


def total(minimum: Mapping[str, Mapping[str, int]]) -> int:
    """All requests of a GitHub minimum (the "charged profiles" line is a subset, not added)."""
    return sum(v for ops in minimum.values() for k, v in ops.items() if k != "charged profiles")


def ideal_wall(requests: int, latency_s: float, concurrency: int) -> float:
    """The naive ideal: every request's latency, `concurrency` at a time."""
    return requests * latency_s / concurrency


def ideal_wall_chains(longest_chain: int, requests: int, latency_s: float, workers: int) -> float:
    """The ideal when every repository's resources are read concurrently but each list is paged
    one page after another (a page's URL or cursor comes from the previous page): the longer
    of the longest chain of pages and the naive ideal."""
    return max(longest_chain * latency_s, ideal_wall(requests, latency_s, workers))
