"""The executable sandbox schema: `schema.graphql` with Linear's scalars and resolvers over a
`LinearWorkspace` (passed as the execution context). Built once per process."""

from __future__ import annotations

from datetime import date
from functools import lru_cache
from pathlib import Path
from typing import Any

from graphql import (
    ExecutionContext,
    GraphQLError,
    GraphQLFloat,
    GraphQLLeafType,
    GraphQLResolveInfo,
    GraphQLScalarType,
    GraphQLSchema,
    build_schema,
)

from sandbox.fast_execution import FastFields
from sandbox.linear.data import LinearWorkspace
from sandbox.linear.errors import InvalidInput
from sandbox.linear.model import (
    CONNECTIONS,
    ENTITY_TYPES,
    OWN_CONNECTIONS,
    SINGLE_FIELDS,
    SORT_FIELDS,
)
from sandbox.linear.paging import Page, paginate
from sandbox.linear.store import Row, Table
from sandbox.linear.timeutil import iso_ms, parse_datetime

SDL_PATH = Path(__file__).with_name("schema.graphql")


class JsNumbers(ExecutionContext):
    """Serialises integral `Float`s as integers, as Linear's JavaScript server does (`15`,
    not `15.0`)."""

    @staticmethod
    def complete_leaf_value(return_type: GraphQLLeafType, result: Any) -> Any:
        if return_type is GraphQLFloat and isinstance(result, int) and not isinstance(result, bool):
            return result
        return ExecutionContext.complete_leaf_value(return_type, result)


class FastJsNumbers(FastFields, JsNumbers):
    """`JsNumbers` with each selection planned once (`sandbox.fast_execution`)."""


@lru_cache(maxsize=1)
def executable_schema() -> GraphQLSchema:
    """The sandbox schema with scalars and resolvers attached."""
    schema = build_schema(SDL_PATH.read_text())
    _scalars(schema)
    query = schema.query_type
    assert query is not None
    for entity in ENTITY_TYPES:
        query.fields[entity].resolve = _root_connection(entity)
    for field, entity in SINGLE_FIELDS.items():
        query.fields[field].resolve = _single(entity)
    query.fields["viewer"].resolve = _viewer
    query.fields["organization"].resolve = lambda _root, info: info.context.organization
    for (owner, field), entity in CONNECTIONS.items():
        owner_type = schema.get_type(ENTITY_TYPES[owner])
        owner_type.fields[field].resolve = _nested_connection(owner, field, entity)  # type: ignore[union-attr]
    for (owner, field), (node_type, key) in OWN_CONNECTIONS.items():
        owner_type = schema.get_type(ENTITY_TYPES[owner])
        owner_type.fields[field].resolve = _own_connection(node_type, key)  # type: ignore[union-attr]
    return schema


# -- scalars -------------------------------------------------------------------------------------
def _scalars(schema: GraphQLSchema) -> None:
    for name in ("DateTime", "DateTimeOrDuration"):
        scalar = schema.get_type(name)
        assert isinstance(scalar, GraphQLScalarType)
        scalar.serialize = _serialize_datetime  # type: ignore[method-assign]
        scalar.parse_value = _parse_datetime  # type: ignore[method-assign]
    timeless = schema.get_type("TimelessDate")
    assert isinstance(timeless, GraphQLScalarType)
    timeless.serialize = str  # type: ignore[method-assign]
    timeless.parse_value = _parse_timeless  # type: ignore[method-assign]


def _serialize_datetime(value: Any) -> str:
    return iso_ms(value) if isinstance(value, int) else str(value)


def _parse_datetime(value: Any) -> int:
    """Input DateTime/DateTimeOrDuration -> epoch ms (durations count from the wall clock)."""
    if not isinstance(value, str):
        raise GraphQLError(f"DateTime cannot represent a non-string value: {value!r}")
    try:
        return parse_datetime(value)
    except ValueError as exc:
        raise GraphQLError(f"Invalid DateTime or duration: {value!r}") from exc


def _parse_timeless(value: Any) -> str:
    try:
        return date.fromisoformat(value).isoformat()
    except (TypeError, ValueError) as exc:
        raise GraphQLError(f"Invalid TimelessDate: {value!r}") from exc


# -- resolvers -----------------------------------------------------------------------------------
def _root_connection(entity: str) -> Any:
    sortable = SORT_FIELDS.get(entity, ())

    def resolve(_root: Any, info: GraphQLResolveInfo, **args: Any) -> Page:
        workspace: LinearWorkspace = info.context
        return paginate(workspace.table(entity), args, sortable=sortable)

    return resolve


def _single(entity: str) -> Any:
    type_name = ENTITY_TYPES[entity]

    def resolve(_root: Any, info: GraphQLResolveInfo, id: str) -> Row:
        table = info.context.table(entity)
        row = table.by_id.get(id)
        if row is None and entity == "issues":  # Linear also accepts an identifier (ENG-12)
            row = next((r for r in table.rows if r["identifier"] == id.upper()), None)
        if row is None:
            raise InvalidInput(f"Entity not found: {type_name}", f"Could not find {type_name}.")
        return row

    return resolve


def _viewer(_root: Any, info: GraphQLResolveInfo) -> Row:
    if info.context.viewer is None:
        raise InvalidInput("Entity not found: User", "This workspace has no users.")
    return info.context.viewer


def _nested_connection(owner: str, field: str, entity: str) -> Any:
    def resolve(parent: Row, info: GraphQLResolveInfo, **args: Any) -> Page:
        workspace: LinearWorkspace = info.context
        table = workspace.table(entity)
        if field == "labels":
            rows = [table.by_id[i] for i in parent["labelIds"] if i in table.by_id]
        else:
            relation = "issue" if field == "comments" else "parent"
            rows = table.group(relation).get(parent["id"], [])
        return paginate(table, args, rows=rows)

    return resolve


def _own_connection(node_type: str, key: str) -> Any:
    """A connection over rows the parent holds (an issue's state spans or history entries);
    each read is noted in `workspace.history_reads`."""
    table = Table(node_type)

    def resolve(parent: Row, info: GraphQLResolveInfo, **args: Any) -> Page:
        workspace: LinearWorkspace = info.context
        workspace.history_reads.append(parent["id"])
        return paginate(table, args, rows=parent.get(key, []))

    return resolve
