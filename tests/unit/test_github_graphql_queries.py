"""Every query the GitHub source sends is valid against GitHub's published schema, with the
variables it sends."""

from __future__ import annotations

from functools import cache
from typing import Any

import pytest
from graphql import GraphQLSchema, build_schema, parse, validate
from graphql.execution.values import get_variable_values

from pipelines.sources.github import graphql_queries as q
from tests.support.workspace import SHARED

PUBLISHED = SHARED / "reference" / "github" / "schema.graphql"


@cache
def published_schema() -> GraphQLSchema:
    if not PUBLISHED.exists():
        pytest.skip(f"GitHub's published schema is not here ({PUBLISHED}); cannot validate")
    return build_schema(PUBLISHED.read_text(), assume_valid_sdl=True)


def _nested_variables(count: int) -> dict[str, Any]:
    variables: dict[str, Any] = {}
    for i in range(count):
        variables[f"id{i}"] = f"PR_{i}"
        variables[f"after{i}"] = f"cursor{i}"
    return variables


QUERIES = [
    ("first page", q.PULL_REQUEST_PAGE, {"owner": "acme", "name": "api", "first": 16}),
    (
        "next page",
        q.PULL_REQUEST_PAGE,
        {"owner": "acme", "name": "api", "first": q.PAGE_SIZE, "after": "Y3Vyc29y"},
    ),
    ("org repositories", q.ORG_REPOSITORIES, {"org": "acme", "first": 100, "after": None}),
    *(
        (f"nested {field}", q.nested_pages_query(field, n), _nested_variables(n))
        for field in q.PAGED_NESTED
        for n in (1, q.NESTED_BATCH)
    ),
]


@pytest.mark.parametrize(("name", "query", "variables"), QUERIES, ids=[x[0] for x in QUERIES])
def test_query_is_valid_against_the_published_schema(
    name: str, query: str, variables: dict[str, Any]
) -> None:
    schema = published_schema()
    document = parse(query)
    assert validate(schema, document) == []
    operation = document.definitions[0]
    coerced = get_variable_values(schema, operation.variable_definitions, variables)
    assert isinstance(coerced, dict), coerced  # a list means variable errors


def test_every_query_reads_its_cost() -> None:
    for _, query, _ in QUERIES:
        assert "rateLimit { cost remaining resetAt }" in query
