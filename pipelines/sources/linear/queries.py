"""GraphQL documents built from entity declarations."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from pipelines.sources.linear.entities import Entity

PAGE_SIZE = 250  # Linear's maximum `first`; every declared entity stays far below 10k points


def sync_query(entity: Entity) -> str:
    """The paged query that reads `entity`, archived rows included, newest changes first."""
    extra = f", {entity.extra_arguments}" if entity.extra_arguments else ""
    return (
        f"query Sync_{entity.name}($first: Int!, $after: String, $filter: {entity.filter_type}) "
        f"{{ {entity.name}(first: $first, after: $after, filter: $filter, includeArchived: true, "
        f"orderBy: updatedAt{extra}) "
        f"{{ nodes {{ {entity.selection} }} pageInfo {{ hasNextPage endCursor }} }} }}"
    )


def sync_variables(
    entity: Entity, changed_since: datetime | None, page_size: int
) -> dict[str, Any]:
    """Variables for `sync_query`: the page size and, when incremental, the change filter."""
    variables: dict[str, Any] = {"first": page_size, "after": None}
    if changed_since is not None:
        bound = {"gte": _iso(changed_since)}
        if entity.archived_filter:
            # Archiving is not guaranteed to move updatedAt: ask for recent archives too.
            variables["filter"] = {"or": [{"updatedAt": bound}, {"archivedAt": bound}]}
        else:
            variables["filter"] = {"updatedAt": bound}
    return variables


def _iso(ts: datetime) -> str:
    return ts.isoformat().replace("+00:00", "Z")
