"""Pure logic of the sandbox's GitHub GraphQL endpoint: GitHub's cost rounding, cursors and
node ids, and the node/cost walk over the sandbox schema (no server)."""

from __future__ import annotations

import pytest
from graphql import get_operation_ast, parse

from sandbox.github.graphql.connections import decode_cursor, encode_cursor
from sandbox.github.graphql.context import decode_node_id
from sandbox.github.graphql.errors import GitHubGraphQLError
from sandbox.github.graphql.limits import QueryLimits, measure
from sandbox.github.graphql.schema import executable_schema
from sandbox.github.shapes import node_id


@pytest.mark.parametrize(
    ("requests", "cost"), [(0, 1), (1, 1), (101, 1), (149, 1), (150, 2), (301, 3), (5101, 51)]
)
def test_cost_is_requests_over_100_rounded_at_least_1(requests: int, cost: int) -> None:
    assert QueryLimits(nodes=0, requests=requests).cost == cost


def test_cursors_look_like_githubs_and_round_trip() -> None:
    cursor = encode_cursor((1789343013, 1600000066))
    assert cursor.startswith("Y3Vyc29yOnYy")  # base64 of "cursor:v2"
    assert decode_cursor(cursor, "pullRequests") == (1789343013, 1600000066)
    with pytest.raises(GitHubGraphQLError) as raised:
        decode_cursor("bm90LWEtY3Vyc29y", "pullRequests")
    assert raised.value.type == "INVALID_CURSOR_ARGUMENTS"


def test_node_ids_decode_to_their_type() -> None:
    assert decode_node_id(node_id("PullRequest", 1600000066)) == ("PullRequest", "1600000066")
    assert decode_node_id("MDQ6VXNlcjE=") == ("User", "1")
    assert decode_node_id("not base64!") is None


def _limits(query: str, variables: dict[str, object] | None = None) -> QueryLimits:
    schema = executable_schema()
    document = parse(query)
    operation = get_operation_ast(document)
    assert operation is not None
    return measure(schema, document, operation, variables or {})


def test_nested_connections_multiply_and_fragments_count_where_spread() -> None:
    query = """query($n: Int!) { repository(owner: "a", name: "b") {
      pullRequests(first: $n) { nodes { ...p } } } }
    fragment p on PullRequest { reviews(first: 100) { totalCount }
      timelineItems(first: 50) { nodes { ... on ReviewRequestedEvent { createdAt } } }
      labels(first: 10) @skip(if: true) { totalCount } }"""
    limits = _limits(query, {"n": 100})
    assert (limits.nodes, limits.requests, limits.cost) == (100 + 10_000 + 5_000, 201, 2)


def test_a_connection_without_page_size_counts_one_node() -> None:
    limits = _limits('{ repository(owner: "a", name: "b") { pullRequests { totalCount } } }')
    assert (limits.nodes, limits.requests, limits.cost) == (1, 1, 1)


def test_nodes_by_id_multiply_what_is_below_them() -> None:
    query = """query($ids: [ID!]!) { nodes(ids: $ids) { ... on PullRequest {
      reviews(first: 100) { totalCount } } } }"""
    limits = _limits(query, {"ids": ["a", "b", "c"]})
    assert (limits.nodes, limits.requests) == (300, 3)
