"""The sandbox's Linear SDL is a faithful subset of Linear's published schema."""

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
    GraphQLScalarType,
    GraphQLSchema,
    build_schema,
    print_ast,
)

from sandbox.linear.make_schema import build
from sandbox.linear.model import ENTITIES, ENTITY_TYPES, RELATIONS, SCALAR_FIELDS
from sandbox.linear.schema import SDL_PATH, executable_schema

PUBLISHED = Path(__file__).parents[2].parent / "shared" / "reference" / "linear" / "schema.graphql"


@cache
def published() -> GraphQLSchema:
    if not PUBLISHED.exists():
        print(f"skipping: Linear's published schema is absent ({PUBLISHED})")
        pytest.skip(f"Linear's published schema is not here ({PUBLISHED})")
    return build_schema(PUBLISHED.read_text(), assume_valid_sdl=True)


def sandbox_sdl() -> GraphQLSchema:
    return build_schema(SDL_PATH.read_text())


def _default(arg: object) -> str | None:
    node = getattr(arg, "ast_node", None)
    value = getattr(node, "default_value", None)
    return None if value is None else print_ast(value)


def _args(field: object) -> dict[str, tuple[str, str | None]]:
    return {
        name: (str(arg.type), _default(arg)) for name, arg in getattr(field, "args", {}).items()
    }


def _check_type(mine: GraphQLNamedType, theirs: GraphQLNamedType) -> list[str]:
    problems = []
    if type(mine) is not type(theirs):
        return [f"{mine.name}: {type(mine).__name__} here, {type(theirs).__name__} published"]
    if isinstance(mine, GraphQLEnumType):
        assert isinstance(theirs, GraphQLEnumType)
        problems += [
            f"{mine.name}.{v}: no such value" for v in mine.values if v not in theirs.values
        ]
    if isinstance(mine, (GraphQLObjectType, GraphQLInterfaceType)):
        assert isinstance(theirs, (GraphQLObjectType, GraphQLInterfaceType))
        theirs_interfaces = {i.name for i in theirs.interfaces}
        problems += [
            f"{mine.name} implements {i.name}: not published"
            for i in mine.interfaces
            if i.name not in theirs_interfaces
        ]
    if isinstance(mine, (GraphQLObjectType, GraphQLInterfaceType, GraphQLInputObjectType)):
        theirs_fields = theirs.fields  # type: ignore[union-attr]
        for name, field in mine.fields.items():
            published_field = theirs_fields.get(name)
            where = f"{mine.name}.{name}"
            if published_field is None:
                problems.append(f"{where}: no such field")
                continue
            if str(field.type) != str(published_field.type):
                problems.append(f"{where}: {field.type} here, {published_field.type} published")
            if _args(field) != _args(published_field):
                problems.append(f"{where}: arguments {_args(field)} != {_args(published_field)}")
            if isinstance(mine, GraphQLInputObjectType) and _default(field) != _default(
                published_field
            ):
                problems.append(f"{where}: default differs")
            mine_reason = getattr(field, "deprecation_reason", None)
            if mine_reason != getattr(published_field, "deprecation_reason", None):
                problems.append(f"{where}: deprecation differs")
    return problems


def test_every_declaration_matches_the_published_schema() -> None:
    theirs = published()
    problems: list[str] = []
    for name, named in sandbox_sdl().type_map.items():
        if name.startswith("__") or name in ("String", "Int", "Float", "Boolean", "ID"):
            continue
        if name not in theirs.type_map:
            problems.append(f"{name}: no such type")
            continue
        problems += _check_type(named, theirs.type_map[name])
    assert not problems, "\n".join(problems)


def test_the_committed_sdl_is_what_make_schema_generates() -> None:
    published()  # skips when absent
    assert build(PUBLISHED.read_text()) == SDL_PATH.read_text()


def test_sdl_has_no_descriptions_and_custom_scalars_only_where_needed() -> None:
    text = SDL_PATH.read_text()
    assert '"""' not in text
    scalars = {n for n, t in sandbox_sdl().type_map.items() if isinstance(t, GraphQLScalarType)}
    assert scalars - {"String", "Int", "Float", "Boolean", "ID"} == {
        "DateTime",
        "DateTimeOrDuration",
        "TimelessDate",
        "JSONObject",  # Attachment.metadata
    }


def test_served_fields_are_exactly_the_model() -> None:
    schema = executable_schema()
    for entity in ENTITIES:
        fields = set(schema.type_map[ENTITY_TYPES[entity]].fields)  # type: ignore[union-attr]
        served = set(SCALAR_FIELDS[entity]) | set(RELATIONS[entity])
        assert served <= fields
        extra = fields - served
        assert all(
            str(schema.type_map[ENTITY_TYPES[entity]].fields[f].type).endswith("Connection!")  # type: ignore[union-attr]
            for f in extra
        ), extra
