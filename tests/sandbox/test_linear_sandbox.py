"""The Linear sandbox over real HTTP: data, pagination, filters, auth, errors, complexity,
rate limits, faults and mutations."""

from __future__ import annotations

import base64
import json
import re
import threading
import time
from collections.abc import Callable, Iterator
from datetime import UTC, datetime
from typing import Any

import pytest
import requests

from sandbox.company import Company
from sandbox.linear import LinearServer, LinearWorkspace
from sandbox.linear.model import ENTITIES, RELATIONS, SCALAR_FIELDS

KEY = "lin_api_test_key"
NOW = datetime(2026, 3, 1, 12, 0, tzinfo=UTC)
ISO = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$")


def make_server(**options: Any) -> LinearServer:
    server = LinearServer(Company(seed=11, size="tiny", now=NOW), api_key=KEY, **options)
    return server.start()  # type: ignore[return-value]


def stop_soon(box: LinearServer) -> None:
    """Stop in the background: `shutdown()` waits up to half a second for the serve loop."""
    threading.Thread(target=box.stop, daemon=True).start()


@pytest.fixture(scope="module")
def server() -> Iterator[LinearServer]:
    """A shared server for read-only tests."""
    box = make_server()
    yield box
    stop_soon(box)


@pytest.fixture
def servers() -> Iterator[Callable[..., LinearServer]]:
    """Make servers of their own (with options), for tests that mutate data or budgets."""
    made: list[LinearServer] = []

    def make(**options: Any) -> LinearServer:
        made.append(make_server(**options))
        return made[-1]

    yield make
    for box in made:
        stop_soon(box)


@pytest.fixture
def fresh(servers: Callable[..., LinearServer]) -> LinearServer:
    """A default server of its own."""
    return servers()


def post(
    server: LinearServer,
    query: str,
    variables: dict[str, Any] | None = None,
    auth: str | None = KEY,
) -> requests.Response:
    headers = {} if auth is None else {"Authorization": auth}
    body = {"query": query, "variables": variables or {}}
    return requests.post(f"{server.url}/graphql", json=body, headers=headers, timeout=10)


def data(server: LinearServer, query: str, variables: dict[str, Any] | None = None) -> Any:
    response = post(server, query, variables)
    assert response.status_code == 200, response.text
    body = response.json()
    assert "errors" not in body, body
    return body["data"]


def walk(
    server: LinearServer, entity: str, first: int, selection: str = "id", **arguments: Any
) -> list[dict[str, Any]]:
    """Every node of `entity`, page by page."""
    args = "".join(f", {k}: {v}" for k, v in arguments.items())
    query = (
        f"query($first: Int, $after: String) {{ {entity}(first: $first, after: $after{args}) "
        f"{{ nodes {{ {selection} }} pageInfo {{ hasNextPage endCursor }} }} }}"
    )
    nodes: list[dict[str, Any]] = []
    after = None
    while True:
        page = data(server, query, {"first": first, "after": after})[entity]
        nodes += page["nodes"]
        if not page["pageInfo"]["hasNextPage"]:
            return nodes
        after = page["pageInfo"]["endCursor"]


def selection(entity: str) -> str:
    relations = " ".join(f"{r} {{ id }}" for r in RELATIONS[entity])
    return " ".join(SCALAR_FIELDS[entity]) + " " + relations


# -- data ----------------------------------------------------------------------------------------
def test_same_seed_same_truth_other_seed_other_truth() -> None:
    one = LinearWorkspace(Company(seed=3, size="tiny", now=NOW))
    two = LinearWorkspace(Company(seed=3, size="tiny", now=NOW))
    other = LinearWorkspace(Company(seed=4, size="tiny", now=NOW))
    for entity in ENTITIES:
        assert one.truth(entity) == two.truth(entity)
    assert one.truth("issues") != other.truth("issues")
    assert one.mutate_issues(5) == two.mutate_issues(5)
    clock = {"updatedAt", "startedAt", "completedAt", "canceledAt", "triagedAt"}  # wall clock

    def unclocked(ws: LinearWorkspace) -> list[dict[str, Any]]:
        return [{k: v for k, v in i.items() if k not in clock} for i in ws.truth("issues")]

    assert unclocked(one) == unclocked(two)


