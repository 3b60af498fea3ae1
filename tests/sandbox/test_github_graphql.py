"""The sandbox's GitHub GraphQL endpoint over HTTP: one truth with REST (same ids, node ids,
times), GitHub's pagination rules, node limit, cost and separate points budget, its error
shapes and the switchable faults. One tiny company (with one pull request of more than 100
reviews) serves the module; tests that change data start their own server."""

from __future__ import annotations

import json
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from typing import Any

import pytest
from graphql import (
    GraphQLInterfaceType,
    GraphQLNonNull,
    GraphQLUnionType,
    get_named_type,
    is_leaf_type,
)

from sandbox import GITHUB_TOKEN, Company, Sandbox, Size
from sandbox.github.graphql.schema import executable_schema
from sandbox.github.history import commits_of, rebased_commits, timeline_of
from sandbox.github.server import GitHubServer
from sandbox.github.shapes import node_id

PULLS = """query Pulls($owner: String!, $name: String!, $after: String) {
  rateLimit { cost remaining resetAt nodeCount }
  repository(owner: $owner, name: $name) {
    pullRequests(first: 20, after: $after, orderBy: {field: UPDATED_AT, direction: DESC}) {
      pageInfo { hasNextPage endCursor }
      nodes { ...pull }
    }
  }
}
query Reviews($id: ID!, $after: String) {
  node(id: $id) { ... on PullRequest { reviews(first: 100, after: $after) { ...reviews } } }
}
fragment pull on PullRequest {
  id databaseId number createdAt updatedAt state isDraft mergedAt closedAt
  author { __typename login }
  reviews(first: 100) { ...reviews }
  commits(first: 1) { totalCount nodes { commit { oid authoredDate } } }
  timelineItems(first: 100, itemTypes: [READY_FOR_REVIEW_EVENT, CONVERT_TO_DRAFT_EVENT,
      REVIEW_REQUESTED_EVENT, REVIEW_REQUEST_REMOVED_EVENT, REOPENED_EVENT, MERGED_EVENT,
      CLOSED_EVENT, REVIEW_DISMISSED_EVENT]) {
    totalCount
    nodes { __typename
      ... on MergedEvent { createdAt actor { login } }
      ... on ClosedEvent { createdAt }
      ... on ReadyForReviewEvent { createdAt }
      ... on ConvertToDraftEvent { createdAt }
      ... on ReopenedEvent { createdAt }
      ... on ReviewRequestedEvent { createdAt requestedReviewer { __typename } }
      ... on ReviewRequestRemovedEvent { createdAt }
      ... on ReviewDismissedEvent { createdAt previousReviewState review { state } } }
  }
}
fragment reviews on PullRequestReviewConnection {
  totalCount pageInfo { hasNextPage endCursor }
  nodes { id databaseId state submittedAt author { __typename login } commit { oid } }
}"""


def post(
    url: str,
    query: str,
    variables: dict[str, Any] | None = None,
    *,
    token: str | None = None,
    operation: str | None = None,
) -> tuple[int, dict[str, str], Any]:
    body = {"query": query, "variables": variables or {}}
    if operation:
        body["operationName"] = operation
    headers = {"Content-Type": "application/json"}
    if token is not None:
        headers["Authorization"] = f"bearer {token}"
    request = urllib.request.Request(url, data=json.dumps(body).encode(), headers=headers)
    try:
        response = urllib.request.urlopen(request, timeout=30)
    except urllib.error.HTTPError as error:
        response = error
    with response:
        return (
            response.status,
            {k.lower(): v for k, v in response.headers.items()},
            json.load(response),
        )


@pytest.fixture(scope="module")
def box() -> Iterator[Sandbox]:
    with Sandbox(seed=7, size=Size(many_review_pulls=1)) as sandbox:
        yield sandbox


@pytest.fixture
def gh(box: Sandbox) -> Iterator[GitHubServer]:
    box.github.clear_faults()
    box.github.clear_log()
    yield box.github
    box.github.clear_faults()
    box.github.graphql.heavy_query_nodes = None


