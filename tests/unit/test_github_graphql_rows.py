"""GitHub GraphQL pieces without a server: URL derivation, cost arithmetic, a pull request
node -> raw rows, and the reader's paging (early stop, overflow, smaller pages, errors) against
a scripted client."""

from __future__ import annotations

from typing import Any

import pytest

from pipelines.sources.github import graphql_queries as q
from pipelines.sources.github.graphql_client import QueryTooHeavy, describe_error, graphql_url
from pipelines.sources.github.graphql_pulls import PullRequestReader
from pipelines.sources.github.graphql_rows import (
    commit_rows,
    pull_request_row,
    review_request_rows,
    review_rows,
    timeline_rows,
)
from pipelines.sources.http import ApiStats, SourceError


@pytest.mark.parametrize(
    ("base_url", "expected"),
    [
        ("https://api.github.com", "https://api.github.com/graphql"),
        ("https://api.github.com/", "https://api.github.com/graphql"),
        ("https://ghe.example.com/api/v3", "https://ghe.example.com/api/graphql"),
        ("https://ghe.example.com/api/v3/", "https://ghe.example.com/api/graphql"),
        ("http://127.0.0.1:8123", "http://127.0.0.1:8123/graphql"),
    ],
)
def test_graphql_url_is_derived_from_the_rest_base_url(base_url: str, expected: str) -> None:
    assert graphql_url(base_url) == expected


def test_page_cost_follows_githubs_formula() -> None:
    assert len(q.NESTED) == 6
    assert q.page_requests(16) == 97 and q.page_points(16) == 1
    assert q.page_requests(50) == 301 and q.page_points(50) == 3
    assert q.points(1) == 1  # the minimum
    assert q.page_nodes(q.PAGE_SIZE) < 500_000 // 10


def _user(login: str, db: int, kind: str = "User") -> dict[str, Any]:
    return {"__typename": kind, "login": login, "databaseId": db}


def _conn(nodes: list[Any], *, more: bool = False, total: int | None = None) -> dict[str, Any]:
    return {
        "totalCount": len(nodes) if total is None else total,
        "pageInfo": {"hasNextPage": more, "endCursor": f"c{len(nodes)}" if nodes else None},
        "nodes": nodes,
    }


def _commit(i: int, committed: str = "2024-12-31T10:05:00Z") -> dict[str, Any]:
    authored = "2024-12-31T10:00:00Z" if i == 0 else committed
    return {
        "id": f"PRC_{i}",
        "commit": {"oid": f"sha{i}", "authoredDate": authored, "committedDate": committed},
    }