def test_generated_data_is_consistent(server: LinearServer) -> None:
    ws = server.workspace
    size = server.company.size
    issues = ws.truth("issues")
    assert len(issues) == size.issues and len(ws.truth("comments")) == size.comments
    assert len(ws.truth("teams")) == size.teams
    states = {s["id"]: s for s in ws.truth("workflowStates")}
    labels = {lab["id"]: lab for lab in ws.truth("issueLabels")}
    issue_by_id = {i["id"]: i for i in issues}
    teams = {t["id"]: t["key"] for t in ws.truth("teams")}
    now = NOW.isoformat().replace("+00:00", ".000Z")
    for entity in ENTITIES:
        for row in ws.truth(entity):
            for field in ("createdAt", "updatedAt", "archivedAt"):
                if row[field] is not None:
                    assert ISO.match(row[field]) and row[field] <= now, (entity, field, row)
            assert row["updatedAt"] >= row["createdAt"]
    for issue in issues:
        kind = states[issue["state"]["id"]]["type"]
        assert (issue["startedAt"] is not None) == (kind in ("started", "completed"))
        assert (issue["completedAt"] is not None) == (kind == "completed")
        assert (issue["canceledAt"] is not None) == (kind == "canceled")
        key = teams[issue["team"]["id"]]
        assert issue["identifier"] == f"{key}-{issue['number']}"
        assert re.fullmatch(
            rf"([a-z0-9]+/)?{key.lower()}-{issue['number']}-[a-z0-9-]+", issue["branchName"]
        )
        assert (
            issue["priorityLabel"]
            == ["No priority", "Urgent", "High", "Medium", "Low"][issue["priority"]]
        )
        assert issue["estimate"] in (None, 1, 2, 3, 5, 8)
        assert len(issue["labelIds"]) <= 3
        assert not any(labels[lab]["isGroup"] for lab in issue["labelIds"])
        if issue["parent"]:
            assert issue_by_id[issue["parent"]["id"]]["team"] == issue["team"]
    identifiers = [i["identifier"] for i in issues]
    assert len(set(identifiers)) == len(identifiers)
    archived = sum(i["archivedAt"] is not None for i in issues)
    assert 0 < archived < len(issues) * 0.15
    assert {s["type"] for s in states.values()} == {
        "triage",
        "backlog",
        "unstarted",
        "started",
        "completed",
        "canceled",
    }
    cycles = ws.truth("cycles")
    assert any(c["completedAt"] for c in cycles) and any(c["archivedAt"] for c in cycles)
    assert any(c["startsAt"] <= now < c["endsAt"] for c in cycles)
    assert any(lab["isGroup"] for lab in labels.values())
    assert any(lab["parent"] for lab in labels.values())


def test_wire_rows_equal_truth(server: LinearServer) -> None:
    for entity in ENTITIES:
        extra = {"includeDisabled": "true"} if entity == "users" else {}
        nodes = walk(server, entity, 250, selection(entity), includeArchived="true", **extra)
        truth = server.workspace.truth(entity)
        assert sorted(nodes, key=lambda r: r["id"]) == sorted(truth, key=lambda r: r["id"]), entity


def test_integral_floats_are_sent_as_integers(server: LinearServer) -> None:
    text = post(server, "{ issues(first: 5) { nodes { number priority } } }").text
    assert re.search(r'"number":\d+[,}]', text) and ".0" not in text


def test_relations_resolve_beyond_id(server: LinearServer) -> None:
    node = data(server, "{ issues(first: 1) { nodes { team { id key name } state { type } } } }")
    issue = node["issues"]["nodes"][0]
    assert issue["team"]["key"] in {"ENG", "DES"} and issue["state"]["type"]