def query(gh: GitHubServer, text: str, variables: dict[str, Any] | None = None, **kw: Any) -> Any:
    return post(gh.graphql_url, text, variables, token=GITHUB_TOKEN, **kw)


def read_repo(gh: GitHubServer, full_name: str) -> list[dict[str, Any]]:
    """Every pull request of a repository through GraphQL, reviews paged to the end."""
    owner, name = full_name.split("/")
    pulls, after = [], None
    while True:
        status, _, body = query(
            gh, PULLS, {"owner": owner, "name": name, "after": after}, operation="Pulls"
        )
        assert status == 200 and "errors" not in body, body
        page = body["data"]["repository"]["pullRequests"]
        pulls += page["nodes"]
        if not page["pageInfo"]["hasNextPage"]:
            return pulls
        after = page["pageInfo"]["endCursor"]


def test_pull_requests_and_reviews_are_the_rest_truth(gh: GitHubServer) -> None:
    heavy = next(p for p in gh.org_data.world.pulls if len(p.reviews) > 100)
    repo = heavy.repo.full_name
    pulls = read_repo(gh, repo)
    overflowed = 0
    for pull in pulls:
        reviews = pull["reviews"]
        while reviews["pageInfo"]["hasNextPage"]:
            overflowed += 1
            variables = {"id": pull["id"], "after": reviews["pageInfo"]["endCursor"]}
            _, _, body = query(gh, PULLS, variables, operation="Reviews")
            more = body["data"]["node"]["reviews"]
            reviews = {**more, "nodes": reviews["nodes"] + more["nodes"]}
        pull["reviews"] = reviews
    updated = [p["updatedAt"] for p in pulls]
    assert updated == sorted(updated, reverse=True)
    rest = [p for p in gh.org_data.truth("pull_requests") if p["base"]["repo"]["full_name"] == repo]
    assert sorted(
        (
            p["number"],
            p["databaseId"],
            p["id"],
            p["createdAt"],
            p["updatedAt"],
            p["author"]["login"],
        )
        for p in pulls
    ) == sorted(
        (p["number"], p["id"], p["node_id"], p["created_at"], p["updated_at"], p["user"]["login"])
        for p in rest
    )
    rest_reviews = [r for r in gh.org_data.truth("pr_reviews") if r["repo"] == repo]
    mine = [(p["number"], r) for p in pulls for r in p["reviews"]["nodes"]]
    assert sorted(
        (
            n,
            r["databaseId"],
            r["id"],
            r["state"],
            r["submittedAt"],
            r["author"]["login"],
            r["commit"]["oid"],
        )
        for n, r in mine
    ) == sorted(
        (
            r["pull_number"],
            r["id"],
            r["node_id"],
            r["state"],
            r.get("submitted_at"),
            r["user"]["login"],
            r["commit_id"],
        )
        for r in rest_reviews
    )
    counts = [len(p["reviews"]["nodes"]) for p in pulls]
    assert all(p["reviews"]["totalCount"] == len(p["reviews"]["nodes"]) for p in pulls)
    assert overflowed >= 1 and max(counts) == len(heavy.reviews) > 100
    bots = {r["author"]["login"] for _, r in mine if r["author"]["__typename"] == "Bot"}
    assert "copilot-pull-request-reviewer[bot]" in bots


