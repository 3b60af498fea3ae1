"""One entity's read as resumable passes: a pass pages through the entity from its lower bound;
stopped between pages (a spent budget, the time limit) it saves where it was, and the next run
continues after that page with the same bound, then does its normal incremental read.

A first load of an entity declared `windowed` (issues, comments: the longest chains of a first
load) is read in disjoint `createdAt` windows, one chain each, concurrently, as the history is
(`chained_pass.py`: the windows, their shared probe, the resume format); every other read, and
every incremental one, is one chain."""

from __future__ import annotations

import logging
from collections.abc import Generator, Iterator, MutableMapping
from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from typing import Any

import pendulum

from pipelines.sources.http import SourceError
from pipelines.sources.linear.chained_pass import ChainedPass, FirstLoadWindows
from pipelines.sources.linear.client import LinearClient
from pipelines.sources.linear.entities import Entity, MalformedRecord
from pipelines.sources.linear.queries import sync_query, sync_variables
from pipelines.sources.linear.sync_window import SyncWindow
from pipelines.sources.run_budget import ResumePosition

log = logging.getLogger("pipelines")


@dataclass(frozen=True)
class ReadOptions:
    since: datetime | None
    backfill: bool  # --since was given: read from it even where a cursor exists
    full_refresh: bool
    page_size: int
    overlap: timedelta
    windows: FirstLoadWindows | None = None  # the run's createdAt windows of first loads


def read_entity(
    entity: Entity,
    client: LinearClient,
    state: MutableMapping[str, Any],
    options: ReadOptions,
    pending: list[str],
) -> Iterator[list[dict[str, Any]]]:
    """Pages of new or changed rows of `entity`; a resumed pass is followed by a normal one.

    While a backfill of other entities is in progress (`pending`: the resources that held a
    resume position when the run began), an entity already loaded completely is not read again
    (a reference entity's re-read and an event entity's incremental read cost budget the
    backfill needs); the first run after the backfill reads it as usual."""
    resumed = ResumePosition(state).pending
    loaded = not resumed and not options.backfill and _read_completely(entity, state)
    if loaded and pending:
        log.info("linear %s: loaded already; re-read once the backfill completes", entity.name)
        return
    completed = yield from _one_pass(entity, client, state, options)
    if resumed and completed and entity.kind == "event":
        # Rows changed while the pass was spread over several runs moved ahead of its cursor.
        # Still part of a --full-refresh: if it stops, the rerun resumes the refresh.
        plain = replace(options, since=None, backfill=False)
        yield from _one_pass(entity, client, state, plain)


def _one_pass(
    entity: Entity, client: LinearClient, state: MutableMapping[str, Any], options: ReadOptions
) -> Generator[list[dict[str, Any]], None, bool]:
    """One pass of `entity`'s new or changed rows; returns whether it completed."""
    window = SyncWindow(
        state,
        cursor_fields=("updatedAt", "archivedAt") if entity.archived_filter else ("updatedAt",),
        incremental=entity.kind == "event",
        since=options.since,
        backfill=options.backfill,
        overlap=options.overlap,
    )
    bound = window.lower_bound()
    chained = ChainedPass(
        client,
        state,
        window,
        start=_iso(bound) if bound else None,
        backfill=options.backfill,
        # A declared windowed entity's first load is split; the others are one chain.
        windows=options.windows if entity.windowed else None,
        name=entity.name,
        unit=_unit(entity),
    )
    where = f"linear: POST {client.api_url} ({entity.name})"

    def prepare(page: list[dict[str, Any]]) -> list[dict[str, Any]]:
        try:
            return [entity.prepare(row) for row in page]
        except MalformedRecord as exc:
            raise SourceError(f"{where}: {exc}") from None

    def variables(since: datetime | None) -> dict[str, Any]:
        return sync_variables(entity, since, options.page_size)

    for _, rows in chained.read(sync_query(entity), variables, prepare):
        changed = list(window.select(rows, entity.primary_key))
        if changed:
            yield changed
    return chained.finish(full_refresh=options.full_refresh)


def _read_completely(entity: Entity, state: MutableMapping[str, Any]) -> bool:
    """Whether an earlier run finished a pass of `entity` (its cursor or fingerprints saved)."""
    return ("cursor" in state) if entity.kind == "event" else ("seen" in state)


def _unit(entity: Entity) -> str:
    return entity.table.removeprefix("raw_").replace("_", " ") + " read"


def _iso(ts: datetime) -> str:
    return pendulum.instance(ts).in_timezone("UTC").to_iso8601_string()
