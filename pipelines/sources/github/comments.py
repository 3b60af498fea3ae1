"""Review comments and conversation comments of one repository, read through the repo-level
endpoints with `since`, oldest change first (`sort=updated&direction=asc`), one page at a time
from page 1, each restarting at the newest `updated_at` read (`windowed.read_in_windows`: no deep
page numbers, no item skipped by an edit during the read).

Resumable: the run's budget is asked between pages; a stopped read returns normally after its
last complete page. Ordinarily dlt's incremental cursor (`updated_at`) then stands at the newest
comment loaded (every older one is loaded: the listing is oldest change first), so the next run
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

from pipelines.sources.github import shapes
from pipelines.sources.github.plan import (
    RunPlan,
    drop_removed_repos,
    mark_loaded,
    wait_for_backfill,
)
from pipelines.sources.github.repos import (
    ISSUE_COMMENT_COLUMNS,
    REVIEW_COMMENT_COLUMNS,
    _incremental,
    _number_from,
    _tag,
    raise_for_github,
)
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


def comment_resources(
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
    """`raw_pr_comments` and `raw_pr_issue_comments` rows of `repo` (`repos`: every configured
    repository, so positions left by removed ones are dropped; `overlap_seconds`: how far
    before the cursor a read starts, see `pipelines.sources.overlap`)."""
    slug = resource_slug(repo)
    configured = [resource_slug(r) for r in repos] or [slug]
    review = _tag(
        shapes.REVIEW_COMMENT,
        shapes.IGNORED["review_comment"],
        repo,
        pull_number=_number_from("pull_request_url"),
    )
    issue = _tag(
        shapes.ISSUE_COMMENT,
        shapes.IGNORED["issue_comment"],
        repo,
        pull_number=_number_from("issue_url"),
    )
    return [
        _comments(
            client,
            repo,
            name=f"pr_comments__{slug}",
            table="raw_pr_comments",
            columns=REVIEW_COMMENT_COLUMNS,
            path=f"repos/{repo}/pulls/comments",
            what="review comments",
            keep=lambda row: True,
            shape=review,
            since=since,
            backfill_until=backfill_until,
            configured=configured,
            page_size=page_size,
            pending=pending,
            overlap_seconds=overlap_seconds,
        ),
        _comments(
            client,
            repo,
            name=f"pr_issue_comments__{slug}",
            table="raw_pr_issue_comments",
            columns=ISSUE_COMMENT_COLUMNS,
            path=f"repos/{repo}/issues/comments",
            what="conversation comments",
            # The endpoint returns comments on issues too; keep the pull requests' ones.
            keep=lambda row: "/pull/" in (row.get("html_url") or ""),
            shape=issue,
            since=since,
            backfill_until=backfill_until,
            configured=configured,
            page_size=page_size,
            pending=pending,
            overlap_seconds=overlap_seconds,
        ),
    ]


def _comments(
    client: RESTClient,
    repo: str,
    *,
    name: str,
    table: str,
    columns: dict[str, dict[str, Any]],
    path: str,
    what: str,
    keep: Callable[[dict[str, Any]], bool],
    shape: Callable[[dict[str, Any]], dict[str, Any]],
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
    # A comment edited during the read is yielded twice in one load: the newest version wins.
    columns = {**columns, "updated_at": {**columns["updated_at"], "dedup_sort": "desc"}}

    @dlt.resource(
        name=name, table_name=table, primary_key="id", write_disposition="merge", columns=columns
    )
    def comments(
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
            rows = [shape(row) for row in page if keep(row)]
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

    return comments