def test_timeline_and_commits_agree_with_the_pull_requests(gh: GitHubServer) -> None:
    repo = gh.org_data.repo(*gh.repo_names[1].split("/"))
    assert repo is not None
    for pull in read_repo(gh, repo.full_name):
        record = gh.org_data.pull(repo, pull["number"])
        assert record is not None
        events = pull["timelineItems"]["nodes"]
        times = [e["createdAt"] for e in events]
        assert times == sorted(times)
        assert all(pull["createdAt"] <= t <= pull["updatedAt"] for t in times)
        kinds = [e["__typename"] for e in events]
        assert ("MergedEvent" in kinds) == (pull["state"] == "MERGED")
        if pull["state"] == "MERGED":
            merged = next(e for e in events if e["__typename"] == "MergedEvent")
            assert merged["createdAt"] == pull["mergedAt"]
        if pull["closedAt"] is not None:
            assert kinds[-1] == "ClosedEvent" and times[-1] == pull["closedAt"]
        commits = pull["commits"]
        assert commits["totalCount"] == record.commits
        assert commits_of(record)[-1].oid == record.head_sha
    everything = [p for p in gh.org_data.world.pulls]
    assert any(commits_of(p)[0].authored_at > p.created_at for p in everything)  # force-push
    assert all(
        commits_of(p)[0].authored_at <= p.created_at
        or all(c.authored_at > p.created_at for c in commits_of(p))
        for p in everything
    )
    kinds = {e.kind for p in everything for e in timeline_of(p)}
    assert {"ReadyForReviewEvent", "ReviewRequestedEvent", "MergedEvent", "ClosedEvent"} <= kinds

    # rework: some pull requests have commits after their first review by a person, none
    # after the pull request closed
    def first_review(p: Any) -> Any:
        times = [
            r.submitted_at
            for r in p.reviews
            if r.submitted_at and r.user is not p.user and r.user.type != "Bot"
        ]
        return min(times, default=None)

    reworked = [
        p
        for p in everything
        if first_review(p) and any(c.committed_at > first_review(p) for c in commits_of(p))
    ]
    assert reworked
    assert all(
        c.committed_at <= (p.closed_at or p.updated_at) for p in reworked for c in commits_of(p)
    )


COMMITS = """query($id: ID!, $after: String) { node(id: $id) { ... on PullRequest {
  commits(first: 100, after: $after) { totalCount pageInfo { hasNextPage endCursor }
    nodes { id commit { oid committedDate } } } } } }"""


def test_a_rebased_branch_of_many_commits_pages_in_branch_order() -> None:
    """After a rebase every commit is committed at once: the list keeps branch order across
    pages (GitHub's order), and the old commits are gone."""
    company = Company(seed=3, size=Size(repos=1, pulls=30))
    with GitHubServer(company, [], token="t0k") as server:
        org = server.org_data
        pull = next(p for p in org.world.pulls if p.state == "open")
        before = {c.oid for c in commits_of(pull)}
        pull.commits, pull.head_sha = 130, "f" * 40
        pull.commit_list = rebased_commits(pull, org.clock.tick())
        oids, after, node = [], None, node_id("PullRequest", pull.id)
        while True:
            _, _, body = post(
                server.graphql_url, COMMITS, {"id": node, "after": after}, token="t0k"
            )
            page = body["data"]["node"]["commits"]
            oids += [n["commit"]["oid"] for n in page["nodes"]]
            if not page["pageInfo"]["hasNextPage"]:
                break
            after = page["pageInfo"]["endCursor"]
        assert oids == [c.oid for c in commits_of(pull)] and len(oids) == 130
        assert oids[-1] == pull.head_sha and not before & set(oids)
        assert len({c.committed_at for c in commits_of(pull)}) == 1


def test_cost_budget_and_headers(gh: GitHubServer) -> None:
    rest_used = gh.rate_window.used
    used = gh.graphql_window.used
    text = """{ rateLimit { cost limit remaining used nodeCount resetAt }
      repository(owner: "acme", name: "api") { pullRequests(first: 100) {
        nodes { reviews(first: 100) { totalCount } } } } }"""
    status, headers, body = query(gh, text)
    assert status == 200, body
    rate = body["data"]["rateLimit"]
    # 100 pull requests with up to 100 reviews each: 1 + 100 requests, about one point
    assert (rate["cost"], rate["nodeCount"], rate["limit"]) == (1, 10_100, 5000)
    assert rate["used"] == used + 1 and rate["remaining"] == 5000 - rate["used"]
    assert headers["x-ratelimit-resource"] == "graphql"
    assert headers["x-ratelimit-used"] == str(rate["used"])
    assert headers["x-ratelimit-remaining"] == str(rate["remaining"])
    assert int(headers["x-ratelimit-reset"]) > time.time()
    assert gh.rate_window.used == rest_used  # the REST budget is not touched
    [entry] = gh.requests("graphql")
    assert (entry.cost, entry.charged, entry.operation) == (
        1,
        True,
        "graphql rateLimit,repository acme/api",
    )
    status, _, body = query(gh, "{ rateLimit(dryRun: true) { cost remaining } }")
    assert body["data"]["rateLimit"]["remaining"] == rate["remaining"]
    assert gh.requests("graphql")[-1].cost == 0