def pull_node(
    number: int,
    updated: str,
    *,
    reviews: int = 1,
    more_reviews: bool = False,
    more_commits: bool = False,
) -> Any:
    return {
        "id": f"PR_{number}",
        "databaseId": 1000 + number,
        "number": number,
        "state": "MERGED",
        "locked": False,
        "title": f"PR {number}",
        "isDraft": False,
        "url": f"https://github.com/acme/api/pull/{number}",
        "authorAssociation": "MEMBER",
        "author": _user("renovate", 77, "Bot"),
        "createdAt": "2025-01-01T00:00:00Z",
        "updatedAt": updated,
        "closedAt": "2025-01-03T00:00:00Z",
        "mergedAt": "2025-01-03T00:00:00Z",
        "mergeCommit": {"oid": "abc"},
        "headRefName": "feature",
        "headRefOid": "h1",
        "headRepository": {"databaseId": 5, "nameWithOwner": "acme/api"},
        "baseRefName": "main",
        "baseRefOid": "b1",
        "baseRepository": {
            "databaseId": 5,
            "nameWithOwner": "acme/api",
            "owner": {"login": "acme"},
        },
        "milestone": {"number": 2, "title": "Q1", "state": "OPEN"},
        "body": "text",
        "additions": 10,
        "deletions": 3,
        "changedFiles": 2,
        "labels": _conn([{"id": "LA_1", "name": "bug"}]),
        "assignees": _conn([{"login": "ann", "databaseId": 1}]),
        "reviewRequests": _conn(
            [
                {"id": "RR_1", "requestedReviewer": _user("bob", 2)},
                {
                    "id": "RR_2",
                    "requestedReviewer": {"__typename": "Team", "slug": "core", "databaseId": 9},
                },
            ]
        ),
        "commits": _conn(
            [_commit(0), _commit(1, "2025-01-02T05:00:00Z")], total=4, more=more_commits
        ),
        "reviews": _conn(
            [
                {
                    "id": f"R_{number}_{i}",
                    "databaseId": number * 1000 + i,
                    "state": "DISMISSED" if i == 0 else "APPROVED",
                    "submittedAt": "2025-01-02T00:00:00Z",
                    "url": "u",
                    "authorAssociation": "MEMBER",
                    "commit": {"oid": "h1"},
                    "author": _user("dependabot", 49699333, "Bot") if i == 0 else _user("cy", 3),
                }
                for i in range(reviews)
            ],
            more=more_reviews,
        ),
        "timelineItems": _conn(
            [
                {
                    "__typename": "ReadyForReviewEvent",
                    "id": "E1",
                    "createdAt": "2025-01-01T01:00:00Z",
                    "actor": _user("ann", 1),
                },
                {
                    "__typename": "ReviewRequestedEvent",
                    "id": "E2",
                    "createdAt": "2025-01-01T02:00:00Z",
                    "actor": _user("ann", 1),
                    "requestedReviewer": _user("bob", 2),
                },
                {
                    "__typename": "ReviewRequestedEvent",
                    "id": "E3",
                    "createdAt": "2025-01-01T02:00:00Z",
                    "actor": _user("ann", 1),
                    "requestedReviewer": _user("dan", 4),
                },
                {
                    "__typename": "ReviewRequestRemovedEvent",
                    "id": "E4",
                    "createdAt": "2025-01-01T03:00:00Z",
                    "actor": _user("ann", 1),
                    "requestedReviewer": _user("dan", 4),
                },
                {
                    "__typename": "MergedEvent",
                    "id": "E5",
                    "createdAt": "2025-01-03T00:00:00Z",
                    "actor": _user("ann", 1),
                },
            ]
        ),
    }


def test_pull_request_row_keeps_rest_names_and_adds_the_new_fields() -> None:
    row = pull_request_row(pull_node(7, "2025-01-05T00:00:00Z"), "acme/api")
    assert row["id"] == 1007 and row["node_id"] == "PR_7" and row["number"] == 7
    assert row["state"] == "closed" and row["draft"] is False
    assert row["user"] == {"login": "renovate[bot]", "id": 77, "type": "Bot"}
    assert row["author_type"] == "Bot" and row["is_bot"] is True
    assert row["head"] == {
        "label": "acme:feature",
        "ref": "feature",
        "sha": "h1",
        "repo": {"id": 5, "full_name": "acme/api"},
    }
    assert row["base"]["ref"] == "main" and row["merge_commit_sha"] == "abc"
    assert row["milestone"] == {"number": 2, "title": "Q1", "state": "open"}
    assert (row["additions"], row["deletions"], row["changed_files"]) == (10, 3, 2)
    assert row["commits"] == 4 and row["first_commit_at"] == "2024-12-31T10:00:00Z"
    assert row["labels"] == [{"node_id": "LA_1", "name": "bug"}]
    assert row["assignees"] == [{"login": "ann", "id": 1, "type": "User"}]
    assert row["requested_reviewers"] == [{"login": "bob", "id": 2, "type": "User"}]
    assert row["requested_teams"] == [{"id": 9, "slug": "core"}]
    assert row["repo"] == "acme/api"


def test_reviews_timeline_and_review_requests() -> None:
    pull = pull_node(7, "2025-01-05T00:00:00Z", reviews=2)
    reviews = review_rows(pull, "acme/api")
    assert [(r["id"], r["state"], r["user"]["type"]) for r in reviews] == [
        (7000, "DISMISSED", "Bot"),
        (7001, "APPROVED", "User"),
    ]
    assert reviews[0]["user"]["login"] == "dependabot[bot]" and reviews[0]["pull_number"] == 7
    events = timeline_rows(pull, "acme/api")
    assert [e["event"] for e in events] == [
        "ready_for_review",
        "review_requested",
        "review_requested",
        "review_request_removed",
        "merged",
    ]
    assert events[1]["requested_reviewer"]["login"] == "bob"
    requests = {r["reviewer"]["login"]: r for r in review_request_rows(pull, "acme/api")}
    assert requests["bob"]["removed_at"] is None and requests["bob"]["is_outstanding"] is True
    assert requests["dan"]["removed_at"] == "2025-01-01T03:00:00Z"
    assert requests["dan"]["is_outstanding"] is False


