"""`--reconcile` for GitHub: deleted review comments and conversation comments.

A deleted comment simply disappears: no listing with `since` shows it, so the incremental read
keeps it for good. A reconcile resource per repository and comment kind lists every comment
(the REST repository listings, 100 a page, no `since`), compares the ids with the warehouse's
rows of that repository (`pipelines.sources.reconcile_plan`) and merges the rows it no longer
returns back with `is_deleted = true` and `deleted_at` = the run's time (a comment marked
deleted that the listing shows again comes back). Pull requests cannot be deleted on GitHub
(only closed), and reviews only dismissed (their state changes and `submitted_at` stays; a
PR's `updated_at` moves), so neither needs reconciling.

Why REST and not GraphQL: the REST listings cost one request per 100 comments, from the REST
budget the comment reads use anyway. GraphQL has no repository-wide comment connection: ids
come through `pullRequests(first: 100) { comments(first: 100) { databaseId } reviewThreads {
comments { databaseId } } }`, which costs GraphQL points per 100 pull requests whether they
have comments or not (about 52 points a page with 50 threads of 20 comments), needs nested
pagination for long threads, and spends the GraphQL budget the pull request reads need.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator
from datetime import UTC, datetime
from typing import Any

import dlt
from dlt.sources import DltResource
from dlt.sources.helpers.rest_client.client import RESTClient
from dlt.sources.helpers.rest_client.paginators import HeaderLinkPaginator

from pipelines.sources.github import entities
from pipelines.sources.github.listings import resource_slug
from pipelines.sources.github.repos import raise_for_github
from pipelines.sources.reconcile_plan import plan, state_of
from pipelines.sources.warehouse_rows import DELETED_COLUMNS, WarehouseTable, marked_deleted

log = logging.getLogger("pipelines.github")

PER_PAGE = 100  # GitHub's largest page


def reconcile_resources(client: RESTClient, repo: str) -> list[DltResource]:
    """The reconcile resources of one repository (run only with `--reconcile`): one per
    declared listing whose deleted rows vanish from it."""
    return [_reconcile(client, repo, listing) for listing in entities.LISTINGS if listing.reconcile]


def _reconcile(client: RESTClient, repo: str, listing: entities.RepoListing) -> DltResource:
    name = f"reconcile_{listing.name}__{resource_slug(repo)}"
    table, what, path, shape = (
        listing.table,
        listing.what,
        listing.endpoint(repo),
        listing.tagger(repo),
    )
    columns = listing.column_hints

    @dlt.resource(
        name=name,
        table_name=table,
        primary_key="id",
        write_disposition="merge",
        columns={**columns, **DELETED_COLUMNS},
    )
    def reconciled() -> Iterator[list[dict[str, Any]]]:
        run_at = datetime.now(UTC)
        warehouse = WarehouseTable(table)
        stored = warehouse.rows(where=("repo", repo))
        if not stored:
            log.info("github %s %s: nothing loaded yet, nothing to reconcile", repo, what)
            return
        listed: dict[int, dict[str, Any]] = {}
        for page in client.paginate(
            path,
            params={"per_page": PER_PAGE},
            paginator=HeaderLinkPaginator(),
            hooks={"response": [raise_for_github(repo, what)]},
        ):
            listed.update((row["id"], row) for row in page if listing.kept(row))
        unchanged = state_of(None)
        decided = plan(
            {row["id"]: unchanged for row in stored},
            dict.fromkeys(listed, unchanged),
            {row["id"] for row in stored if row.get("is_deleted")},
        )
        log.info(
            "github %s %s reconciled: %d listed, %d gone, %d back",
            repo,
            what,
            len(listed),
            len(decided.gone),
            len(decided.reload),
        )
        if decided.reload:
            yield [
                shape(listed[i]) | {"is_deleted": False, "deleted_at": None} for i in decided.reload
            ]
        if decided.gone:
            by_id = {row["id"]: row for row in stored}
            lists = warehouse.child_lists(by_id[i]["_dlt_id"] for i in decided.gone)
            yield [
                marked_deleted(by_id[i], lists.get(by_id[i]["_dlt_id"], {}), run_at)
                for i in decided.gone
            ]

    return reconciled