def test_rate_limited_when_the_points_are_spent(gh: GitHubServer) -> None:
    gh.graphql_window.exhaust(reset_in=600)
    try:
        status, headers, body = query(gh, "{ viewer { login } }")
    finally:
        gh.graphql_window.reset()
    assert status == 200
    assert body == {"errors": [{"type": "RATE_LIMITED", "message": body["errors"][0]["message"]}]}
    assert body["errors"][0]["message"].startswith("API rate limit exceeded for user ID ")
    assert headers["x-ratelimit-remaining"] == "0"
    assert 500 < int(headers["x-ratelimit-reset"]) - time.time() <= 601
    assert gh.requests("graphql")[-1].charged is False
    gh.inject("primary_limit", match="graphql", seconds=300)
    try:
        status, headers, body = query(gh, "{ viewer { login } }")
        assert (status, body["errors"][0]["type"]) == (200, "RATE_LIMITED")
        assert gh.rate_window.remaining > 0  # only the GraphQL budget is exhausted
    finally:
        gh.graphql_window.reset()


@pytest.mark.parametrize(
    ("selection", "kind", "message"),
    [
        (
            "pullRequests { nodes { id } }",
            "MISSING_PAGINATION_BOUNDARIES",
            "You must provide a `first` or `last` value to properly paginate the `pullRequests` "
            "connection.",
        ),
        (
            "pullRequests(first: 101) { nodes { id } }",
            "EXCESSIVE_PAGINATION",
            "Requesting 101 records on the `pullRequests` connection exceeds the `first` limit "
            "of 100 records.",
        ),
        (
            "pullRequests(last: 200) { nodes { id } }",
            "EXCESSIVE_PAGINATION",
            "Requesting 200 records on the `pullRequests` connection exceeds the `last` limit "
            "of 100 records.",
        ),
    ],
)
def test_pagination_rules(gh: GitHubServer, selection: str, kind: str, message: str) -> None:
    status, _, body = query(gh, f'{{ repository(owner: "acme", name: "api") {{ {selection} }} }}')
    assert status == 200
    assert body["data"] == {"repository": None}
    [error] = body["errors"]
    assert (error["type"], error["message"], error["path"]) == (
        kind,
        message,
        ["repository", "pullRequests"],
    )
    assert error["locations"]


def test_total_count_needs_no_page_size(gh: GitHubServer) -> None:
    _, _, body = query(
        gh, '{ repository(owner: "acme", name: "api") { pullRequests { totalCount } } }'
    )
    repo = gh.org_data.repo("acme", "api")
    assert repo is not None
    assert body == {
        "data": {
            "repository": {
                "pullRequests": {"totalCount": len(gh.org_data.pulls(repo, state="all"))}
            }
        }
    }


def test_error_shapes(gh: GitHubServer) -> None:
    _, _, body = query(gh, '{ repository(owner: "acme", name: "nope") { id } }')
    assert body == {
        "data": {"repository": None},
        "errors": [
            {
                "type": "NOT_FOUND",
                "path": ["repository"],
                "locations": [{"line": 1, "column": 3}],
                "message": "Could not resolve to a Repository with the name 'acme/nope'.",
            }
        ],
    }
    _, _, body = query(gh, '{ repository(owner: "acme", name: "api") { nope } }')
    assert body == {
        "errors": [
            {
                "message": "Field 'nope' doesn't exist on type 'Repository'",
                "locations": [{"line": 1, "column": 44}],
                "path": ["query", "repository", "nope"],
                "extensions": {
                    "code": "undefinedField",
                    "typeName": "Repository",
                    "fieldName": "nope",
                },
            }
        ]
    }
    used = gh.graphql_window.used
    huge = """{ repository(owner: "acme", name: "api") { pullRequests(first: 100) { nodes {
      reviews(first: 100) { nodes { pullRequest { labels(first: 100) { nodes { name } } } } }
    } } } }"""
    _, _, body = query(gh, huge)
    assert body == {
        "errors": [
            {
                "type": "MAX_NODE_LIMIT_EXCEEDED",
                "message": (
                    "This query requests up to 1,010,100 possible nodes which exceeds the "
                    "maximum limit of 500,000."
                ),
            }
        ]
    }
    assert gh.graphql_window.used == used  # refused before it costs anything


