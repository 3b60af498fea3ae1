"""A query's node count and rate-limit cost, computed statically as GitHub documents them
("Rate limits and node limits for the GraphQL API").

- Nodes: every connection (a field returning `...Connection`) asks for up to `first`/`last`
  nodes for each node of the connections around it; the query's total is the sum, at most
  500,000 (`MAX_NODE_LIMIT_EXCEEDED` otherwise). GitHub's example: `repositories(first: 50)`
  with `issues(first: 10)` inside is 50 + 50 x 10 = 550 nodes.
- Cost: the number of requests needed to fill every connection (one for a top-level one; one
  per parent node for a nested one), divided by 100 and rounded to the nearest whole number,
  at least 1. GitHub's example: `repositories(first: 100) { issues(first: 50) { labels(first:
  60) } }` is 1 + 100 + 5,000 = 5,101 requests, 51 points.

A connection without `first`/`last` counts as one node (it may only be asking for
`totalCount`); `nodes(ids: [...])` multiplies what is below it by the number of ids;
`@skip`/`@include` are honoured; fragments count where they are spread.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

from graphql import (
    DocumentNode,
    FieldNode,
    GraphQLNamedType,
    GraphQLSchema,
    OperationDefinitionNode,
    SelectionSetNode,
    Undefined,
    get_named_type,
    value_from_ast,
    value_from_ast_untyped,
)

from sandbox.query_walk import SelectionWalker

MAX_NODES = 500_000


@dataclass(frozen=True)
class QueryLimits:
    """What a query may fetch: `nodes` (GitHub's node count) and `requests` (the requests
    needed to fill its connections); `cost` is GitHub's points for it."""

    nodes: int
    requests: int

    @property
    def cost(self) -> int:
        return max(1, math.floor(self.requests / 100 + 0.5))


def node_limit_message(nodes: int) -> str:
    return (
        f"This query requests up to {nodes:,} possible nodes which exceeds the maximum limit "
        f"of {MAX_NODES:,}."
    )


def measure(
    schema: GraphQLSchema,
    document: DocumentNode,
    operation: OperationDefinitionNode,
    variables: dict[str, Any],
) -> QueryLimits:
    """The limits of `operation` (from a validated `document`) with coerced `variables`."""
    walker = _Walker(schema, document, variables)
    root = schema.get_root_type(operation.operation)
    if root is None:
        return QueryLimits(0, 0)
    nodes, requests = walker.selections(operation.selection_set, root, 1)
    return QueryLimits(nodes, requests)


class _Walker(SelectionWalker):
    def selections(
        self, selection_set: SelectionSetNode | None, parent: GraphQLNamedType, multiplier: int
    ) -> tuple[int, int]:
        nodes = requests = 0
        for field, on in self.fields(selection_set, parent):
            n, r = self.field(field, on, multiplier)
            nodes, requests = nodes + n, requests + r
        return nodes, requests

    def field(self, node: FieldNode, parent: GraphQLNamedType, multiplier: int) -> tuple[int, int]:
        definition = self.definition(node, parent)
        if definition is None or node.selection_set is None:
            return 0, 0
        named = get_named_type(definition.type)
        if not named.name.endswith("Connection"):
            return self.selections(node.selection_set, named, multiplier * self.ids(node))
        size = self.page_size(node, definition)
        nodes, requests = multiplier * size, multiplier
        inner_nodes, inner_requests = self.selections(node.selection_set, named, multiplier * size)
        return nodes + inner_nodes, requests + inner_requests

    def ids(self, node: FieldNode) -> int:
        """How many objects `nodes(ids: [...])` asks for (1 for any other field)."""
        for argument in node.arguments or ():
            if argument.name.value == "ids":
                value = value_from_ast_untyped(argument.value, self.variables)
                return len(value) if isinstance(value, list) else 1
        return 1

    def page_size(self, node: FieldNode, definition: Any) -> int:
        values: dict[str, Any] = {}
        for argument in node.arguments or ():
            if argument.name.value in ("first", "last"):
                arg_type = definition.args[argument.name.value].type
                value = value_from_ast(argument.value, arg_type, self.variables)
                values[argument.name.value] = None if value is Undefined else value
        size = values.get("first") if values.get("first") is not None else values.get("last")
        return 1 if size is None else max(int(size), 0)
