"""GitHub's GraphQL error shapes.

Two families, as github.com sends them (both with HTTP 200):

- execution errors, raised by resolvers as `GitHubGraphQLError`: `{"type", "path",
  "locations", "message"}` (`type` is GitHub's code: NOT_FOUND, MISSING_PAGINATION_BOUNDARIES,
  EXCESSIVE_PAGINATION, ...), beside `data` with the failed field null;
- validation errors (graphql-ruby's form): `{"message", "locations", "path", "extensions":
  {"code", ...}}`, with no `data`.
"""

from __future__ import annotations

import re
from typing import Any

from graphql import DocumentNode, FieldNode, GraphQLError, Node
from graphql.language import (
    FragmentDefinitionNode,
    InlineFragmentNode,
    OperationDefinitionNode,
    SelectionSetNode,
)

DOCS = "https://docs.github.com/graphql"
TIMEOUT_MESSAGE = (
    "Something went wrong while executing your query. This may be the result of a timeout, "
    "or it could be a GitHub bug. Please include `{request_id}` when reporting this issue."
)
HEAVY_MESSAGE = (
    "We couldn't respond to your request in time. Sorry about that. Please try resubmitting "
    "your request and contact us if the problem persists."
)


class GitHubGraphQLError(Exception):
    """An execution error with GitHub's `type` (None: an untyped error, like timeouts)."""

    def __init__(self, type_: str | None, message: str) -> None:
        super().__init__(message)
        self.type = type_
        self.message = message


def execution_error(error: GraphQLError) -> dict[str, Any]:
    """One entry of `errors` for an error raised while resolving."""
    original = error.original_error
    formatted = error.formatted
    out: dict[str, Any] = {}
    if isinstance(original, GitHubGraphQLError):
        if original.type is not None:
            out["type"] = original.type
        message = original.message
    elif original is None:
        message = error.message
    else:  # a sandbox bug: make it loud rather than look like GitHub
        raise original
    if formatted.get("path"):
        out["path"] = formatted["path"]
    if formatted.get("locations"):
        out["locations"] = formatted["locations"]
    out["message"] = message
    return out


_RULES: list[tuple[re.Pattern[str], Any]] = [
    (
        re.compile(r"Cannot query field '(?P<field>\w+)' on type '(?P<type>\w+)'\."),
        lambda m: (
            f"Field '{m['field']}' doesn't exist on type '{m['type']}'",
            {"code": "undefinedField", "typeName": m["type"], "fieldName": m["field"]},
        ),
    ),
    (
        re.compile(r"Unknown argument '(?P<arg>\w+)' on field '(?P<type>\w+)\.(?P<field>\w+)'\."),
        lambda m: (
            f"Field '{m['field']}' doesn't accept argument '{m['arg']}'",
            {
                "code": "argumentNotAccepted",
                "name": m["field"],
                "typeName": "Field",
                "argumentName": m["arg"],
            },
        ),
    ),
    (
        re.compile(
            r"Field '(?P<field>\w+)' argument '(?P<arg>\w+)' of type '[^']+' is required, "
            r"but it was not provided\."
        ),
        lambda m: (
            f"Field '{m['field']}' is missing required arguments: {m['arg']}",
            {
                "code": "missingRequiredArguments",
                "className": "Field",
                "name": m["field"],
                "arguments": m["arg"],
            },
        ),
    ),
    (
        re.compile(r"Variable '\$(?P<name>\w+)' is not defined"),
        lambda m: (
            f"Variable ${m['name']} is used by anonymous query but not declared",
            {"code": "variableNotDefined", "variableName": m["name"]},
        ),
    ),
]


def validation_error(error: GraphQLError, document: DocumentNode | None) -> dict[str, Any]:
    """One entry of `errors` for a parse or validation error, in graphql-ruby's words."""
    message, extensions = error.message, {"code": "validationError"}
    for pattern, translate in _RULES:
        match = pattern.match(error.message)
        if match is not None:
            message, extensions = translate(match)
            break
    out: dict[str, Any] = {"message": message}
    formatted = error.formatted
    if formatted.get("locations"):
        out["locations"] = formatted["locations"]
    if document is None:  # a syntax error: no path, no extensions
        return out
    path = _path_of(document, error.nodes[0]) if error.nodes else None
    if path is not None:
        out["path"] = path
    out["extensions"] = extensions
    return out


def _path_of(document: DocumentNode, target: Node) -> list[str] | None:
    """graphql-ruby's path of a node: "query Name" (or "query"), then field names/aliases."""

    def walk(selection_set: SelectionSetNode | None, path: list[str]) -> list[str] | None:
        for selection in selection_set.selections if selection_set else ():
            if isinstance(selection, FieldNode):
                here = [*path, (selection.alias or selection.name).value]
                if selection is target or any(a is target for a in selection.arguments or ()):
                    return here
                found = walk(selection.selection_set, here)
            elif isinstance(selection, InlineFragmentNode):
                condition = selection.type_condition
                label = f"... on {condition.name.value}" if condition else "..."
                found = walk(selection.selection_set, [*path, label])
            else:
                found = [*path, f"... {selection.name.value}"] if selection is target else None
            if found is not None:
                return found
        return None

    for definition in document.definitions:
        if isinstance(definition, OperationDefinitionNode):
            head = definition.operation.value
            if definition.name is not None:
                head += f" {definition.name.value}"
        elif isinstance(definition, FragmentDefinitionNode):
            head = f"fragment {definition.name.value}"
        else:
            continue
        if definition is target:
            return [head]
        found = walk(definition.selection_set, [head])
        if found is not None:
            return found
    return None
