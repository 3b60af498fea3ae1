"""Keep the parts of an API object a declaration names, drop the rest.

A shape is a dict: `"field": True` keeps the value as it is, `"field": {...}` keeps a nested
object reduced to that shape and flattened into `field__sub` keys (all None when the object is
null, so the columns exist either way), and `"field": [{...}]` keeps a list of objects, each
reduced (dlt makes it a child table). APIs repeat large objects (GitHub puts two full
repositories inside every pull request); shaping keeps the raw tables to what analysis needs.
"""

from __future__ import annotations

from typing import Any

Shape = dict[str, Any]


def reduce(
    value: dict[str, Any] | None,
    shape: Shape,
    prefix: str = "",
    *,
    ignore: frozenset[str] | None = None,
) -> dict[str, Any]:
    """`value` reduced to `shape`, nested objects flattened; missing fields come out as None.

    With `ignore` (the fields known and deliberately left out), any other top-level scalar
    field is kept too: a field the API starts sending shows up as a new column.
    """
    value = value or {}
    out: dict[str, Any] = {}
    if ignore is not None:
        out.update(
            {
                name: item
                for name, item in value.items()
                if name not in shape and name not in ignore and not isinstance(item, dict | list)
            }
        )
    for name, spec in shape.items():
        item = value.get(name)
        if spec is True:
            out[prefix + name] = item
        elif isinstance(spec, list):
            out[prefix + name] = [reduce(v, spec[0]) for v in item or []]
        else:
            out.update(reduce(item, spec, f"{prefix}{name}__"))
    return out
