"""A query's complexity, computed statically with Linear's published rule.

Each scalar (leaf) property costs 0.1 point and each object 1 point; a connection (a field
whose type is `...Connection`) costs 1 point plus its children's points multiplied by its
`first` (or `last`) argument, 50 when absent. The total is rounded up to an integer.
Introspection fields (`__typename`, `__schema`, ...) are free; `@skip`/`@include` are honoured.
Worked example: `issues(first: 10) { nodes { id title } }` is
1 + 10 * (1 + 0.1 + 0.1) = 13 points.
"""

from __future__ import annotations

from typing import Any

from graphql import (
    FieldNode,
    GraphQLNamedType,
    GraphQLSchema,
    IntValueNode,
    OperationDefinitionNode,
    SelectionSetNode,
    VariableNode,
    get_named_type,
    is_leaf_type,
)
from graphql.language import DocumentNode

from sandbox.query_walk import SelectionWalker

DEFAULT_CONNECTION_SIZE = 50
# Points are counted in tenths, so sums stay exact.
LEAF, OBJECT = 1, 10


def complexity(
    schema: GraphQLSchema,
    document: DocumentNode,
    operation_name: str | None = None,
    variables: dict[str, Any] | None = None,
) -> int:
    """The complexity points of the document's operation (a validated document)."""
    walker = _Walker(schema, document, variables or {})
    operation = walker.operation(operation_name)
    if operation is None:
        return 0
    root = schema.get_root_type(operation.operation)
    tenths = walker.selections(operation.selection_set, root) if root else 0
    return -(-tenths // 10)


class _Walker(SelectionWalker):
    def operation(self, name: str | None) -> OperationDefinitionNode | None:
        for op in self.document.definitions:
            if isinstance(op, OperationDefinitionNode) and (
                name is None or (op.name is not None and op.name.value == name)
            ):
                return op
        return None

    def selections(self, selection_set: SelectionSetNode | None, parent: GraphQLNamedType) -> int:
        return sum(self.field(field, on) for field, on in self.fields(selection_set, parent))

    def field(self, node: FieldNode, parent: GraphQLNamedType) -> int:
        definition = self.definition(node, parent)
        return 0 if definition is None else self.cost(node, get_named_type(definition.type))

    def cost(self, node: FieldNode, named: GraphQLNamedType) -> int:
        if is_leaf_type(named):
            return LEAF
        children = self.selections(node.selection_set, named)
        if named.name.endswith("Connection"):
            return OBJECT + self.connection_size(node) * children
        return OBJECT + children

    def connection_size(self, node: FieldNode) -> int:
        sizes = {}
        for argument in node.arguments or ():
            value = argument.value
            if isinstance(value, IntValueNode):
                sizes[argument.name.value] = int(value.value)
            elif isinstance(value, VariableNode):
                sizes[argument.name.value] = self.variables.get(value.name.value)
        size = sizes.get("first") if sizes.get("first") is not None else sizes.get("last")
        return DEFAULT_CONNECTION_SIZE if size is None else max(int(size), 0)
