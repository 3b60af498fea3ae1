"""Every query the Linear source sends is valid against Linear's published schema, and fits
the complexity limit with the page size it uses."""

from __future__ import annotations

from datetime import UTC, datetime
from functools import cache

import pytest
from graphql import GraphQLSchema, build_schema, parse, validate
from graphql.execution.values import get_variable_values

from pipelines.sources.linear.entities import ENTITIES, Entity
from pipelines.sources.linear.queries import PAGE_SIZE, sync_query, sync_variables
from tests.conftest import SHARED

PUBLISHED = SHARED / "reference" / "linear" / "schema.graphql"


@cache
def published_schema() -> GraphQLSchema:
    return build_schema(PUBLISHED.read_text(), assume_valid_sdl=True)


def _need_published() -> None:
    if not PUBLISHED.exists():
        pytest.skip(f"Linear's published schema is not here ({PUBLISHED}); cannot validate")


@pytest.mark.parametrize("entity", ENTITIES, ids=lambda e: e.name)
@pytest.mark.parametrize("incremental", [False, True])
def test_sync_query_is_valid_against_the_published_schema(
    entity: Entity, incremental: bool
) -> None:
    _need_published()
    schema = published_schema()
    document = parse(sync_query(entity))
    assert validate(schema, document) == []
    since = datetime(2025, 1, 1, tzinfo=UTC) if incremental else None
    variables = sync_variables(entity, since, PAGE_SIZE)
    operation = document.definitions[0]
    coerced = get_variable_values(schema, operation.variable_definitions, variables)
    assert isinstance(coerced, dict), coerced  # a list means variable errors


def test_every_query_fits_the_complexity_limit(workspace, sandbox) -> None:  # type: ignore[no-untyped-def]
    """Linear charges ~11 points per issue: a 250-node page stays far below 10,000."""
    assert workspace.run("linear", "--no-dbt").returncode == 0
    points = {
        r.operation: int(r.response_headers["X-Complexity"])
        for r in sandbox.linear.log
        if "X-Complexity" in r.response_headers
    }
    assert set(points) == {e.name for e in ENTITIES}
    assert all(p <= 10_000 for p in points.values()), points
