"""Checking that a sandbox SDL is a faithful subset of a vendor's published schema (the tests of
`sandbox/linear/schema.graphql` and `sandbox/github/graphql/schema.graphql`): every type is
published, of the same kind, and every field it keeps has the published type, arguments (with
their defaults) and deprecation."""

from __future__ import annotations

from collections.abc import Callable
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
    print_ast,
)

from tests.support.workspace import SHARED

BUILTIN_SCALARS = ("String", "Int", "Float", "Boolean", "ID")


def published_path(vendor: str) -> Path:
    """Where `vendor`'s published schema is kept (../shared/reference/VENDOR/schema.graphql)."""
    return SHARED / "reference" / vendor / "schema.graphql"


@cache
def published_schema(vendor: str) -> GraphQLSchema:
    """`vendor`'s published schema, built without SDL validation (GitHub's declares one field
    twice); skips the test when it is absent."""
    path = published_path(vendor)
    if not path.exists():
        print(f"skipping: {vendor}'s published schema is absent ({path})")
        pytest.skip(f"{vendor}'s published schema is not here ({path})")
    return build_schema(path.read_text(), assume_valid_sdl=True)


def assert_regenerated(build: Callable[[str], str], sdl: Path, vendor: str) -> None:
    """The SDL's generator (`build`, its make_schema) turns the published schema into exactly
    the committed `sdl`."""
    published_schema(vendor)  # skips when absent
    assert build(published_path(vendor).read_text()) == sdl.read_text()


def _default(arg: object) -> str | None:
    value = getattr(getattr(arg, "ast_node", None), "default_value", None)
    return None if value is None else print_ast(value)


def _args(field: object) -> dict[str, tuple[str, str | None]]:
    return {n: (str(a.type), _default(a)) for n, a in getattr(field, "args", {}).items()}


def type_problems(mine: GraphQLNamedType, theirs: GraphQLNamedType, whole: bool) -> list[str]:
    """How `mine` differs from the published `theirs`. `whole`: enums and input objects are
    kept whole (all values and fields), not a subset."""
    if type(mine) is not type(theirs):
        return [f"{mine.name}: {type(mine).__name__} here, {type(theirs).__name__} published"]
    problems: list[str] = []
    if isinstance(mine, GraphQLEnumType):
        assert isinstance(theirs, GraphQLEnumType)
        problems += [
            f"{mine.name}.{v}: no such value" for v in mine.values if v not in theirs.values
        ]
        if whole and set(mine.values) != set(theirs.values):
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
        if (
            whole
            and isinstance(mine, GraphQLInputObjectType)
            and set(mine.fields) != set(theirs_fields)
        ):
            problems.append(f"{mine.name}: input fields differ")
        for name, field in mine.fields.items():
            where, other = f"{mine.name}.{name}", theirs_fields.get(name)
            if other is None:
                problems.append(f"{where}: no such field")
                continue
            if str(field.type) != str(other.type):
                problems.append(f"{where}: {field.type} here, {other.type} published")
            if _args(field) != _args(other):
                problems.append(f"{where}: arguments {_args(field)} != {_args(other)}")
            if isinstance(mine, GraphQLInputObjectType) and _default(field) != _default(other):
                problems.append(f"{where}: default differs")
            if getattr(field, "deprecation_reason", None) != getattr(
                other, "deprecation_reason", None
            ):
                problems.append(f"{where}: deprecation differs")
    return problems


def assert_subset_of_published(sdl: Path, vendor: str, whole: bool) -> None:
    """Every type the SDL at `sdl` declares is `vendor`'s published one (`type_problems`)."""
    theirs = published_schema(vendor)
    problems: list[str] = []
    for name, named in build_schema(sdl.read_text()).type_map.items():
        if name.startswith("__") or name in BUILTIN_SCALARS:
            continue
        if name not in theirs.type_map:
            problems.append(f"{name}: no such type")
            continue
        problems += type_problems(named, theirs.type_map[name], whole)
    assert not problems, "\n".join(problems)
