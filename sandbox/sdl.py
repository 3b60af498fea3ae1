"""What the two SDL generators (`sandbox.linear.make_schema` and
`sandbox.github.graphql.make_schema`) share: copying a published definition without its
descriptions, the names of the types it refers to, and the command line that writes the subset.
Development tools only, never used at run time."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from graphql.language import (
    InputValueDefinitionNode,
    ListTypeNode,
    NamedTypeNode,
    Node,
    NonNullTypeNode,
    TypeNode,
)

#: GraphQL's own scalars: never defined in an SDL, so never looked for in one.
BUILTIN_SCALARS = {"ID", "String", "Int", "Float", "Boolean"}


def copy_node(node: Node, **changes: Any) -> Node:
    """A copy of `node` without its source location, with `changes` applied."""
    values = {key: getattr(node, key) for key in node.keys if key != "loc"}
    values.update(changes)
    return node.__class__(**values)


def named_type(type_node: TypeNode) -> str:
    """The name of the type inside any list and non-null wrappers (`[Issue!]!` -> `Issue`)."""
    while isinstance(type_node, (ListTypeNode, NonNullTypeNode)):
        type_node = type_node.type
    assert isinstance(type_node, NamedTypeNode)
    return type_node.name.value


def undescribed(node: InputValueDefinitionNode) -> InputValueDefinitionNode:
    """An argument or input field as published, without its description."""
    return copy_node(node, description=None)  # type: ignore[return-value]


def write_schema(argv: list[str], out: Path, build: Callable[[str], str], module: str) -> None:
    """`python -m MODULE PUBLISHED_SCHEMA.graphql`: write `out`, built from the published SDL."""
    if len(argv) != 1:
        raise SystemExit(f"usage: python -m {module} PUBLISHED_SCHEMA.graphql")
    out.write_text(build(Path(argv[0]).read_text()))
    print(f"wrote {out}")
