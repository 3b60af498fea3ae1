"""Partial answers: `data` with one relation nulled plus the matching `errors` entry, as Linear
answers when one related entity cannot be resolved."""

from __future__ import annotations

from typing import Any


def null_one_relation(body: dict[str, Any], message: str | None = None) -> dict[str, Any]:
    """Null the first non-null object-valued field of a page's nodes (the last such node) and
    add the GraphQL error naming its path. Unchanged when the page has no such relation."""
    for root, connection in (body.get("data") or {}).items():
        nodes = (connection or {}).get("nodes") or []
        for index in range(len(nodes) - 1, -1, -1):
            for name, value in nodes[index].items():
                if isinstance(value, dict):
                    nodes[index][name] = None
                    error = {
                        "message": message or f"Entity not found: {name}",
                        "path": [root, "nodes", index, name],
                        "extensions": {"type": "invalid input", "code": "INPUT_ERROR"},
                    }
                    body.setdefault("errors", []).append(error)
                    return body
    return body
