"""The sandbox's GitHub SDL is a faithful subset of GitHub's published schema, and the node
and cost computation gives GitHub's documented figures on GitHub's documented examples."""

from __future__ import annotations

import pytest
from graphql import GraphQLObjectType, get_operation_ast, parse, validate

from sandbox.github.graphql.limits import measure
from sandbox.github.graphql.make_schema import build
from sandbox.github.graphql.schema import SDL_PATH, executable_schema
from tests.support.sdl_subset import (
    assert_regenerated,
    assert_subset_of_published,
    published_schema,
)


def test_every_declaration_matches_the_published_schema() -> None:
    assert_subset_of_published(SDL_PATH, "github", whole=True)


def test_the_committed_sdl_is_what_make_schema_generates() -> None:
    assert_regenerated(build, SDL_PATH, "github")


def test_every_served_field_has_a_resolver() -> None:
    schema = executable_schema()  # raises when a kept field has no resolver
    pull = schema.type_map["PullRequest"]
    assert isinstance(pull, GraphQLObjectType)
    assert {"reviews", "reviewRequests", "timelineItems", "commits", "additions"} <= set(
        pull.fields
    )


SIMPLE = """query { viewer { repositories(first: 50) { edges { repository: node { name
  issues(first: 10) { totalCount edges { node { title bodyHTML } } } } } } } }"""
COMPLEX = """query { viewer { repositories(first: 50) { edges { repository: node { name
  pullRequests(first: 20) { edges { pullRequest: node { title
    comments(first: 10) { edges { comment: node { bodyHTML } } } } } }
  issues(first: 20) { totalCount edges { issue: node { title bodyHTML
    comments(first: 10) { edges { comment: node { bodyHTML } } } } } } } } }
  followers(first: 10) { edges { follower: node { login } } } } }"""
COST = """query { viewer { login repositories(first: 100) { edges { node { id
  issues(first: 50) { edges { node { id labels(first: 60) { edges { node { id name } } } } } }
  } } } } }"""


@pytest.mark.parametrize(
    ("query", "nodes", "cost"),
    [(SIMPLE, 550, 1), (COMPLEX, 22_060, 21), (COST, 305_100, 51)],
    ids=["docs-simple-550-nodes", "docs-complex-22060-nodes", "docs-cost-51-points"],
)
def test_githubs_documented_examples(query: str, nodes: int, cost: int) -> None:
    schema = published_schema("github")
    document = parse(query)
    assert not validate(schema, document)
    operation = get_operation_ast(document)
    assert operation is not None
    limits = measure(schema, document, operation, {})
    assert (limits.nodes, limits.cost) == (nodes, cost)