def test_faults(gh: GitHubServer) -> None:
    text = """{ repository(owner: "acme", name: "api") { pullRequests(first: 3) {
      nodes { number reviews(first: 10) { totalCount } labels(first: 5) { totalCount } } } } }"""
    gh.inject("graphql_partial", match="graphql repository")
    status, _, body = query(gh, text)
    assert status == 200
    nodes = body["data"]["repository"]["pullRequests"]["nodes"]
    assert nodes[0]["reviews"] is None and nodes[0]["labels"] is not None
    assert nodes[1]["reviews"] is not None
    [error] = body["errors"]
    assert error["path"] == ["repository", "pullRequests", "nodes", 0, "reviews"]
    gh.inject("graphql_timeout")
    status, _, body = query(gh, text)
    assert status == 200 and body["data"] is None
    assert body["errors"][0]["message"].startswith(
        "Something went wrong while executing your query. This may be the result of a timeout"
    )
    gh.inject("graphql_502")
    assert query(gh, text)[0] == 502
    gh.graphql.heavy_query_nodes = 1000
    assert query(gh, text)[0] == 200  # 3 + 30 + 15 nodes
    assert query(gh, text.replace("first: 3", "first: 100"))[0] == 502
    gh.graphql.heavy_query_nodes, gh.graphql.timeout_query_nodes = None, 1000
    try:
        status, _, body = query(gh, text.replace("first: 3", "first: 100"))
        assert status == 200 and body["data"] is None and "timeout" in body["errors"][0]["message"]
        assert query(gh, text)[0] == 200
    finally:
        gh.graphql.timeout_query_nodes = None
    gh.inject("secondary_limit", match="graphql", retry_after=7)
    status, headers, body = query(gh, text)
    assert (status, headers["retry-after"], headers["x-ratelimit-resource"]) == (
        403,
        "7",
        "graphql",
    )
    assert "secondary rate limit" in body["message"]


def test_enterprise_path_auth_and_mutations() -> None:
    company = Company(seed=3, size=Size(repos=1, pulls=30))
    with GitHubServer(company, [], token="t0k", path_prefix="/api/v3") as server:
        assert isinstance(server, GitHubServer)
        assert server.graphql_url == server.url + "/api/graphql"
        status, _, body = post(server.graphql_url, "{ viewer { login } }")
        assert (status, body["message"]) == (401, "This endpoint requires you to be authenticated.")
        status, _, body = post(server.graphql_url, "{ viewer { login } }", token="wrong")
        assert (status, body["message"]) == (401, "Bad credentials")
        assert post(server.url + "/graphql", "{ viewer { login } }", token="t0k")[0] == 404
        [(full, number)] = server.org_data.merge_pulls(1)
        owner, name = full.split("/")
        events = """timelineItems(last: 2, itemTypes: [MERGED_EVENT, CLOSED_EVENT]) { nodes {
            __typename ... on MergedEvent { createdAt } ... on ClosedEvent { createdAt } } }"""
        text = f"""{{ repository(owner: "{owner}", name: "{name}") {{
          pullRequest(number: {number}) {{ state isDraft mergedAt {events} }} }} }}"""
        status, _, body = post(server.graphql_url, text, token="t0k")
        pull = body["data"]["repository"]["pullRequest"]
        assert (pull["state"], pull["isDraft"]) == ("MERGED", False)
        assert [(n["__typename"], n["createdAt"]) for n in pull["timelineItems"]["nodes"]] == [
            ("MergedEvent", pull["mergedAt"]),
            ("ClosedEvent", pull["mergedAt"]),
        ]


