"""`--reconcile` for Linear: list every id cheaply, then bring the warehouse in line.

Linear's `updatedAt` does not move on every change (unarchiving, restoring from the trash) and
hard deletes leave nothing to read, so the incremental read misses them. A reconcile resource
per entity lists `{ id archivedAt (trashed) }` of every row (`includeArchived: true`, pages of
250, Linear's largest), compares with the warehouse (`pipelines.sources.reconcile_plan`),
reads the rows whose state changed again by id, and merges the rows the API no longer returns
back with `is_deleted = true` and `deleted_at` = the run's time. Everything lands in the run's
one load package: a failed reconcile marks nothing, and a rerun changes nothing more.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator
from datetime import UTC, datetime
from typing import Any

import dlt
from dlt.sources import DltResource

from pipelines.sources.http import SourceError
from pipelines.sources.linear.client import LinearClient
from pipelines.sources.linear.entities import ATTACHMENTS, COMMENTS, ISSUES, Entity, MalformedRecord
from pipelines.sources.linear.queries import PAGE_SIZE, sync_query
from pipelines.sources.reconcile_plan import State, plan, state_of
from pipelines.sources.warehouse_rows import DELETED_COLUMNS, WarehouseTable, marked_deleted

log = logging.getLogger("pipelines")

#: The entities reconciled: the event-like ones that can be archived, trashed or deleted.
RECONCILED: tuple[Entity, ...] = (ISSUES, COMMENTS, ATTACHMENTS)


def state_fields(entity: Entity) -> tuple[str, ...]:
    """What the id listing selects besides `id` (only issues have `trashed`)."""
    return ("archivedAt", "trashed") if "trashed" in entity.fields else ("archivedAt",)


def ids_query(entity: Entity) -> str:
    """The cheapest complete listing: `{ id archivedAt [trashed] }`, archived rows included
    (a page of 250 issues costs 626 complexity points; of the full selection, 3,026)."""
    selection = " ".join(("id", *state_fields(entity)))
    return (
        f"query Ids_{entity.name}($first: Int!, $after: String) "
        f"{{ {entity.name}(first: $first, after: $after, includeArchived: true) "
        f"{{ nodes {{ {selection} }} pageInfo {{ hasNextPage endCursor }} }} }}"
    )


def reconcile_resources(
    client: LinearClient, page_size: int = PAGE_SIZE, wanted: set[str] | None = None
) -> list[DltResource]:
    """One reconcile resource per reconciled entity synced (run only with `--reconcile`)."""
    return [
        reconcile_resource(entity, client, page_size)
        for entity in RECONCILED
        if wanted is None or entity.name in wanted
    ]


def reconcile_resource(entity: Entity, client: LinearClient, page_size: int) -> DltResource:
    def rows() -> Iterator[list[dict[str, Any]]]:
        yield from reconcile_entity(entity, client, page_size, datetime.now(UTC))

    return dlt.resource(
        rows,
        name=f"reconcile_{entity.table.removeprefix('raw_')}",
        table_name=entity.table,
        primary_key=entity.primary_key,
        write_disposition="merge",
        columns={**entity.columns, **DELETED_COLUMNS},
    )()


def reconcile_entity(
    entity: Entity, client: LinearClient, page_size: int, run_at: datetime
) -> Iterator[list[dict[str, Any]]]:
    """Reloaded rows whose state changed, then the rows gone from the API marked deleted."""
    stored = WarehouseTable(entity.table).rows()
    if not stored:
        log.info("linear %s: nothing loaded yet, nothing to reconcile", entity.name)
        return
    fields = state_fields(entity)
    warehouse: dict[str, State] = {
        row["id"]: state_of(row.get("archived_at"), row.get("trashed")) for row in stored
    }
    deleted = {row["id"] for row in stored if row.get("is_deleted")}
    api = dict(list_states(entity, client, page_size, fields))
    decided = plan(warehouse, api, deleted)
    log.info(
        "linear %s reconciled: %d ids listed, %d changed without their timestamp, %d gone",
        entity.name,
        len(api),
        len(decided.reload),
        len(decided.gone),
    )
    for start in range(0, len(decided.reload), page_size):
        yield reload_rows(entity, client, decided.reload[start : start + page_size])
    if decided.gone:
        by_id = {row["id"]: row for row in stored}
        lists = WarehouseTable(entity.table).child_lists(by_id[i]["_dlt_id"] for i in decided.gone)
        yield [
            marked_deleted(by_id[i], lists.get(by_id[i]["_dlt_id"], {}), run_at)
            for i in decided.gone
        ]


def list_states(
    entity: Entity, client: LinearClient, page_size: int, fields: tuple[str, ...]
) -> Iterator[tuple[str, State]]:
    """Every id the API returns with its archive/trash state."""
    variables = {"first": page_size, "after": None}
    for page in client.pages(entity.name, ids_query(entity), variables):
        for node in page:
            yield node["id"], state_of(node.get("archivedAt"), node.get("trashed"))


def reload_rows(entity: Entity, client: LinearClient, ids: list[str]) -> list[dict[str, Any]]:
    """The rows of `ids`, read whole again (not deleted: a deleted row the API returns again
    comes back)."""
    variables = {"first": len(ids), "after": None, "filter": {"id": {"in": ids}}}
    out = []
    for page in client.pages(entity.name, sync_query(entity), variables):
        try:
            out += [entity.prepare(row) | {"is_deleted": False, "deleted_at": None} for row in page]
        except MalformedRecord as exc:
            raise SourceError(f"linear: POST {client.api_url} ({entity.name}): {exc}") from None
    return out