def test_commit_rows_carry_their_times_and_the_pull_requests_read() -> None:
    rows = commit_rows(pull_node(7, "2025-01-05T00:00:00Z"), "acme/api")
    assert [(r["id"], r["sha"], r["committed_at"]) for r in rows] == [
        ("PRC_0", "sha0", "2024-12-31T10:05:00Z"),
        ("PRC_1", "sha1", "2025-01-02T05:00:00Z"),
    ]
    assert {(r["repo"], r["pull_request_id"], r["pull_number"]) for r in rows} == {
        ("acme/api", 1007, 7)
    }
    assert {r["pull_request_updated_at"] for r in rows} == {"2025-01-05T00:00:00Z"}


class ScriptedClient:
    """Answers the reader's queries from a list of pull request nodes (newest first)."""

    def __init__(
        self,
        pulls: list[Any],
        extra_reviews: int = 0,
        heavy_above: int = 1000,
        extra_commits: int = 0,
    ) -> None:
        self.pulls = pulls
        self.extra_reviews = extra_reviews
        self.extra_commits = extra_commits
        self.heavy_above = heavy_above
        self.calls: list[tuple[str, dict[str, Any]]] = []
        self.stats = ApiStats("github")

    def query(self, query: str, variables: dict[str, Any], *, what: str) -> Any:
        name = query.split("(", 1)[0].split()[-1]
        self.calls.append((name, dict(variables)))
        if name == "PullRequestPage":
            if variables["first"] > self.heavy_above:
                raise QueryTooHeavy("too heavy")
            start = int(variables["after"] or 0)
            page = self.pulls[start : start + variables["first"]]
            end = start + len(page)
            info = {"hasNextPage": end < len(self.pulls), "endCursor": str(end)}
            return {"repository": {"pullRequests": {"pageInfo": info, "nodes": page}}}, []
        data: dict[str, Any] = {}
        field = name.removeprefix("Nested_")
        total = {"reviews": self.extra_reviews + 1, "commits": self.extra_commits + 2}[field]
        i = 0
        while f"id{i}" in variables:
            done = int(variables[f"after{i}"][1:])
            batch = min(100, total - done)
            if field == "commits":
                nodes = [_commit(done + k, "2025-01-03T00:00:00Z") for k in range(batch)]
            else:
                nodes = [
                    {"id": f"X{done + k}", "databaseId": 900000 + done + k, "state": "COMMENTED"}
                    for k in range(batch)
                ]
            more = done + batch < total
            data[f"p{i}"] = {
                "id": variables[f"id{i}"],
                field: {
                    "pageInfo": {"hasNextPage": more, "endCursor": f"c{done + batch}"},
                    "nodes": nodes,
                },
            }
            i += 1
        return data, []


def _stamp(day: int) -> str:
    return f"2025-02-{day:02d}T00:00:00Z"


def test_reader_stops_at_the_cursor_on_the_first_page() -> None:
    import pendulum

    pulls = [pull_node(n, _stamp(28 - n)) for n in range(1, 25)]
    client = ScriptedClient(pulls)
    pages = list(PullRequestReader(client, "acme/api").pages(pendulum.parse(_stamp(25))))
    assert [[p["number"] for p in kept] for kept, _, _ in pages] == [[1, 2, 3]]
    assert [c[1]["first"] for c in client.calls] == [q.FIRST_PAGE_SIZE]