THREADS = """query($owner: String!, $name: String!, $after: String) {
  repository(owner: $owner, name: $name) { pullRequests(first: 20, after: $after) {
    pageInfo { hasNextPage endCursor }
    nodes { number reviewThreads(first: 50) { nodes { path isResolved comments(first: 50) {
      nodes { databaseId id path line body createdAt updatedAt author { login }
        replyTo { databaseId } pullRequestReview { databaseId } commit { oid } } } } } } } } }"""


def test_review_threads_carry_the_rest_review_comments(gh: GitHubServer) -> None:
    owner, name = gh.repo_names[0].split("/")
    mine, after = [], None
    while True:
        _, _, body = query(gh, THREADS, {"owner": owner, "name": name, "after": after})
        page = body["data"]["repository"]["pullRequests"]
        for pull in page["nodes"]:
            for thread in pull["reviewThreads"]["nodes"]:
                root, *replies = thread["comments"]["nodes"]
                assert root["replyTo"] is None and thread["path"] == root["path"]
                assert all(r["replyTo"]["databaseId"] == root["databaseId"] for r in replies)
                mine += [(pull["number"], c) for c in thread["comments"]["nodes"]]
        if not page["pageInfo"]["hasNextPage"]:
            break
        after = page["pageInfo"]["endCursor"]
    rest = [c for c in gh.org_data.truth("pr_comments") if c["repo"] == f"{owner}/{name}"]
    assert rest
    assert sorted(
        (
            n,
            c["databaseId"],
            c["id"],
            c["path"],
            c["line"],
            c["body"],
            c["createdAt"],
            c["updatedAt"],
            c["author"]["login"],
            (c["replyTo"] or {}).get("databaseId"),
            c["pullRequestReview"]["databaseId"],
            c["commit"]["oid"],
        )
        for n, c in mine
    ) == sorted(
        (
            c["pull_number"],
            c["id"],
            c["node_id"],
            c["path"],
            c["line"],
            c["body"],
            c["created_at"],
            c["updated_at"],
            c["user"]["login"],
            c.get("in_reply_to_id"),
            c["pull_request_review_id"],
            c["commit_id"],
        )
        for c in rest
    )


def test_rest_rate_limit_reports_the_graphql_budget(gh: GitHubServer) -> None:
    query(gh, "{ viewer { login } }")
    request = urllib.request.Request(
        gh.api_url + "/rate_limit", headers={"Authorization": f"token {GITHUB_TOKEN}"}
    )
    with urllib.request.urlopen(request) as response:
        graphql = json.load(response)["resources"]["graphql"]
    assert graphql["used"] == gh.graphql_window.used >= 1
    assert graphql["remaining"] == gh.graphql_window.remaining


def test_bot_logins_can_be_spelt_as_githubs_graphql_does() -> None:
    """github.com's GraphQL says "dependabot" where REST says "dependabot[bot]" (a switch,
    off by default until the GitHub source maps the two spellings)."""
    company = Company(seed=3, size=Size(repos=1, pulls=40))
    text = '{ viewer { login } repository(owner: "acme", name: "api") {'
    text += " pullRequests(first: 100) { nodes { author { __typename login } } } } }"
    logins = {}
    for real in (False, True):
        options = {"graphql_bot_logins_without_suffix": real}
        with GitHubServer(company, [], token="t0k", **options) as server:
            assert isinstance(server, GitHubServer)
            _, _, body = post(server.graphql_url, text, token="t0k")
        nodes = body["data"]["repository"]["pullRequests"]["nodes"]
        logins[real] = {n["author"]["login"] for n in nodes if n["author"]["__typename"] == "Bot"}
    assert logins == {False: {"dependabot[bot]"}, True: {"dependabot"}}