def test_nested_connections_and_single_lookups(server: LinearServer) -> None:
    truth = server.workspace.truth("comments")
    issue_id = truth[0]["issue"]["id"]
    identifier = server.workspace.get("issues", issue_id)["identifier"]
    got = data(
        server,
        f'{{ issue(id: "{identifier}") {{ id comments(includeArchived: true) '
        f"{{ nodes {{ id }} }} labels {{ nodes {{ id }} }} }} }}",
    )["issue"]
    assert got["id"] == issue_id
    expected = {c["id"] for c in truth if c["issue"]["id"] == issue_id}
    assert {c["id"] for c in got["comments"]["nodes"]} == expected
    missing = post(server, '{ user(id: "nope") { id } }')
    assert missing.status_code == 400
    assert missing.json()["errors"][0]["extensions"]["type"] == "invalid input"


def test_issue_refs(server: LinearServer) -> None:
    refs = server.issue_refs()
    issues = {i["id"]: i for i in server.workspace.truth("issues")}
    assert len(refs) == len(issues)
    for ref in refs[:50]:
        issue = issues[ref.id]
        assert (ref.identifier, ref.branch_name, ref.title) == (
            issue["identifier"],
            issue["branchName"],
            issue["title"],
        )
        assert (
            ref.created_at.isoformat(timespec="milliseconds").replace("+00:00", "Z")
            == (issue["createdAt"])
        )
        assert ref.identifier.startswith(ref.team_key + "-")
    assert any(r.assignee_github_login for r in refs)


# -- pagination, order, filters ------------------------------------------------------------------
@pytest.mark.parametrize("first", [250, 7])
def test_pagination_walks_every_id_once(server: LinearServer, first: int) -> None:
    ids = [n["id"] for n in walk(server, "issues", first, includeArchived="true")]
    assert len(ids) == len(set(ids))
    assert set(ids) == {i["id"] for i in server.workspace.truth("issues")}
    live = [n["id"] for n in walk(server, "issues", first)]
    assert set(live) == {i["id"] for i in server.workspace.truth("issues") if not i["archivedAt"]}


def test_default_page_is_50_and_cursors_are_keysets(server: LinearServer) -> None:
    page = data(
        server,
        "{ issues { nodes { id } edges { cursor node { id } } "
        "pageInfo { hasNextPage hasPreviousPage startCursor endCursor } } }",
    )
    issues = page["issues"]
    assert len(issues["nodes"]) == 50
    assert [e["node"]["id"] for e in issues["edges"]] == [n["id"] for n in issues["nodes"]]
    assert issues["pageInfo"]["endCursor"] == issues["edges"][-1]["cursor"]
    assert issues["pageInfo"]["hasPreviousPage"] is False
    assert "createdAt" in base64.urlsafe_b64decode(issues["pageInfo"]["endCursor"]).decode()


@pytest.mark.parametrize("cursor", ["nonsense", "WyJ1cGRhdGVkQXQiLCJkIiwxLDIsIngiXQ==", "W10="])
def test_foreign_cursors_are_invalid_input(server: LinearServer, cursor: str) -> None:
    query = "query($after: String) { issues(after: $after) { nodes { id } } }"
    response = post(server, query, {"after": cursor})
    assert response.status_code == 400
    assert response.json()["errors"][0]["extensions"]["type"] == "invalid input"


def test_first_over_250_is_rejected(server: LinearServer) -> None:
    response = post(server, "{ issues(first: 251) { nodes { id } } }")
    assert response.status_code == 400
    error = response.json()["errors"][0]
    assert "250" in error["message"] and error["extensions"]["type"] == "invalid input"
    backward = post(server, "{ issues(last: 5) { nodes { id } } }")
    assert backward.status_code == 400 and "backward" in backward.text


def test_archived_and_disabled_are_hidden_unless_asked(server: LinearServer) -> None:
    truth = server.workspace.truth("users")
    active = {u["id"] for u in truth if u["active"]}
    assert active != {u["id"] for u in truth}, "tiny company has deactivated users"
    assert {u["id"] for u in walk(server, "users", 250)} == active
    every = walk(server, "users", 250, includeDisabled="true")
    assert {u["id"] for u in every} == {u["id"] for u in truth}
    archived_cycles = {c["id"] for c in server.workspace.truth("cycles") if c["archivedAt"]}
    assert archived_cycles.isdisjoint(n["id"] for n in walk(server, "cycles", 250))
    shown = {n["id"] for n in walk(server, "cycles", 250, includeArchived="true")}
    assert archived_cycles <= shown


