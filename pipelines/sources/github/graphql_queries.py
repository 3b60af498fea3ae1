"""The GraphQL queries the GitHub source sends, and what each costs.

GitHub's cost formula (docs: "Rate limits and node limits for the GraphQL API"): add up the
requests needed to fulfil every connection of the query, assuming each reaches its `first`
limit (a connection nested under a page of P parents counts P requests), divide by 100 and
round, with a minimum of 1 point. A page of pull requests has one `pullRequests` connection
and, per pull request, six nested ones (labels, assignees, review requests, commits, reviews,
timeline items), so a page of P pull requests needs `1 + 6 * P` requests:

- the first page of each repository: P = 16 -> 97 requests -> **1 point**; an incremental run
  with up to 16 changed pull requests per repository spends 1 point per repository;
- the following pages: P = 50 -> 301 requests -> **3 points** (about 6 points per 100 pull
  requests, the formula's floor for six nested lists: a larger page is no cheaper, only heavier).

Nested page sizes cost nothing by the formula (only the parents' `first` multiplies), so they
are as large as the node limit comfortably allows: 50 * (100 + 100 + 100 + 20 + 20 + 10) + 50 =
17,550 nodes per page, far below the 500,000-node limit. The commit list (every commit's times,
for rework after the first review) therefore rides on the same connection that once read only
the first commit: 100 commits a pull request cost no more points than one. A nested list that
overflows is paged on through `node(id:)`, several pull requests per query by alias
(`NESTED_BATCH` of them: one point per query).
"""

from __future__ import annotations

from dataclasses import dataclass

FIRST_PAGE_SIZE = 16
PAGE_SIZE = 50
NESTED_BATCH = 20
REPOSITORY_PAGE_SIZE = 100

ACTOR = (
    "__typename login ... on User { databaseId } ... on Bot { databaseId } "
    "... on Mannequin { databaseId } ... on Organization { databaseId }"
)
PAGE_INFO = "pageInfo { hasNextPage endCursor }"
REVIEWER = (
    "__typename ... on User { login databaseId } ... on Bot { login databaseId } "
    "... on Mannequin { login databaseId } ... on Team { slug databaseId }"
)

#: The timeline events a metrics user needs (GitHub's `PullRequestTimelineItemsItemType`).
TIMELINE_TYPES = (
    "READY_FOR_REVIEW_EVENT",
    "CONVERT_TO_DRAFT_EVENT",
    "REVIEW_REQUESTED_EVENT",
    "REVIEW_REQUEST_REMOVED_EVENT",
    "REVIEW_DISMISSED_EVENT",
    "REOPENED_EVENT",
    "MERGED_EVENT",
    "CLOSED_EVENT",
)
_EVENT_TYPES = (
    "ReadyForReviewEvent",
    "ConvertToDraftEvent",
    "ReopenedEvent",
    "MergedEvent",
    "ClosedEvent",
)


@dataclass(frozen=True)
class Nested:
    """A list under each pull request: its connection field, page size and node selection."""

    field: str
    first: int
    nodes: str
    args: str = ""

    def selection(self, after: str | None = None) -> str:
        args = f"first: {self.first}{self.args}"
        if after is not None:
            args += f", after: {after}"
        return f"{self.field}({args}) {{ totalCount {PAGE_INFO} nodes {{ {self.nodes} }} }}"


_TIMELINE_NODES = " ".join(
    [
        "__typename",
        *(f"... on {t} {{ id createdAt actor {{ {ACTOR} }} }}" for t in _EVENT_TYPES),
        *(
            f"... on {t} {{ id createdAt actor {{ {ACTOR} }} requestedReviewer {{ {REVIEWER} }} }}"
            for t in ("ReviewRequestedEvent", "ReviewRequestRemovedEvent")
        ),
        "... on ReviewDismissedEvent { id createdAt actor { " + ACTOR + " } "
        "review { databaseId } }",
    ]
)

NESTED: tuple[Nested, ...] = (
    Nested("labels", 20, "id name"),
    Nested("assignees", 10, "login databaseId"),
    Nested("reviewRequests", 20, f"id databaseId asCodeOwner requestedReviewer {{ {REVIEWER} }}"),
    Nested("commits", 100, "id commit { oid authoredDate committedDate }"),
    Nested(
        "reviews",
        100,
        f"id databaseId state submittedAt createdAt updatedAt url authorAssociation "
        f"commit {{ oid }} author {{ {ACTOR} }}",
    ),
    Nested(
        "timelineItems",
        100,
        _TIMELINE_NODES,
        args=f", itemTypes: [{', '.join(TIMELINE_TYPES)}]",
    ),
)
NESTED_BY_FIELD = {n.field: n for n in NESTED}
#: Lists read to their end when they overflow.
PAGED_NESTED = ("labels", "assignees", "reviewRequests", "commits", "reviews", "timelineItems")

RATE_LIMIT = "rateLimit { cost remaining resetAt }"

PULL_REQUEST_FIELDS = " ".join(
    [
        "id databaseId number state locked title isDraft url authorAssociation",
        f"author {{ {ACTOR} }}",
        "createdAt updatedAt closedAt mergedAt mergeCommit { oid }",
        "headRefName headRefOid headRepository { databaseId nameWithOwner }",
        "baseRefName baseRefOid baseRepository { databaseId nameWithOwner }",
        "milestone { number title state }",
        "body additions deletions changedFiles",
        *(n.selection() for n in NESTED),
    ]
)

PULL_REQUEST_PAGE = f"""
query PullRequestPage($owner: String!, $name: String!, $first: Int!, $after: String) {{
  {RATE_LIMIT}
  repository(owner: $owner, name: $name) {{
    pullRequests(first: $first, after: $after, orderBy: {{field: UPDATED_AT, direction: DESC}}) {{
      {PAGE_INFO}
      nodes {{ {PULL_REQUEST_FIELDS} }}
    }}
  }}
}}
"""

ORG_REPOSITORIES = f"""
query OrgRepositories($org: String!, $first: Int!, $after: String) {{
  {RATE_LIMIT}
  organization(login: $org) {{
    repositories(first: $first, after: $after, isArchived: false,
                 orderBy: {{field: NAME, direction: ASC}}) {{
      {PAGE_INFO}
      nodes {{ nameWithOwner isArchived }}
    }}
  }}
}}
"""


def nested_pages_query(field: str, count: int) -> str:
    """The next page of one nested list for `count` pull requests at once (aliases p0, p1...):
    variables `$id<i>` (the pull request's node id) and `$after<i>` (its list's end cursor)."""
    nested = NESTED_BY_FIELD[field]
    params = ", ".join(f"$id{i}: ID!, $after{i}: String" for i in range(count))
    parts = [
        f"p{i}: node(id: $id{i}) {{ ... on PullRequest {{ id {nested.selection(f'$after{i}')} }} }}"
        for i in range(count)
    ]
    return f"query Nested_{field}({params}) {{ {RATE_LIMIT} {' '.join(parts)} }}"


def page_requests(page_size: int) -> int:
    """Requests GitHub's formula counts for a page of `page_size` pull requests."""
    return 1 + len(NESTED) * page_size


def points(requests: int) -> int:
    """GitHub's points for a query needing `requests` requests (divide by 100, round, min 1)."""
    return max(1, round(requests / 100))


def page_points(page_size: int) -> int:
    """Points one page of `page_size` pull requests costs."""
    return points(page_requests(page_size))


def page_nodes(page_size: int) -> int:
    """The most nodes a page of `page_size` pull requests can return (GitHub's node limit)."""
    return page_size * (1 + sum(n.first for n in NESTED))
