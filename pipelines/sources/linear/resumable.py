"""One entity's read as resumable passes: a pass pages through the entity from its lower bound;
stopped between pages (a spent budget, the time limit) it saves where it was, and the next run
continues after that page with the same bound, then does its normal incremental read."""

from __future__ import annotations

import logging
from collections.abc import Iterator, MutableMapping
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

import pendulum

from pipelines.sources.http import SourceError
from pipelines.sources.linear.client import LinearClient
from pipelines.sources.linear.entities import Entity, MalformedRecord
from pipelines.sources.linear.queries import sync_query, sync_variables
from pipelines.sources.linear.sync_window import SyncWindow
from pipelines.sources.run_budget import ResumePosition, current, stoppable

log = logging.getLogger("pipelines")


@dataclass(frozen=True)
class ReadOptions:
    since: datetime | None
    backfill: bool  # --since was given: read from it even where a cursor exists
    full_refresh: bool
    page_size: int
    overlap: timedelta


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
        plain = ReadOptions(None, False, False, options.page_size, options.overlap)
        yield from _one_pass(entity, client, state, plain)


def _one_pass(
    entity: Entity, client: LinearClient, state: MutableMapping[str, Any], options: ReadOptions
) -> Iterator[list[dict[str, Any]]]:
    budget = current()
    window = SyncWindow(
        state,
        cursor_fields=("updatedAt", "archivedAt") if entity.archived_filter else ("updatedAt",),
        incremental=entity.kind == "event",
        since=options.since,
        backfill=options.backfill,
        overlap=options.overlap,
    )
    resume = ResumePosition(state)
    bound = window.lower_bound()
    plan: dict[str, Any] = {"from": _iso(bound) if bound else None}
    if resume.saved_plan is not None and not options.backfill:
        plan = resume.saved_plan  # a plain run continues whatever pass is pending
    position = resume.load(plan)
    if resume.dropped is not None:
        log.warning(
            "linear %s: a stopped read from %s does not match this run's --since (%s): "
            "it starts over from %s",
            entity.name,
            resume.dropped.get("from") or "the start",
            plan["from"],
            plan["from"],
        )
    variables = sync_variables(entity, _parse(plan["from"]), options.page_size)
    count, after = 0, None
    if position is not None:
        window.restore(position)
        count, after = position.get("count", 0), position.get("after")
        variables["after"] = after
        log.info("linear %s: resuming after %s rows read earlier", entity.name, f"{count:,}")
    key = f"linear:{entity.name}"
    pages = stoppable(client.cursor_pages(entity.name, sync_query(entity), variables), budget)
    for page, end_cursor in pages:
        try:
            rows = [entity.prepare(row) for row in page]
        except MalformedRecord as exc:
            raise SourceError(f"linear: POST {client.api_url} ({entity.name}): {exc}") from None
        changed = list(window.select(rows, entity.primary_key))
        count, after = count + len(rows), end_cursor or after
        budget.progress(key, count, unit=_unit(entity), scope="Linear")
        if changed:
            yield changed
    if pages.completed:
        resume.clear()
        window.commit()
        budget.finished(key)
        return True
    resume.save(
        plan,
        {"after": after, "count": count, **window.checkpoint()},
        full_refresh=options.full_refresh,
    )
    return False


def _read_completely(entity: Entity, state: MutableMapping[str, Any]) -> bool:
    """Whether an earlier run finished a pass of `entity` (its cursor or fingerprints saved)."""
    return ("cursor" in state) if entity.kind == "event" else ("seen" in state)


def _unit(entity: Entity) -> str:
    return entity.table.removeprefix("raw_").replace("_", " ") + " read"


def _iso(ts: datetime) -> str:
    return pendulum.instance(ts).in_timezone("UTC").to_iso8601_string()


def _parse(text: str | None) -> datetime | None:
    return None if text is None else pendulum.parse(text)  # type: ignore[return-value]
