"""The sandbox's GitHub SDL is a faithful subset of GitHub's published schema, and the node
and cost computation gives GitHub's documented figures on GitHub's documented examples."""

from __future__ import annotations

from functools import cache
from pathlib import Path

import pytest
from graphql import (
    GraphQLEnumType,
    GraphQLInputObjectType,
    GraphQLInterfaceType,
    GraphQLNamedType,
    GraphQLObjectType,
    GraphQLSchema,
    GraphQLUnionType,
    build_schema,
    get_operation_ast,
    parse,
    print_ast,
    validate,
)

from sandbox.github.graphql.limits import measure
from sandbox.github.graphql.make_schema import build
from sandbox.github.graphql.schema import SDL_PATH, executable_schema

PUBLISHED = Path(__file__).parents[2].parent / "shared" / "reference" / "github" / "schema.graphql"


@cache
def published() -> GraphQLSchema:
    if not PUBLISHED.exists():
        print(f"skipping: GitHub's published schema is absent ({PUBLISHED})")
        pytest.skip(f"GitHub's published schema is not here ({PUBLISHED})")
    # The published SDL declares one field twice: it only builds without SDL validation.
    return build_schema(PUBLISHED.read_text(), assume_valid_sdl=True)


def _default(arg: object) -> str | None:
    value = getattr(getattr(arg, "ast_node", None), "default_value", None)
    return None if value is None else print_ast(value)


def _args(field: object) -> dict[str, tuple[str, str | None]]:
    return {n: (str(a.type), _default(a)) for n, a in getattr(field, "args", {}).items()}


def _problems(mine: GraphQLNamedType, theirs: GraphQLNamedType) -> list[str]:
    if type(mine) is not type(theirs):
        return [f"{mine.name}: {type(mine).__name__} here, {type(theirs).__name__} published"]
    problems: list[str] = []
    if isinstance(mine, GraphQLEnumType):
        assert isinstance(theirs, GraphQLEnumType)
        if set(mine.values) != set(theirs.values):
            problems.append(f"{mine.name}: values differ")
    if isinstance(mine, GraphQLUnionType):
        assert isinstance(theirs, GraphQLUnionType)
        extra = {t.name for t in mine.types} - {t.name for t in theirs.types}
        problems += [f"{mine.name} | {name}: not published" for name in sorted(extra)]
    if isinstance(mine, (GraphQLObjectType, GraphQLInterfaceType)):
        published_interfaces = {i.name for i in theirs.interfaces}  # type: ignore[union-attr]
        problems += [
            f"{mine.name} implements {i.name}: not published"
            for i in mine.interfaces
            if i.name not in published_interfaces
        ]
    if isinstance(mine, (GraphQLObjectType, GraphQLInterfaceType, GraphQLInputObjectType)):
        theirs_fields = theirs.fields  # type: ignore[union-attr]
        if isinstance(mine, GraphQLInputObjectType) and set(mine.fields) != set(theirs_fields):
            problems.append(f"{mine.name}: input fields differ")
        for name, field in mine.fields.items():
            where, other = f"{mine.name}.{name}", theirs_fields.get(name)
            if other is None:
                problems.append(f"{where}: no such field")
                continue
            if str(field.type) != str(other.type):
                problems.append(f"{where}: {field.type} here, {other.type} published")
            if _args(field) != _args(other):
                problems.append(f"{where}: arguments differ")
            if getattr(field, "deprecation_reason", None) != getattr(
                other, "deprecation_reason", None
            ):
                problems.append(f"{where}: deprecation differs")
    return problems


def test_every_declaration_matches_the_published_schema() -> None:
    theirs = published()
    problems: list[str] = []
    for name, named in build_schema(SDL_PATH.read_text()).type_map.items():
        if name.startswith("__") or name in ("String", "Int", "Float", "Boolean", "ID"):
            continue
        if name not in theirs.type_map:
            problems.append(f"{name}: no such type")
            continue
        problems += _problems(named, theirs.type_map[name])
    assert not problems, "\n".join(problems)


def test_the_committed_sdl_is_what_make_schema_generates() -> None:
    published()  # skips when absent
    assert build(PUBLISHED.read_text()) == SDL_PATH.read_text()


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
    schema = published()
    document = parse(query)
    assert not validate(schema, document)
    operation = get_operation_ast(document)
    assert operation is not None
    limits = measure(schema, document, operation, {})
    assert (limits.nodes, limits.cost) == (nodes, cost)
