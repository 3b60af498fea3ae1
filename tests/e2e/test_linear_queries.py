"""Every query the Linear source sends is valid against Linear's published schema, and fits
the complexity limit with the page size it uses."""

from __future__ import annotations

from datetime import UTC, datetime
from functools import cache

import pytest
from graphql import GraphQLSchema, build_schema, parse, validate
from graphql.execution.values import get_variable_values

from pipelines.sources.linear.created_windows import EARLIEST_QUERY, within
from pipelines.sources.linear.entities import ENTITIES, Entity
from pipelines.sources.linear.history import (
    FOLLOW_UP_PAGE,
    HISTORY_ISSUES,
    HISTORY_QUERY,
    MORE_ENTRIES_QUERY,
    MORE_SPANS_QUERY,
    history_variables,
)
from pipelines.sources.linear.queries import PAGE_SIZE, sync_query, sync_variables
from sandbox.linear.complexity import complexity
from sandbox.linear.schema import executable_schema
from tests.support.workspace import SHARED

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


@pytest.mark.parametrize("entity", [e for e in ENTITIES if e.windowed], ids=lambda e: e.name)
@pytest.mark.parametrize("since", [None, datetime(2025, 1, 1, tzinfo=UTC)], ids=["all", "since"])
@pytest.mark.parametrize(
    "window",
    [(None, "2025-06-01T00:00:00.000Z"), ("2025-01-01T00:00:00.000Z", "2025-06-01T00:00:00.000Z")],
    ids=["first", "middle"],
)
def test_a_windowed_first_load_page_is_valid_against_the_published_schema(
    entity: Entity, since: datetime | None, window: tuple[str | None, str | None]
) -> None:
    """A windowed entity's first-load page: its filter (`CommentFilter`, `IssueFilter`)
    narrowed to one `createdAt` window (`and` of the change filter and the window)."""
    _need_published()
    schema = published_schema()
    document = parse(sync_query(entity))
    variables = sync_variables(entity, since, PAGE_SIZE)
    variables["filter"] = within(variables.get("filter"), window)
    operation = document.definitions[0]
    coerced = get_variable_values(schema, operation.variable_definitions, variables)
    assert isinstance(coerced, dict), coerced


def test_every_query_fits_the_complexity_limit(workspace, sandbox) -> None:  # type: ignore[no-untyped-def]
    """Linear charges ~11 points per issue: a 250-node page stays far below 10,000."""
    assert workspace.run("linear", "--no-dbt").returncode == 0
    points: dict[str, int] = {}
    for r in sandbox.linear.log:
        if "X-Complexity" in r.response_headers:
            cost = int(r.response_headers["X-Complexity"])
            points[r.operation] = max(points.get(r.operation, 0), cost)
    # The history read's root field is `issues` too (its follow-ups `issue`).
    assert {e.name for e in ENTITIES} <= set(points) <= {e.name for e in ENTITIES} | {"issue"}
    assert all(p <= 10_000 for p in points.values()), points


HISTORY_QUERIES = {
    "sync": (HISTORY_QUERY, lambda: history_variables(datetime(2025, 1, 1, tzinfo=UTC))),
    "sync_full": (HISTORY_QUERY, lambda: history_variables(None)),
    "sync_window": (HISTORY_QUERY, lambda: _windowed(history_variables(None))),
    "sync_window_since": (
        HISTORY_QUERY,
        lambda: _windowed(history_variables(datetime(2025, 1, 1, tzinfo=UTC))),
    ),
    "earliest": (
        EARLIEST_QUERY,
        lambda: {"filter": history_variables(datetime(2025, 1, 1, tzinfo=UTC))["filter"]},
    ),
    "spans": (MORE_SPANS_QUERY, lambda: {"id": "x", "first": FOLLOW_UP_PAGE, "after": "c"}),
    "entries": (MORE_ENTRIES_QUERY, lambda: {"id": "x", "first": FOLLOW_UP_PAGE, "after": "c"}),
}


def _windowed(variables: dict) -> dict:
    """A first load's history page: its filter narrowed to one createdAt window."""
    window = ("2025-01-01T00:00:00.000Z", "2025-06-01T00:00:00.000Z")
    return {**variables, "filter": within(variables.get("filter"), window)}


@pytest.mark.parametrize("name", HISTORY_QUERIES)
def test_history_queries_are_valid_and_fit_the_complexity_limit(name: str) -> None:
    """The history read, priced with Linear's rule on the sandbox's copy of the schema (the
    published schema's fields are the same; see sandbox/linear/complexity.py)."""
    _need_published()
    query, make_variables = HISTORY_QUERIES[name]
    document = parse(query)
    assert validate(published_schema(), document) == []
    variables = make_variables()
    operation = document.definitions[0]
    coerced = get_variable_values(published_schema(), operation.variable_definitions, variables)
    assert isinstance(coerced, dict), coerced
    points = complexity(executable_schema(), document, None, coerced)
    assert points <= 10_000, points
    if name.startswith("sync"):
        # ~7,900 points for 40 issues with 15 spans and 25 entries each: ~200 points an issue.
        assert points / HISTORY_ISSUES < 260, points