def test_reader_pages_to_the_end_and_reads_overflowing_reviews() -> None:
    pulls = [pull_node(n, _stamp(28 - n), more_reviews=(n == 3)) for n in range(1, 25)]
    client = ScriptedClient(pulls, extra_reviews=250)
    pages = list(PullRequestReader(client, "acme/api").pages(None))
    assert sum(len(kept) for kept, _, _ in pages) == 24
    assert [c[1]["first"] for c in client.calls if c[0] == "PullRequestPage"] == [16, 50]
    third = next(p for kept, _, _ in pages for p in kept if p["number"] == 3)
    assert len(third["reviews"]["nodes"]) == 1 + 250
    assert [c[0] for c in client.calls].count("Nested_reviews") == 3  # 100 + 100 + 50


def test_reader_reads_overflowing_commits_to_the_end() -> None:
    """Rework needs every commit's time: a list longer than a page is read on by node(id:)."""
    pulls = [pull_node(n, _stamp(28 - n), more_commits=(n in (2, 5))) for n in range(1, 8)]
    client = ScriptedClient(pulls, extra_commits=150)
    [(kept, _, _)] = list(PullRequestReader(client, "acme/api").pages(None))
    by_number = {p["number"]: p for p in kept}
    for number in (2, 5):
        rows = commit_rows(by_number[number], "acme/api")
        assert len(rows) == 2 + 150 and len({r["id"] for r in rows}) == 2 + 150
    assert len(commit_rows(by_number[1], "acme/api")) == 2
    # both pull requests' lists in one query a page: 100 + 50 more commits each
    assert [c[0] for c in client.calls].count("Nested_commits") == 2


def test_a_heavy_page_is_retried_smaller() -> None:
    pulls = [pull_node(n, _stamp(28 - n)) for n in range(1, 10)]
    client = ScriptedClient(pulls, heavy_above=4)
    pages = list(PullRequestReader(client, "acme/api").pages(None))
    assert sum(len(kept) for kept, _, _ in pages) == 9
    assert [c[1]["first"] for c in client.calls][:3] == [16, 8, 4]
    assert client.stats.extra["graphql_smaller_pages"] == 2


def test_a_missing_repository_is_named() -> None:
    class Missing(ScriptedClient):
        def query(self, query: str, variables: dict[str, Any], *, what: str) -> Any:
            return {"repository": None}, [
                {"type": "NOT_FOUND", "path": ["repository"], "message": "Could not resolve"}
            ]

    with pytest.raises(SourceError, match="'acme/nope' not found"):
        list(PullRequestReader(Missing([]), "acme/nope").pages(None))


def test_partial_errors_name_the_pull_request() -> None:
    data = {"repository": {"pullRequests": {"nodes": [{"number": 12, "reviews": None}]}}}
    error = {
        "type": "FORBIDDEN",
        "path": ["repository", "pullRequests", "nodes", 0, "reviews"],
        "message": "Resource not accessible",
    }
    text = describe_error(error, data)
    assert "#12" in text and "reviews" in text and "FORBIDDEN" in text


def test_owner_star_expands_to_the_orgs_non_archived_repositories() -> None:
    from pipelines.sources.github.repositories import expand

    class Orgs:
        def __init__(self) -> None:
            self.calls: list[dict[str, Any]] = []

        def query(self, query: str, variables: dict[str, Any], *, what: str) -> Any:
            self.calls.append(variables)
            if variables["org"] == "ghost":
                return {"organization": None}, [{"type": "NOT_FOUND"}]
            first = variables["after"] is None
            nodes = (
                [{"nameWithOwner": "acme/api", "isArchived": False}]
                if first
                else [
                    {"nameWithOwner": "acme/old", "isArchived": True},
                    {"nameWithOwner": "acme/web", "isArchived": False},
                ]
            )
            info = {"hasNextPage": first, "endCursor": "c1"}
            return {"organization": {"repositories": {"pageInfo": info, "nodes": nodes}}}, []

    client = Orgs()
    names, discovered = expand(client, ["other/lib", "acme/*", "acme/api"])
    assert names == ["other/lib", "acme/api", "acme/web"]
    assert discovered == {"acme/*": ["acme/api", "acme/web"]}
    assert len(client.calls) == 2
    with pytest.raises(SourceError, match="organisation 'ghost' not found"):
        expand(client, ["ghost/*"])
