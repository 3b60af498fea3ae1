"""The Linear source: every declared entity as an incremental, merged dlt resource."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from datetime import datetime, timedelta
from typing import Any

import dlt
import pyarrow as pa
from dlt.sources import DltResource

from pipelines.sources.first_load import append_on_first_load
from pipelines.sources.linear.chained_pass import FirstLoadWindows
from pipelines.sources.linear.client import DEFAULT_MAX_CONCURRENCY, LinearClient
from pipelines.sources.linear.entities import ENTITIES, Entity
from pipelines.sources.linear.history import NAME as HISTORY
from pipelines.sources.linear.history import history_resource
from pipelines.sources.linear.queries import PAGE_SIZE
from pipelines.sources.linear.reconcile import reconcile_resources
from pipelines.sources.linear.resumable import ReadOptions, read_entity
from pipelines.sources.overlap import OVERLAP_SECONDS
from pipelines.sources.run_budget import PendingAtStart

DEFAULT_API_URL = "https://api.linear.app/graphql"


@dlt.source(name="linear")
def linear_source(
    api_key: str = dlt.secrets.value,
    api_url: str = DEFAULT_API_URL,
    since: datetime | None = None,
    backfill: bool = False,
    full_refresh: bool = False,
    entities: Sequence[str] | None = None,
    page_size: int = PAGE_SIZE,
    overlap_seconds: int = OVERLAP_SECONDS,
    max_rate_limit_wait: float = 900.0,
    reconcile: bool = False,
    max_concurrency: int = DEFAULT_MAX_CONCURRENCY,
) -> list[DltResource]:
    """Linear's issues, comments and reference entities, into tables `raw_<entity>`.

    Args:
        api_key: Personal API key (sent as `Authorization: <key>`).
        api_url: GraphQL endpoint.
        since: Start of the first load of event-like entities (issues, comments).
        backfill: Read event-like entities from `since` even where a cursor exists.
        full_refresh: This run is a `--full-refresh` (a stopped one is resumed, not restarted).
        entities: Names of the entities to sync (default: all declared).
        page_size: Nodes per request (Linear allows 250).
        overlap_seconds: How far before the cursor each incremental read starts.
        max_rate_limit_wait: Longest wait (s) for a rate-limit reset; beyond it the run stops
            between pages, loads what it read and the next run resumes.
        reconcile: Also list every issue, comment and attachment id and bring archive/trash
            state and hard deletes in line (`pipelines.sources.linear.reconcile`).
        max_concurrency: Requests in flight at once: the entities are read concurrently
            (threads of dlt's extract pool, `extract.workers`), within Linear's rate limits.
    """
    client = LinearClient(
        api_url, api_key, max_rate_limit_wait=max_rate_limit_wait, max_concurrency=max_concurrency
    )
    pending = PendingAtStart()
    names = [e.name for e in ENTITIES] + [HISTORY]
    wanted = set(entities or names)
    unknown = wanted - set(names)
    if unknown:
        raise ValueError(f"unknown Linear entities: {sorted(unknown)}")
    overlap = timedelta(seconds=overlap_seconds)
    # The longest chains of a first load (the issue history, a third of its requests, and the
    # windowed entities: issues, comments) are read in as many concurrent createdAt windows as
    # requests may be in flight, all from one earliest-issue request (`chained_pass.py`).
    windows = FirstLoadWindows(client, max_concurrency)
    history = [
        history_resource(
            client,
            since=since,
            backfill=backfill,
            overlap=overlap,
            windows=windows,
            full_refresh=full_refresh,
        ).parallelize()
    ]
    resources = [
        entity_resource(
            entity,
            client,
            ReadOptions(since, backfill, full_refresh, page_size, overlap, windows),
            pending,
        )
        for entity in ENTITIES
        if entity.name in wanted
    ] + (history if HISTORY in wanted else [])
    return resources + (reconcile_resources(client, page_size, wanted) if reconcile else [])


def entity_resource(
    entity: Entity, client: LinearClient, options: ReadOptions, pending: PendingAtStart
) -> DltResource:
    """Turn one declaration into a dlt resource (merge on the primary key), read in a thread
    of dlt's extract pool alongside the other entities (`parallelized`)."""

    def rows() -> Iterator[pa.Table | list[dict[str, Any]]]:
        source_state = dlt.current.source_state()
        source_state["endpoint"] = client.api_url
        state = dlt.current.resource_state()
        yield from entity.pages(read_entity(entity, client, state, options, pending(source_state)))

    # A first pass reads each row once (keyset pages: a row changed meanwhile moves ahead of
    # the cursor), so a table's first load may append (`first_load.py` decides per run).
    return append_on_first_load(
        dlt.resource(
            rows,
            name=entity.name,
            table_name=entity.table,
            primary_key=entity.primary_key,
            write_disposition="merge",
            columns=entity.columns,
            parallelized=True,
        )()
    )
