"""The executable sandbox schema: `schema.graphql` (a subset of GitHub's published schema, see
`make_schema.py`) with GitHub's scalars, type resolution and the resolvers of `objects.py`
and `timeline.py`, over a `Context` (the execution context). Built once per process."""

from __future__ import annotations

from datetime import datetime
from functools import lru_cache
from pathlib import Path
from typing import Any

from graphql import (
    GraphQLError,
    GraphQLInterfaceType,
    GraphQLObjectType,
    GraphQLResolveInfo,
    GraphQLScalarType,
    GraphQLSchema,
    GraphQLUnionType,
    build_schema,
)

from sandbox.github.clock import gh_time, parse_gh_time
from sandbox.github.graphql.context import Context
from sandbox.github.graphql.errors import GitHubGraphQLError
from sandbox.github.graphql.objects import RESOLVERS, TYPE_NAMES
from sandbox.github.graphql.timeline import EVENT, EVENT_TYPES
from sandbox.github.models import Account, TimelineEvent
from sandbox.github.shapes import Json

SDL_PATH = Path(__file__).with_name("schema.graphql")


@lru_cache(maxsize=1)
def executable_schema() -> GraphQLSchema:
    """The sandbox schema with scalars, resolvers and type resolution attached."""
    schema = build_schema(SDL_PATH.read_text())
    _scalars(schema)
    tables = {**RESOLVERS, **dict.fromkeys(EVENT_TYPES, EVENT), "Query": QUERY}
    for type_name, table in tables.items():
        graphql_type = schema.get_type(type_name)
        assert isinstance(graphql_type, GraphQLObjectType), type_name
        for field_name, field in graphql_type.fields.items():
            if field_name not in table:
                raise RuntimeError(f"sandbox: no resolver for {type_name}.{field_name}")
            field.resolve = table[field_name]
    for graphql_type in schema.type_map.values():
        if isinstance(graphql_type, (GraphQLInterfaceType, GraphQLUnionType)):
            graphql_type.resolve_type = _type_name
    return schema


def type_name(obj: Any) -> str:
    """The GraphQL object type of a record."""
    if isinstance(obj, Account):
        return obj.type
    if isinstance(obj, TimelineEvent):
        return obj.kind
    return TYPE_NAMES[type(obj)]


def _type_name(obj: Any, _info: GraphQLResolveInfo, _abstract: Any) -> str:
    return type_name(obj)


# -- scalars -------------------------------------------------------------------------------------
def _serialize_time(value: Any) -> str:
    return gh_time(value) if isinstance(value, datetime) else str(value)


def _parse_time(value: Any) -> datetime:
    if not isinstance(value, str):
        raise GraphQLError(f"DateTime cannot represent a non-string value: {value!r}")
    try:
        return parse_gh_time(value)
    except ValueError as exc:
        raise GraphQLError(f"Could not coerce value {value!r} to DateTime") from exc


def _scalars(schema: GraphQLSchema) -> None:
    time = schema.get_type("DateTime")
    assert isinstance(time, GraphQLScalarType)
    time.serialize = _serialize_time  # type: ignore[method-assign]
    time.parse_value = _parse_time  # type: ignore[method-assign]
    for name in ("URI", "GitObjectID", "HTML"):
        scalar = schema.get_type(name)
        if isinstance(scalar, GraphQLScalarType):
            scalar.serialize = str  # type: ignore[method-assign]


# -- Query ---------------------------------------------------------------------------------------
def _repository(_root: Any, info: GraphQLResolveInfo, owner: str, name: str, **_: Any) -> Any:
    repo = info.context.org.repo(owner, name)
    if repo is None:
        raise GitHubGraphQLError(
            "NOT_FOUND", f"Could not resolve to a Repository with the name '{owner}/{name}'."
        )
    return repo


def _organization(_root: Any, info: GraphQLResolveInfo, login: str) -> Account:
    org = info.context.org.org
    if org.login.lower() != login.lower():
        raise GitHubGraphQLError(
            "NOT_FOUND", f"Could not resolve to an Organization with the login of '{login}'."
        )
    return org


def _user(_root: Any, info: GraphQLResolveInfo, login: str) -> Account:
    account = info.context.org.account(login)
    if account is None or account.type != "User":
        raise GitHubGraphQLError(
            "NOT_FOUND", f"Could not resolve to a User with the login of '{login}'."
        )
    return account


def _node(_root: Any, info: GraphQLResolveInfo, id: str) -> Any:
    found = info.context.node(id)
    if found is None:
        raise GitHubGraphQLError(
            "NOT_FOUND", f"Could not resolve to a node with the global id of '{id}'"
        )
    return found


def _nodes(_root: Any, info: GraphQLResolveInfo, ids: list[str]) -> list[Any]:
    context: Context = info.context
    if len(ids) > 100:
        raise GitHubGraphQLError(
            "ARGUMENT_LIMIT", "You may not request more than 100 nodes at once."
        )
    return [context.node(i) for i in ids]


def _rate_limit(_root: Any, info: GraphQLResolveInfo, **_: Any) -> Json:
    rate = info.context.rate
    return {
        "cost": rate.cost,
        "limit": rate.limit,
        "nodeCount": rate.node_count,
        "remaining": rate.remaining,
        "resetAt": rate.reset_at,
        "used": rate.used,
    }


QUERY: dict[str, Any] = {
    "id": lambda _root, _info: "MDU6UXVlcnk=",
    "node": _node,
    "nodes": _nodes,
    "organization": _organization,
    "rateLimit": _rate_limit,
    "repository": _repository,
    "user": _user,
    "viewer": lambda _root, info: info.context.viewer,
}