def test_edges_cursors_and_paging_both_ways(gh: GitHubServer) -> None:
    text = """query($first: Int, $last: Int, $after: String, $before: String) {
      repository(owner: "acme", name: "api") { pullRequests(first: $first, last: $last,
        after: $after, before: $before, orderBy: {field: CREATED_AT, direction: ASC}) {
        totalCount pageInfo { hasNextPage hasPreviousPage startCursor endCursor }
        edges { cursor node { number } } } } }"""

    def page(**variables: Any) -> dict[str, Any]:
        _, _, body = query(gh, text, variables)
        return body["data"]["repository"]["pullRequests"]

    everything = page(first=100)
    numbers = [e["node"]["number"] for e in everything["edges"]]
    assert numbers == sorted(numbers) and len(numbers) == everything["totalCount"] > 6
    first = page(first=3)
    assert [e["node"]["number"] for e in first["edges"]] == numbers[:3]
    info = first["pageInfo"]
    assert (info["hasNextPage"], info["hasPreviousPage"]) == (True, False)
    assert info["endCursor"] == first["edges"][-1]["cursor"]
    second = page(first=3, after=info["endCursor"])
    assert [e["node"]["number"] for e in second["edges"]] == numbers[3:6]
    assert second["pageInfo"]["hasPreviousPage"] is True
    last = page(last=2)
    assert [e["node"]["number"] for e in last["edges"]] == numbers[-2:]
    assert (last["pageInfo"]["hasNextPage"], last["pageInfo"]["hasPreviousPage"]) == (False, True)
    back = page(last=2, before=second["pageInfo"]["startCursor"])
    assert [e["node"]["number"] for e in back["edges"]] == numbers[1:3]


def _select_everything(named: Any, depth: int) -> str:
    """A selection of every field (connections: first 3) down to `depth` object levels."""

    named = get_named_type(named)
    if isinstance(named, GraphQLUnionType):
        members = " ".join(f"... on {m.name} {_select_everything(m, depth)}" for m in named.types)
        return "{ __typename " + members + " }"
    parts = ["__typename"]
    for name, field in named.fields.items():
        if any(isinstance(a.type, GraphQLNonNull) for a in field.args.values()):
            continue
        inner = get_named_type(field.type)
        if is_leaf_type(inner):
            parts.append(name)
        elif depth > 0:
            args = "(first: 3)" if inner.name.endswith("Connection") else ""
            parts.append(f"{name}{args} {_select_everything(inner, depth - 1)}")
    if isinstance(named, GraphQLInterfaceType):
        parts.append("... on Node { id }")
    return "{ " + " ".join(parts) + " }"


def test_every_served_field_resolves(gh: GitHubServer) -> None:
    schema = executable_schema()
    pulls = _select_everything(schema.get_type("PullRequest"), 2)
    org = _select_everything(schema.get_type("Organization"), 2)
    text = f"""{{ repository(owner: "acme", name: "api") {{ pullRequests(first: 30) {{
      nodes {pulls} }} }} organization(login: "acme") {org} }}"""
    status, _, body = query(gh, text)
    assert status == 200 and "errors" not in body, body
    repo = gh.org_data.repo("acme", "api")
    assert repo is not None
    served = len(body["data"]["repository"]["pullRequests"]["nodes"])
    assert served == min(30, len(gh.org_data.pulls(repo, state="all")))


def test_archived_and_new_repositories() -> None:
    company = Company(seed=5, size=Size(repos=3, pulls=20))
    text = """{ organization(login: "acme") { all: repositories(first: 100) { nodes {
        nameWithOwner isArchived } }
      live: repositories(first: 100, isArchived: false) { nodes { nameWithOwner
        pullRequests(first: 10) { totalCount } } } } }"""
    with GitHubServer(company, [], token="t0k") as server:
        assert isinstance(server, GitHubServer)
        [archived] = server.org_data.archive_repos(1)
        [created] = server.org_data.add_repos(1, pulls=3)
        _, _, body = post(server.graphql_url, text, token="t0k")
        request = urllib.request.Request(
            f"{server.api_url}/repos/{archived}", headers={"Authorization": "token t0k"}
        )
        with urllib.request.urlopen(request) as response:
            rest = json.load(response)
    org = body["data"]["organization"]
    flags = {n["nameWithOwner"]: n["isArchived"] for n in org["all"]["nodes"]}
    assert len(flags) == 4 and flags[archived] is True and flags[created] is False
    live = {n["nameWithOwner"]: n["pullRequests"]["totalCount"] for n in org["live"]["nodes"]}
    assert archived not in live and live[created] == 3
    assert rest["archived"] is True
