"""Walking a validated GraphQL query's selections, as both sandboxes' static cost rules do
(Linear's complexity, `sandbox.linear.complexity`; GitHub's node limit and points,
`sandbox.github.graphql.limits`): fragments count where they are spread, `@skip`/`@include`
are honoured, introspection fields are free."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from graphql import (
    DocumentNode,
    FieldNode,
    FragmentDefinitionNode,
    FragmentSpreadNode,
    GraphQLField,
    GraphQLNamedType,
    GraphQLSchema,
    InlineFragmentNode,
    SelectionSetNode,
)
from graphql.execution.values import get_directive_values
from graphql.type import GraphQLIncludeDirective, GraphQLSkipDirective


class SelectionWalker:
    """The fields a query selects, type by type, with its coerced `variables`."""

    def __init__(self, schema: GraphQLSchema, document: DocumentNode, variables: dict[str, Any]):
        self.schema = schema
        self.document = document
        self.variables = variables
        self.fragments = {
            d.name.value: d for d in document.definitions if isinstance(d, FragmentDefinitionNode)
        }

    def included(self, node: Any) -> bool:
        """False when `@skip(if: true)` or `@include(if: false)` leaves `node` out."""
        skip = get_directive_values(GraphQLSkipDirective, node, self.variables)
        if skip and skip.get("if") is True:
            return False
        include = get_directive_values(GraphQLIncludeDirective, node, self.variables)
        return not (include and include.get("if") is False)

    def fields(
        self, selection_set: SelectionSetNode | None, parent: GraphQLNamedType
    ) -> Iterator[tuple[FieldNode, GraphQLNamedType]]:
        """Each included field of `selection_set` with the type it is selected on, the fields
        of inline fragments and fragment spreads in their place (an unknown fragment: none)."""
        for selection in selection_set.selections if selection_set else ():
            if not self.included(selection):
                continue
            if isinstance(selection, FieldNode):
                yield selection, parent
            elif isinstance(selection, InlineFragmentNode):
                condition = selection.type_condition
                target = self.schema.get_type(condition.name.value) if condition else parent
                yield from self.fields(selection.selection_set, target or parent)
            elif isinstance(selection, FragmentSpreadNode):
                fragment = self.fragments.get(selection.name.value)
                if fragment is not None:
                    target = self.schema.get_type(fragment.type_condition.name.value)
                    yield from self.fields(fragment.selection_set, target or parent)

    @staticmethod
    def definition(node: FieldNode, parent: GraphQLNamedType) -> GraphQLField | None:
        """The schema field `node` selects on `parent` (None: introspection or unknown)."""
        name = node.name.value
        return None if name.startswith("__") else getattr(parent, "fields", {}).get(name)
