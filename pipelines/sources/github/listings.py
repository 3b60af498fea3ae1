"""The declared repository listings (`entities.LISTINGS`: review comments and conversation
comments) of one repository, read through the repo-level endpoints with `since`, oldest change
first (`sort=updated&direction=asc`), one page at a time from page 1, each restarting at the
newest `updated_at` read (`windowed.read_in_windows`: no deep page numbers, no item skipped by
an edit during the read).

Resumable: the run's budget is asked between pages; a stopped read returns normally after its
last complete page. Ordinarily dlt's incremental cursor (`updated_at`) then stands at the newest
row loaded (every older one is loaded: the listing is oldest change first), so the next run
continues from there, less the overlap (`pipelines.sources.overlap`: rows re-read unchanged are
not loaded again); the resume position it saves only says a read is unfinished (the run
summary's backfill). A `--since` backfill over an existing cursor leaves that cursor alone, so
it keeps its own resume position in the resource state."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from datetime import datetime
from typing import Any

import dlt
from dlt.sources import DltResource
from dlt.sources.helpers.requests import Response
from dlt.sources.helpers.rest_client.client import RESTClient
from dlt.sources.helpers.rest_client.paginators import HeaderLinkPaginator

from pipelines.sources.github import entities
from pipelines.sources.github.plan import (
    RunPlan,
    drop_removed_repos,
    mark_loaded,
    wait_for_backfill,
)
from pipelines.sources.github.repos import _incremental, raise_for_github
from pipelines.sources.github.windowed import (
    DeepPageRefused,
    is_deep_page_refusal,
    read_in_windows,
)
from pipelines.sources.overlap import OVERLAP_SECONDS, Fingerprints
from pipelines.sources.run_budget import ResumePosition, current, stoppable


def _refuse_deep_pages(repo: str, what: str) -> Callable[..., None]:
    """A response action: GitHub's 422 for a too-deep page number restarts the listing (and
    names the request if it cannot)."""

    def check(response: Response, *args: Any, **kwargs: Any) -> None:
        if response.status_code != 422:
            return
        try:
            message = str(response.json().get("message", ""))
        except ValueError:
            return
        if is_deep_page_refusal(response.status_code, message):
            where = f"github: GET {response.url.split('?')[0]} ({what} of {repo})"
            raise DeepPageRefused(f"{where}: HTTP 422: {message.rstrip('.')}.")

    return check


def resource_slug(repo: str) -> str:
    """The suffix of a repository's resource names (as `repo_resources` names them)."""
    return repo.replace("/", "__").replace("-", "_").replace(".", "_").lower()


def listing_resources(
    client: RESTClient,
    repo: str,
    *,
    since: datetime,
    backfill_until: datetime | None,
    repos: Iterable[str] = (),
    page_size: int = 100,
    pending: RunPlan | None = None,
    overlap_seconds: int = OVERLAP_SECONDS,
) -> list[DltResource]:
    """One incremental resource per declared listing (`entities.LISTINGS`) of `repo`
    (`repos`: every configured repository, so positions left by removed ones are dropped;
    `overlap_seconds`: how far before the cursor a read starts, see
    `pipelines.sources.overlap`)."""
    configured = [resource_slug(r) for r in repos] or [resource_slug(repo)]
    return [
        _listing(
            client,
            repo,
            listing,
            since=since,
            backfill_until=backfill_until,
            configured=configured,
            page_size=page_size,
            pending=pending,
            overlap_seconds=overlap_seconds,
        )
        for listing in entities.LISTINGS
    ]


def _listing(
    client: RESTClient,
    repo: str,
    listing: entities.RepoListing,
    *,
    since: datetime,
    backfill_until: datetime | None,
    configured: list[str],
    page_size: int = 100,
    pending: RunPlan | None = None,
    overlap_seconds: int = OVERLAP_SECONDS,
) -> DltResource:
    # dlt starts `lag` seconds before its cursor and leaves de-duplication to us: rows
    # re-read unchanged inside that overlap are dropped by their fingerprints.
    cursor = _incremental(since, backfill_until, lag=overlap_seconds)
    name = f"{listing.name}__{resource_slug(repo)}"
    what, path = listing.what, listing.endpoint(repo)
    shape = listing.tagger(repo)
    # A row edited during the read is yielded twice in one load: the newest version wins.
    columns = listing.column_hints
    columns["updated_at"] = {**columns["updated_at"], "dedup_sort": "desc"}

    @dlt.resource(
        name=name,
        table_name=listing.table,
        primary_key="id",
        write_disposition="merge",
        columns=columns,
        parallelized=True,  # read beside the other repositories' resources
    )
    def read(
        updated: Any = cursor,
    ) -> Iterator[list[dict[str, Any]]]:
        budget = current()
        source_state, state = dlt.current.source_state(), dlt.current.resource_state()
        drop_removed_repos(source_state, configured)
        bounded = updated.end_value is not None  # a backfill: dlt keeps no cursor for it
        if wait_for_backfill(pending, state, name, backfill=bounded):
            return
        resume = ResumePosition(state)
        # A backfill re-reads its range whole: no overlap, and no fingerprints kept.
        loaded = None if bounded else Fingerprints(state, overlap_seconds)
        # An ordinary read resumes at dlt's cursor: its plan does not depend on `since`.
        plan = (
            {"since": str(updated.initial_value), "until": str(updated.end_value)}
            if bounded
            else {"since": None, "until": None}
        )
        position = resume.load(plan) if bounded else None
        start = (position or {}).get("from") or updated.start_value
        newest, count = start, (position or {}).get("count", 0)
        hooks = {"response": [_refuse_deep_pages(repo, what), raise_for_github(repo, what)]}

        def open_listing(window_since: str) -> Iterator[list[dict[str, Any]]]:
            params: dict[str, Any] = {"sort": "updated", "direction": "asc"}
            params.update(since=window_since, per_page=page_size)
            return client.paginate(
                path, params=params, paginator=HeaderLinkPaginator(), hooks=hooks
            )

        pages = stoppable(read_in_windows(open_listing, start, page_size=page_size), budget)
        for page in pages:
            rows = [shape(row) for row in page if listing.kept(row)]
            count += len(page)
            newest = max([newest, *(r["updated_at"] for r in rows if r.get("updated_at"))])
            rows = rows if loaded is None else loaded.fresh(rows)
            budget.progress(f"github:{name}", count, None, what + " read", repo)
            if rows:
                yield rows
        if loaded is not None:  # what was yielded is loaded with this state, stopped or not
            loaded.commit(None)
        if pages.completed:
            budget.finished(f"github:{name}")
            resume.clear()
            if not bounded:
                mark_loaded(state)
        else:
            budget.progress(f"github:{name}", count, None, what + " read", repo)
            refresh = bool(pending and pending.full_refresh)
            resume.save(plan, {"from": newest, "count": count}, full_refresh=refresh)

    return read
