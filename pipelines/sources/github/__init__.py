"""The GitHub source: org members (REST, conditional), and per repository pull requests with
their reviews, review requests and timeline (GraphQL), review comments and conversation
comments (REST), incrementally and within the rate limits."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

import dlt
import pendulum
from dlt.sources import DltResource
from dlt.sources.helpers.rest_client import RESTClient

from pipelines.sources.github import repositories
from pipelines.sources.github.deployment_resources import deployment_resources
from pipelines.sources.github.deployments import parse_deployments_setting
from pipelines.sources.github.graphql_client import GraphQLClient
from pipelines.sources.github.graphql_pulls import pull_requests_resource
from pipelines.sources.github.listings import listing_resources
from pipelines.sources.github.members import org_members_resource
from pipelines.sources.github.plan import RunPlan
from pipelines.sources.github.rate_limits import SECONDARY_LIMIT_WAIT, GitHubRateLimits
from pipelines.sources.github.reconcile import reconcile_resources
from pipelines.sources.http import ApiClient, SourceError
from pipelines.sources.overlap import OVERLAP_SECONDS

DEFAULT_BASE_URL = "https://api.github.com"
API_VERSION = "2022-11-28"


@dlt.source(name="github")
def github_source(
    org: str = dlt.config.value,
    repos: Sequence[str] = dlt.config.value,
    access_token: str = dlt.secrets.value,
    base_url: str = DEFAULT_BASE_URL,
    since: datetime | None = None,
    backfill: bool = False,
    max_concurrency: int = 4,
    max_rate_limit_wait: float = 900.0,
    secondary_limit_wait: float = SECONDARY_LIMIT_WAIT,
    deployments: str | None = None,
    reconcile: bool = False,
    page_size: int = 100,
    full_refresh: bool = False,
    overlap_seconds: int = OVERLAP_SECONDS,
) -> list[DltResource]:
    """GitHub activity into `raw_users`, `raw_pull_requests`, `raw_pr_reviews`,
    `raw_pr_timeline_events`, `raw_pr_review_requests`, `raw_pr_commits`, `raw_pr_comments`
    and `raw_pr_issue_comments`.

    Args:
        org: Organisation whose members are synced.
        repos: Repositories as `owner/name`, or `owner/*` for every non-archived repository
            of that organisation (discovered each run).
        access_token: Token with `repo` and `read:org`.
        base_url: REST API root (GitHub Enterprise Server: `https://HOST/api/v3`).
        since: Start of the first load (or of a backfill) of pull requests and comments.
        backfill: Read from `since` to now without touching existing cursors (a first load
            with `since` keeps its cursors like any first load).
        max_concurrency: Parallel requests for member profiles and repositories.
        max_rate_limit_wait: Longest wait (s) for a rate-limit reset before failing the run.
        secondary_limit_wait: First wait (s) for a secondary limit without `retry-after`
            (doubled on each consecutive one).
        deployments: Where deployments come from (`deployments`, `workflow:<file>`,
            `releases`; None: none), into `raw_deployments` (+ `raw_deployment_statuses`) and
            the default branch's `raw_commits`.
        reconcile: Also list every review and conversation comment id and mark the deleted
            ones (`pipelines.sources.github.reconcile`).
        page_size: Items per page of the REST listings (members, comments, deployments;
            GitHub allows 100).
        full_refresh: This run is a `--full-refresh` (a stopped one is resumed, not restarted).
        overlap_seconds: How far before its cursor each incremental read (pull requests,
            comments, deployments, commits) starts (rows re-read unchanged are not loaded
            again).
    """
    if not 1 <= page_size <= 100:
        raise SourceError(
            f"sources.github.page_size is {page_size!r}: use a whole number from 1 to 100 "
            "(GitHub's maximum per page)."
        )
    deployments_setting = parse_deployments_setting(deployments)
    base_url = base_url.rstrip("/")
    http = ApiClient(
        GitHubRateLimits(secondary_limit_wait),
        max_rate_limit_wait=max_rate_limit_wait,
        max_connections=max(max_concurrency, 10),
        headers={
            "Authorization": f"Bearer {access_token}",
            "Accept": "application/vnd.github+json",
            "X-GitHub-Api-Version": API_VERSION,
        },
    )
    session = http.session
    client = RESTClient(base_url=base_url, session=session)
    start = since or pendulum.now("UTC").subtract(years=2)
    backfill_until = pendulum.now("UTC") if backfill else None
    graphql = GraphQLClient(
        base_url,
        access_token,
        max_rate_limit_wait=max_rate_limit_wait,
        secondary_limit_wait=secondary_limit_wait,
        max_connections=max(max_concurrency, 10),
    )
    names, discovered = repositories.expand(graphql, repos)
    # Resources loaded already wait while a backfill is in progress (see `plan.py`).
    pending = RunPlan(full_refresh)
    resources = [org_members_resource(session, base_url, org, max_concurrency, page_size, pending)]
    if discovered:
        resources.append(repositories.inventory_resource(discovered, graphql.stats))
    for repo in names:
        resources.append(
            pull_requests_resource(
                graphql,
                repo,
                since=start,
                backfill_until=backfill_until,
                pending=pending,
                overlap_seconds=overlap_seconds,
            )
        )
        resources += listing_resources(
            client,
            repo,
            since=start,
            backfill_until=backfill_until,
            repos=names,
            page_size=page_size,
            pending=pending,
            overlap_seconds=overlap_seconds,
        )
        if reconcile:
            resources += reconcile_resources(client, repo)
        if deployments_setting is not None:
            since_iso = pendulum.instance(start).in_tz("UTC").format("YYYY-MM-DDTHH:mm:ss[Z]")
            resources += deployment_resources(
                session,
                base_url,
                repo,
                deployments_setting,
                since_iso,
                page_size,
                pending,
                overlap_seconds,
            )
    return resources
