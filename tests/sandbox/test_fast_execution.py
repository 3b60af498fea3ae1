"""The sandbox's planned executor (`sandbox.fast_execution`) answers exactly as graphql-core's
own: every query the pipelines send, on both imitation APIs, and the edge cases of errors and
null propagation on a schema of their own."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from functools import cache
from typing import Any

import pytest
from graphql import ExecutionContext, build_schema, execute, parse

from pipelines.sources.github import graphql_queries as gq
from pipelines.sources.linear import created_windows
from pipelines.sources.linear.entities import ENTITIES
from pipelines.sources.linear.history import (
    HISTORY_QUERY,
    MORE_ENTRIES_QUERY,
    MORE_SPANS_QUERY,
    history_variables,
)
from pipelines.sources.linear.queries import sync_query, sync_variables
from pipelines.sources.linear.reconcile import ids_query
from sandbox import Sandbox
from sandbox.fast_execution import FastFields
from sandbox.github.graphql.context import Context, RateState
from sandbox.github.graphql.schema import executable_schema as github_schema
from sandbox.linear.schema import FastJsNumbers, JsNumbers
from sandbox.linear.schema import executable_schema as linear_schema

SINCE = datetime(2026, 1, 1, tzinfo=UTC)


@cache
def company() -> Sandbox:
    """One tiny company (its servers never started: the tests execute in-process)."""
    return Sandbox(seed=7, size="tiny")


def _answer(result: Any) -> str:
    """data and errors as a client reads them (key order included)."""
    errors = [e.formatted for e in result.errors or []]
    return json.dumps({"data": result.data, "errors": errors})


def _linear(query: str, variables: dict[str, Any], context: type[ExecutionContext]) -> Any:
    return execute(
        linear_schema(),
        parse(query),
        context_value=company().linear.workspace,
        variable_values=variables,
        execution_context_class=context,
    )


def _github(
    query: str, variables: dict[str, Any], context: type[ExecutionContext], *, partial: bool
) -> Any:
    box = company()
    rate = RateState(1, 5000, 1, 4999, datetime(2026, 1, 1, tzinfo=UTC), 1)
    github = box.github
    viewer = github.graphql.viewer
    return execute(
        github_schema(),
        parse(query),
        context_value=Context(github.org_data, viewer, rate, fail_one_nested=partial),
        variable_values=variables,
        execution_context_class=context,
    )


def _linear_cases() -> list[tuple[str, str, dict[str, Any]]]:
    cases: list[tuple[str, str, dict[str, Any]]] = []
    for entity in ENTITIES:
        cases.append((f"{entity.name} full", sync_query(entity), sync_variables(entity, None, 7)))
        cases.append(
            (f"{entity.name} since", sync_query(entity), sync_variables(entity, SINCE, 250))
        )
        cases.append((f"{entity.name} ids", ids_query(entity), {"first": 9, "after": None}))
    windowed = history_variables(None)
    windowed["filter"] = created_windows.within(None, ("2025-06-01T00:00:00.000Z", None))
    cases += [
        ("history", HISTORY_QUERY, {**history_variables(None), "spans": 2, "entries": 3}),
        ("history since", HISTORY_QUERY, history_variables(SINCE - timedelta(days=400))),
        ("history window", HISTORY_QUERY, windowed),
        ("earliest", created_windows.EARLIEST_QUERY, {}),
    ]
    return cases


LINEAR_CASES = _linear_cases()


@pytest.mark.parametrize(
    ("name", "query", "variables"), LINEAR_CASES, ids=[c[0] for c in LINEAR_CASES]
)
def test_linear_answers_as_graphql_core(name: str, query: str, variables: dict[str, Any]) -> None:
    reference = _linear(query, variables, JsNumbers)
    assert not reference.errors, reference.errors
    assert _answer(_linear(query, variables, FastJsNumbers)) == _answer(reference)


def test_linear_follow_up_pages_and_history_pages_answer_as_graphql_core() -> None:
    first = _linear(HISTORY_QUERY, {**history_variables(None), "spans": 1, "entries": 1}, JsNumbers)
    issues = first.data["issues"]["nodes"]
    cursor = first.data["issues"]["pageInfo"]["endCursor"]
    cases = [(HISTORY_QUERY, {**history_variables(None), "after": cursor})]
    for issue in issues[:5]:
        spans = issue["stateHistory"]["pageInfo"]["endCursor"]
        entries = issue["history"]["pageInfo"]["endCursor"]
        cases.append((MORE_SPANS_QUERY, {"id": issue["id"], "first": 50, "after": spans}))
        cases.append((MORE_ENTRIES_QUERY, {"id": issue["id"], "first": 50, "after": entries}))
    for query, variables in cases:
        reference = _linear(query, variables, JsNumbers)
        assert _answer(_linear(query, variables, FastJsNumbers)) == _answer(reference)


def _github_cases() -> list[tuple[str, dict[str, Any]]]:
    repo = company().github.repo_names[0]
    owner, name = repo.split("/")
    first = {"owner": owner, "name": name, "first": gq.FIRST_PAGE_SIZE}
    page = _github(gq.PULL_REQUEST_PAGE, first, ExecutionContext, partial=False)
    pulls = page.data["repository"]["pullRequests"]
    ids = [node["id"] for node in pulls["nodes"]]
    cases = [
        (gq.PULL_REQUEST_PAGE, first),
        (
            gq.PULL_REQUEST_PAGE,
            {**first, "first": gq.PAGE_SIZE, "after": pulls["pageInfo"]["endCursor"]},
        ),
        (gq.ORG_REPOSITORIES, {"org": "acme", "first": 100, "after": None}),
    ]
    for field in gq.PAGED_NESTED:
        count = min(len(ids), gq.NESTED_BATCH)
        variables: dict[str, Any] = {}
        for i in range(count):
            variables[f"id{i}"], variables[f"after{i}"] = ids[i], None
        cases.append((gq.nested_pages_query(field, count), variables))
    return cases


@pytest.mark.parametrize("partial", [False, True], ids=["whole", "one nested list failing"])
def test_github_answers_as_graphql_core(partial: bool) -> None:
    for query, variables in _github_cases():
        reference = _github(query, variables, ExecutionContext, partial=partial)
        fast = _github(query, variables, FastFields, partial=partial)
        assert _answer(fast) == _answer(reference), query[:80]


EDGE_SDL = """
enum Color { RED GREEN }
type Item {
  id: ID!
  name: String
  score: Float
  color: Color
  tags: [String!]
  required: String!
  child: Item
  strictChild: Item!
  shout(times: Int = 2): String
  broken: String
  brokenStrict: String!
  called: String
}
type Query { items: [Item] items2: [Item!]! one: Item }
"""

ITEMS = [
    {
        "id": "a",
        "name": "A",
        "score": 1.5,
        "color": "RED",
        "tags": ["x"],
        "required": "r",
        "child": {"id": "c", "required": "q", "strictChild": {"id": "d", "required": "s"}},
        "strictChild": {"id": "e", "required": "t"},
        "called": lambda info: f"called {info.field_name}",
    },
    {
        "id": "b",
        "name": None,
        "score": "not a number",
        "color": "BLUE",
        "tags": ["y", None],
        "required": None,
        "child": None,
        "strictChild": None,
        "called": None,
    },
]


def _edge_schema() -> Any:
    schema = build_schema(EDGE_SDL)
    item = schema.get_type("Item")
    item.fields["shout"].resolve = lambda source, _info, times: (source["id"] + "!") * times
    item.fields["broken"].resolve = lambda *_: (_ for _ in ()).throw(ValueError("broken field"))
    item.fields["brokenStrict"].resolve = lambda *_: (_ for _ in ()).throw(KeyError("strict"))
    query = schema.query_type
    query.fields["items"].resolve = lambda *_: ITEMS
    query.fields["items2"].resolve = lambda *_: ITEMS
    query.fields["one"].resolve = lambda *_: ITEMS[0]
    return schema


EDGE_QUERIES = [
    "{ items { id name score color tags } }",  # a rejected Float and enum, a null in a list
    "{ items { id required } }",  # a null on a non-null field: the item becomes null
    "{ items2 { id required } }",  # ... and, in a non-null list, the whole field
    "{ items { id child { id strictChild { id required } } strictChild { id } } }",
    "{ items { id shout a: shout(times: 3) broken } }",  # arguments, aliases, a resolver error
    "{ items { id brokenStrict } }",
    "{ items { __typename id ...F ... on Item { name } n: name @include(if: false) } } "
    "fragment F on Item { color }",
    "{ one { called } items { id called } }",  # a callable value: the default resolver calls it
    "query Q($t: Int) { one { shout(times: $t) } }",
]


@pytest.mark.parametrize("query", EDGE_QUERIES)
def test_errors_and_nulls_propagate_as_in_graphql_core(query: str) -> None:
    schema = _edge_schema()

    def run(context: type[ExecutionContext]) -> str:
        result = execute(
            schema, parse(query), variable_values={"t": 4}, execution_context_class=context
        )
        return _answer(result)

    assert run(FastFields) == run(ExecutionContext)