@pytest.mark.parametrize("field", ["createdAt", "updatedAt"])
def test_order_is_descending_with_hashed_ties(server: LinearServer, field: str) -> None:
    nodes = walk(server, "issues", 250, f"id {field}", orderBy=field, includeArchived="true")
    stamps = [n[field] for n in nodes]
    assert stamps == sorted(stamps, reverse=True)
    ascending = walk(
        server,
        "issues",
        250,
        f"id {field}",
        includeArchived="true",
        sort=f"[{{ {field}: {{ order: Ascending }} }}]",
    )
    assert [n[field] for n in ascending] == sorted(stamps)


def test_ties_are_not_in_id_or_insertion_order(fresh: LinearServer) -> None:
    ws = fresh.workspace
    ids = [i["id"] for i in ws.truth("issues")][:40]
    ws.set_updated_at("issues", ids, "2030-01-01T00:00:00.000Z")
    query = (
        "{ issues(first: 40, orderBy: updatedAt, includeArchived: true) "
        "{ nodes { id updatedAt } } }"
    )
    nodes = data(fresh, query)["issues"]["nodes"]
    got = [n["id"] for n in nodes]
    assert set(got) == set(ids) and {n["updatedAt"] for n in nodes} == {"2030-01-01T00:00:00.000Z"}
    assert got not in (ids, ids[::-1], sorted(ids), sorted(ids, reverse=True))
    assert [n["id"] for n in data(fresh, query)["issues"]["nodes"]] == got  # stable


