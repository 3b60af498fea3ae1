"""graphql-core's executor, with what it redoes for every field of every object done once.

A page of 250 issues is some 40,000 field executions, and graphql-core spends about 10 µs on
each: it looks the field's definition up, coerces its arguments, picks its resolver, builds a
resolve info, checks for awaitables and completes the value through its generic path, for every
object of a list alike. `FastFields` works these out once per selection (the definition, the
resolver, the arguments: fixed for one execution), reads a plain field of a dict source without
a resolve info, and completes a null on a nullable field or a scalar or enum value directly.
Everything else (objects, lists, abstract types, a null on a non-null field, a value the scalar
rejects, a resolver's error) goes through graphql-core's own `complete_value` and error
handling, so the answers, errors, their paths and null propagation are graphql-core's.

The answers are the same, value for value (`tests/sandbox/test_fast_execution.py` runs both
executors side by side on every query the pipelines send); only the sandbox's time to answer
changes. The imitation APIs run in one Python process (in the benchmark, beside the pipeline on
the same two cores), so their cost per field is part of every wait measured, where the real APIs
answer from servers of their own. For synchronous resolvers only, as the sandbox's are.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from graphql import (
    ExecutionContext,
    FieldNode,
    GraphQLField,
    GraphQLLeafType,
    GraphQLNonNull,
    GraphQLObjectType,
    GraphQLOutputType,
    Undefined,
    is_leaf_type,
    located_error,
)
from graphql.execution.execute import default_field_resolver, get_field_def
from graphql.execution.values import get_argument_values
from graphql.pyutils import Path


@dataclass(frozen=True, slots=True)
class _Field:
    """One selected field of one parent type, worked out for the whole execution."""

    name: str
    definition: GraphQLField
    resolve: Callable[..., Any]
    args: dict[str, Any]
    return_type: GraphQLOutputType
    leaf: GraphQLLeafType | None  # the scalar or enum it returns (None: an object or a list)
    non_null: bool
    dict_get: bool  # the default resolver: a dict source's value is read straight off it


class FastFields(ExecutionContext):
    """An `ExecutionContext` that plans each selection once (see the module docstring)."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._plans: dict[tuple[str, int], tuple[dict[str, list[FieldNode]], list[Any]]] = {}

    def execute_fields(
        self,
        parent_type: GraphQLObjectType,
        source_value: Any,
        path: Path | None,
        fields: dict[str, list[FieldNode]],
    ) -> Any:
        if self.middleware_manager is not None:
            return super().execute_fields(parent_type, source_value, path, fields)
        is_dict = type(source_value) is dict
        results: dict[str, Any] = {}
        for (response_name, field_nodes), plan in zip(
            fields.items(), self._plans_for(parent_type, fields), strict=True
        ):
            if plan is None:
                field_path = Path(path, response_name, parent_type.name)
                result = self.execute_field(parent_type, source_value, field_nodes, field_path)
                if result is not Undefined:
                    results[response_name] = result
                continue
            results[response_name] = self._field(
                plan, parent_type, source_value, is_dict, path, response_name, field_nodes
            )
        return results

    def _field(
        self,
        plan: _Field,
        parent_type: GraphQLObjectType,
        source: Any,
        is_dict: bool,
        path: Path | None,
        response_name: str,
        field_nodes: list[FieldNode],
    ) -> Any:
        """`execute_field` of graphql-core, with the plan's parts and shortcuts."""
        info = None
        field_path = None
        if plan.dict_get and is_dict:
            value = source.get(plan.name)
            if callable(value):  # the default resolver calls it: graphql-core's path
                field_path = Path(path, response_name, parent_type.name)
                return self.execute_field(parent_type, source, field_nodes, field_path)
        else:
            field_path = Path(path, response_name, parent_type.name)
            info = self.build_resolve_info(plan.definition, field_nodes, parent_type, field_path)
            try:
                value = plan.resolve(source, info, **plan.args)
            except Exception as raw_error:
                return self._error(raw_error, plan, field_nodes, field_path)
        if value is None and not plan.non_null:
            return None
        if plan.leaf is not None and value is not None:
            try:
                return self.complete_leaf_value(plan.leaf, value)
            except Exception:  # completed below, as graphql-core does, to report it
                pass
        if field_path is None:
            field_path = Path(path, response_name, parent_type.name)
        if info is None:
            info = self.build_resolve_info(plan.definition, field_nodes, parent_type, field_path)
        try:
            return self.complete_value(plan.return_type, field_nodes, info, field_path, value)
        except Exception as raw_error:
            return self._error(raw_error, plan, field_nodes, field_path)

    def _error(
        self, raw_error: Exception, plan: _Field, field_nodes: list[FieldNode], path: Path
    ) -> None:
        """A field's error as graphql-core handles it: raised on for a non-null field (its
        parent becomes null), else collected and the field null."""
        error = located_error(raw_error, field_nodes, path.as_list())
        self.handle_field_error(error, plan.return_type, path)
        return None

    def _plans_for(
        self, parent_type: GraphQLObjectType, fields: dict[str, list[FieldNode]]
    ) -> list[_Field | None]:
        """One plan per response name; cached per selection (graphql-core caches `fields`)."""
        key = (parent_type.name, id(fields))
        cached = self._plans.get(key)
        if cached is not None and cached[0] is fields:
            return cached[1]
        plans = [self._plan(parent_type, nodes) for nodes in fields.values()]
        self._plans[key] = (fields, plans)  # holding `fields` keeps its id from being reused
        return plans

    def _plan(self, parent_type: GraphQLObjectType, field_nodes: list[FieldNode]) -> _Field | None:
        node = field_nodes[0]
        if node.name.value.startswith("__"):
            return None  # meta fields (`__typename`): graphql-core's path
        definition = get_field_def(self.schema, parent_type, node)
        if definition is None:
            return None
        try:
            args = get_argument_values(definition, node, self.variable_values)
        except Exception:  # graphql-core reports it as the field's error
            return None
        field_type = definition.type
        non_null = isinstance(field_type, GraphQLNonNull)
        named = field_type.of_type if non_null else field_type
        return _Field(
            name=node.name.value,
            definition=definition,
            resolve=definition.resolve or self.field_resolver,
            args=args,
            return_type=field_type,
            leaf=named if is_leaf_type(named) else None,
            non_null=non_null,
            dict_get=definition.resolve is None and self.field_resolver is default_field_resolver,
        )