def test_filters(server: LinearServer) -> None:
    truth = server.workspace.truth("issues")
    stamps = sorted(i["updatedAt"] for i in truth)
    middle = stamps[len(stamps) // 2]

    def matching(filter_: str) -> set[str]:
        """The ids of every issue (archived too) that `filter_` keeps."""
        nodes = walk(server, "issues", 50, "id", includeArchived="true", filter=filter_)
        return {n["id"] for n in nodes}

    newer = matching(f'{{ updatedAt: {{ gte: "{middle}" }} }}')
    assert newer == {i["id"] for i in truth if i["updatedAt"] >= middle}
    either = matching(
        f'{{ or: [{{ updatedAt: {{ gt: "{middle}" }} }}, '
        f'{{ archivedAt: {{ gte: "{middle}" }} }}] }}'
    )
    assert either == {
        i["id"] for i in truth if i["updatedAt"] > middle or (i["archivedAt"] or "") >= middle
    }
    archived_only = matching("{ archivedAt: { null: false } }")
    assert archived_only == {i["id"] for i in truth if i["archivedAt"]}
    some = [i["id"] for i in truth[:5]]
    both = matching(
        f'{{ and: [{{ id: {{ in: {json.dumps(some)} }} }}, {{ id: {{ neq: "{some[0]}" }} }}] }}'
    )
    assert both == set(some[1:])


def test_duration_filters_count_from_now(fresh: LinearServer) -> None:
    changed = fresh.workspace.touch("teams", [fresh.workspace.truth("teams")[0]["id"]])
    recent = data(fresh, '{ teams(filter: { updatedAt: { gte: "-PT1H" } }) { nodes { id } } }')
    assert [n["id"] for n in recent["teams"]["nodes"]] == changed
    bad = post(fresh, '{ teams(filter: { updatedAt: { gte: "last tuesday" } }) { nodes { id } } }')
    assert bad.status_code == 400


def test_a_row_updated_between_pages_is_not_returned_twice(fresh: LinearServer) -> None:
    query = (
        "query($after: String) { issues(first: 7, after: $after, orderBy: updatedAt, "
        "includeArchived: true) { nodes { id } pageInfo { hasNextPage endCursor } } }"
    )
    page = data(fresh, query)["issues"]
    seen = [n["id"] for n in page["nodes"]]
    fresh.workspace.touch("issues", [seen[3]])  # moves ahead of the cursor
    after = page["pageInfo"]["endCursor"]
    while after:
        page = data(fresh, query, {"after": after})["issues"]
        seen += [n["id"] for n in page["nodes"]]
        after = page["pageInfo"]["endCursor"] if page["pageInfo"]["hasNextPage"] else None
    assert len(seen) == len(set(seen))
    assert set(seen) == {i["id"] for i in fresh.workspace.truth("issues")}


# -- protocol: auth, errors, operations ----------------------------------------------------------
@pytest.mark.parametrize("auth", [None, "wrong", f"Bearer {KEY}"])
def test_missing_or_wrong_key_is_401(server: LinearServer, auth: str | None) -> None:
    response = post(server, "{ viewer { id } }", auth=auth)
    assert response.status_code == 401
    error = response.json()["errors"][0]
    assert error["extensions"]["type"] == "authentication error"
    assert error["extensions"]["code"] == "AUTHENTICATION_ERROR"


def test_invalid_queries_are_400_validation_errors(server: LinearServer) -> None:
    invalid = [
        "{ issues { nodes { nope } } }",
        "{ issues(filter: { title: {} }) { nodes { id } } }",
    ]
    for query in invalid:
        response = post(server, query)
        assert response.status_code == 400
        error = response.json()["errors"][0]
        assert error["extensions"] == {"code": "GRAPHQL_VALIDATION_FAILED", "type": "graphql error"}
    bad_var = post(server, "query($n: Int) { issues(first: $n) { nodes { id } } }", {"n": "x"})
    assert bad_var.status_code == 400
    assert post(server, "{ issues {").json()["errors"][0]["extensions"]["code"] == (
        "GRAPHQL_PARSE_FAILED"
    )
    assert requests.post(f"{server.url}/other", json={}, timeout=5).status_code == 404


def test_operation_labels_the_root_fields(fresh: LinearServer) -> None:
    data(fresh, "{ viewer { id } organization { id name urlKey } }")
    data(fresh, "query Q { comments(first: 1) { nodes { id } } }")
    assert [r.operation for r in fresh.log] == ["viewer,organization", "comments"]
    assert len(fresh.requests("comments")) == 1


def test_a_fault_can_be_narrowed_to_one_named_operation(fresh: LinearServer) -> None:
    """Two queries on the same root field: `named` picks the one the test means."""
    fault = fresh.inject("status", status=503, match="issues", named="Sync_issues")
    other = post(fresh, "query IssueHistory_sync { issues(first: 1) { nodes { id } } }")
    unnamed = post(fresh, "{ issues(first: 1) { nodes { id } } }")
    meant = post(fresh, "query Sync_issues { issues(first: 1) { nodes { id } } }")
    assert (other.status_code, unnamed.status_code, meant.status_code) == (200, 200, 503)
    assert fault.hits == 1


# -- complexity ----------------------------------------------------------------------------------
def test_complexity_follows_linears_rule(fresh: LinearServer) -> None:
    query = (
        "{ issues(first: 10) { nodes { id title team { id key } } "
        "pageInfo { hasNextPage endCursor } } }"
    )
    # issues: 1 + 10 * (nodes: 1 + 0.2 + team: (1 + 0.2)  +  pageInfo: (1 + 0.2)) = 37
    response = post(fresh, query)
    assert response.headers["X-Complexity"] == "37"
    nested = (
        "{ teams { nodes { id } } "
        "issues(first: 2) { nodes { comments(first: 3) { nodes { id } } } } }"
    )
    # teams: 1 + 50 * 1.1 = 56; issues: 1 + 2 * (1 + comments: (1 + 3 * 1.1)) = 11.6; 67.6 -> 68
    assert post(fresh, nested).headers["X-Complexity"] == "68"
    assert fresh.complexity_log == [("issues", 37), ("teams,issues", 68)]


def test_too_complex_is_rejected(fresh: LinearServer) -> None:
    query = "{ issues(first: 250) { nodes { comments(first: 250) { nodes { id } } } } }"
    response = post(fresh, query)
    assert response.status_code == 400
    error = response.json()["errors"][0]
    assert "too complex" in error["message"] and int(response.headers["X-Complexity"]) > 10_000
    assert fresh.complexity_log == []


# -- rate limits ---------------------------------------------------------------------------------
def test_rate_limit_headers_decrease(fresh: LinearServer) -> None:
    first = post(fresh, "{ teams { nodes { id } } }").headers
    second = post(fresh, "{ teams { nodes { id } } }").headers
    for budget in ("Requests", "Complexity"):
        assert int(first[f"X-RateLimit-{budget}-Limit"]) > 0
        assert int(second[f"X-RateLimit-{budget}-Remaining"]) < int(
            first[f"X-RateLimit-{budget}-Remaining"]
        )
        reset_ms = int(first[f"X-RateLimit-{budget}-Reset"])
        assert time.time() * 1000 < reset_ms <= (time.time() + 3601) * 1000
    assert int(first["X-RateLimit-Complexity-Remaining"]) - int(
        second["X-RateLimit-Complexity-Remaining"]
    ) == int(second["X-Complexity"])


@pytest.mark.parametrize(("status", "window"), [(400, "requests"), (429, "complexity")])
def test_exhausted_budget_is_ratelimited(
    servers: Callable[..., LinearServer], status: int, window: str
) -> None:
    box = servers(ratelimit_status=status)
    getattr(box, f"{window}_window").exhaust(reset_in=30)
    response = post(box, "{ teams { nodes { id } } }")
    assert response.status_code == status
    error = response.json()["errors"][0]
    assert error["extensions"]["code"] == "RATELIMITED"
    assert error["extensions"]["type"] == "ratelimited"
    assert error["extensions"]["userPresentableMessage"]
    headers = response.headers
    assert headers[f"X-RateLimit-{window.title()}-Remaining"] == "0"
    reset_in = int(headers[f"X-RateLimit-{window.title()}-Reset"]) / 1000 - time.time()
    assert 25 < reset_in <= 31
    assert box.complexity_log == [] and not box.log[-1].charged


def test_small_complexity_budget_runs_out(servers: Callable[..., LinearServer]) -> None:
    box = servers(complexity_per_hour=100)
    assert post(box, "{ teams { nodes { id } } }").status_code == 200  # 56 points
    response = post(box, "{ teams { nodes { id } } }")
    assert response.json()["errors"][0]["extensions"]["code"] == "RATELIMITED"


# -- faults --------------------------------------------------------------------------------------
@pytest.mark.parametrize("kind", ["ratelimited_400", "ratelimited_429"])
def test_ratelimited_faults(fresh: LinearServer, kind: str) -> None:
    fresh.inject(kind, match="issues", seconds=7)
    assert post(fresh, "{ teams { nodes { id } } }").status_code == 200
    response = post(fresh, "{ issues { nodes { id } } }")
    assert response.status_code == int(kind[-3:])
    assert response.json()["errors"][0]["extensions"]["code"] == "RATELIMITED"
    assert response.headers["X-RateLimit-Requests-Remaining"] == "0"
    reset_in = int(response.headers["X-RateLimit-Requests-Reset"]) / 1000 - time.time()
    assert 5 < reset_in <= 7.5 and "Retry-After" not in response.headers
    fresh.inject(kind, retry_after=3)
    assert post(fresh, "{ issues { nodes { id } } }").headers["Retry-After"] == "3"
    assert post(fresh, "{ issues { nodes { id } } }").status_code == 200


def test_graphql_error_and_complexity_faults(fresh: LinearServer) -> None:
    fault = fresh.inject("graphql_error", match="comments", message="boom")
    assert post(fresh, "{ issues(first: 1) { nodes { id } } }").status_code == 200
    response = post(fresh, "{ comments(first: 1) { nodes { id } } }")
    assert response.status_code == 200 and fault.hits == 1
    body = response.json()
    assert body["data"] is None and body["errors"][0]["message"] == "boom"
    assert body["errors"][0]["extensions"]["type"] == "internal error"
    fresh.inject("complexity")
    too = post(fresh, "{ teams { nodes { id } } }")
    assert too.status_code == 400 and "too complex" in too.json()["errors"][0]["message"]


def test_generic_faults_and_unknown_kinds(fresh: LinearServer) -> None:
    fresh.inject("status", status=503, match="issues")
    assert post(fresh, "{ issues { nodes { id } } }").status_code == 503
    fresh.inject("truncate")
    with pytest.raises(ValueError):
        post(fresh, "{ teams { nodes { id } } }").json()
    with pytest.raises(ValueError):
        fresh.inject("no_such_fault")


# -- mutations -----------------------------------------------------------------------------------
def test_mutations_move_updated_at_and_show_in_filters(fresh: LinearServer) -> None:
    ws = fresh.workspace
    before = {i["id"]: i for i in ws.truth("issues")}
    cut = datetime.now(UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")
    changed = ws.mutate_issues(6)
    after = {i["id"]: i for i in ws.truth("issues")}
    stamps = [after[i]["updatedAt"] for i in changed]
    assert len(set(stamps)) == 6 and all(s >= cut for s in stamps)
    assert all(after[i]["state"] != before[i]["state"] for i in changed)
    query = (
        f"{{ issues(first: 250, orderBy: updatedAt, includeArchived: true, "
        f'filter: {{ updatedAt: {{ gte: "{cut}" }} }}) {{ nodes {{ id }} }} }}'
    )
    assert {n["id"] for n in data(fresh, query)["issues"]["nodes"]} == set(changed)
    states = {s["id"]: s["type"] for s in ws.truth("workflowStates")}
    for issue in after.values():
        kind = states[issue["state"]["id"]]
        assert (issue["completedAt"] is not None) == (kind == "completed")
        if kind in ("started", "completed"):
            assert issue["startedAt"] is not None


def test_archive_leaves_updated_at_unless_asked(fresh: LinearServer) -> None:
    ws = fresh.workspace
    before = {i["id"]: i for i in ws.truth("issues")}
    quiet = ws.archive_issues(2)
    loud = ws.archive_issues(1, touch_updated_at=True)
    after = {i["id"]: i for i in ws.truth("issues")}
    for issue_id in quiet:
        assert after[issue_id]["archivedAt"] and (
            after[issue_id]["updatedAt"] == before[issue_id]["updatedAt"]
        )
    assert after[loud[0]]["updatedAt"] == after[loud[0]]["archivedAt"]
    live = {n["id"] for n in walk(fresh, "issues", 250)}
    assert live.isdisjoint(quiet + loud)


def test_additions_edits_deactivations_and_renames(fresh: LinearServer) -> None:
    ws = fresh.workspace
    issues = ws.add_issues(3)
    comments = ws.add_comments(4)
    edited = ws.edit_comments(2)
    users = ws.deactivate_users(1)
    teams = ws.rename_teams(1)
    assert len(issues) == 3 and len(comments) == 4 and len(edited) == 2 and len(teams) == 1
    truth = {i["id"]: i for i in ws.truth("issues")}
    numbers = {}
    for issue in truth.values():
        numbers.setdefault(issue["team"]["id"], []).append(issue["number"])
    assert all(sorted(n) == list(range(1, len(n) + 1)) for n in numbers.values())
    assert all(truth[i]["createdAt"] == truth[i]["updatedAt"] for i in issues)
    edits = {c["id"]: c for c in ws.truth("comments")}
    assert all(edits[c]["editedAt"] == edits[c]["updatedAt"] for c in edited)
    assert users[0] not in {u["id"] for u in walk(fresh, "users", 250)}
    renamed = data(fresh, f'{{ team(id: "{teams[0]}") {{ name }} }}')["team"]["name"]
    assert renamed.split()[-1] in ("Core", "Squad", "Guild", "Crew")
    stamps = sorted(
        r["updatedAt"]
        for e in ("issues", "comments", "users", "teams")
        for r in ws.truth(e)
        if r["id"] in set(issues + comments + edited + users + teams)
    )
    assert len(set(stamps)) == len(stamps)  # one clock tick each


def test_set_updated_at_creates_equal_timestamps(fresh: LinearServer) -> None:
    ws = fresh.workspace
    ids = [c["id"] for c in ws.truth("comments")[:3]]
    ws.set_updated_at("comments", ids, datetime(2030, 5, 1, tzinfo=UTC))
    truth = {c["id"]: c["updatedAt"] for c in ws.truth("comments")}
    assert {truth[i] for i in ids} == {"2030-05-01T00:00:00.000Z"}
    touched = ws.touch("comments", ids[:1])
    assert truth[ids[0]] != {c["id"]: c["updatedAt"] for c in ws.truth("comments")}[touched[0]]
