"""Pull requests of one repository through GraphQL: pages newest change first, stopping at the
first pull request older than the cursor; each page's overflowing nested lists are read to the
end (by `node(id:)`, never re-reading the list) before the page's rows are yielded, so a page is
one complete unit: its pull requests together with all their reviews, review requests, labels,
assignees, commits and timeline events."""

from __future__ import annotations

import logging
from collections.abc import Iterator
from datetime import datetime
from typing import Any, Protocol

import dlt
import pendulum
from dlt.sources import DltResource

from pipelines.sources.arrow_rows import ArrowPages, flatten
from pipelines.sources.github import graphql_queries as q
from pipelines.sources.github import graphql_rows as rows
from pipelines.sources.github.columns import (
    PR_COMMIT_COLUMNS,
    PULL_REQUEST_COLUMNS,
    REVIEW_COLUMNS,
    REVIEW_REQUEST_COLUMNS,
    TIMELINE_EVENT_COLUMNS,
)
from pipelines.sources.github.graphql_client import QueryTooHeavy, describe_error
from pipelines.sources.github.plan import RunPlan, wait_for_backfill
from pipelines.sources.github.resumable_pulls import read_resumable
from pipelines.sources.http import SourceError
from pipelines.sources.overlap import OVERLAP_SECONDS

log = logging.getLogger("pipelines.github")

Data = dict[str, Any]


class Client(Protocol):
    def query(
        self, query: str, variables: dict[str, Any], *, what: str
    ) -> tuple[Data, list[Data]]: ...

    @property
    def stats(self) -> Any: ...


#: table -> (primary key, column hints) of the tables a page of pull requests fills.
CHILD_TABLES: dict[str, tuple[str, dict[str, Any]]] = {
    "raw_pr_reviews": ("id", REVIEW_COLUMNS),
    "raw_pr_timeline_events": ("id", TIMELINE_EVENT_COLUMNS),
    "raw_pr_review_requests": ("id", REVIEW_REQUEST_COLUMNS),
    "raw_pr_commits": ("id", PR_COMMIT_COLUMNS),
}


def _hints(table: str) -> Any:
    key, columns = CHILD_TABLES[table]
    return dlt.mark.make_hints(
        table_name=table,
        primary_key=key,
        write_disposition="merge",
        columns=columns,
        file_format="parquet",  # a table variant does not inherit the run's loader_file_format
    )


def _parse(ts: Any) -> datetime | None:
    return pendulum.parse(ts) if isinstance(ts, str) else ts  # type: ignore[return-value]


class PullRequestReader:
    """Reads one repository's pull requests page by page (see the module docstring)."""

    def __init__(self, client: Client, repo: str) -> None:
        self.client = client
        self.repo = repo
        self.owner, self.name = repo.split("/", 1)
        self.max_page_size = q.PAGE_SIZE  # lowered for the rest of the run by a heavy page
        #: `updatedAt` of pull requests a partial error left incomplete (None: unknown which):
        #: the cursor stops short of them, so the next run reads them again.
        self.incomplete: list[str | None] = []

    def pages(
        self, start: datetime | None, end: datetime | None = None, after: str | None = None
    ) -> Iterator[tuple[list[Data], str | None, bool]]:
        """(complete pull request nodes in [start, end), the page's end cursor, whether more
        pages follow), stopping at the first page that reaches past `start`."""
        size = q.FIRST_PAGE_SIZE if after is None else q.PAGE_SIZE
        while True:
            data, info = self._page(size, after)
            kept: list[Data] = []
            reached_start = False
            for pull in data:
                updated = _parse(pull.get("updatedAt"))
                if start is not None and updated is not None and updated < start:
                    reached_start = True
                    break
                if end is not None and updated is not None and updated >= end:
                    continue
                kept.append(pull)
            self.complete_nested(kept)
            more = bool(info.get("hasNextPage")) and not reached_start
            after = info.get("endCursor")
            yield kept, after, more
            if not more:
                return
            size = q.PAGE_SIZE

    def _page(self, size: int, after: str | None) -> tuple[list[Data], Data]:
        """One page of pull requests, shrinking it while GitHub finds it too heavy."""
        size = min(size, self.max_page_size)
        variables = {"owner": self.owner, "name": self.name, "first": size, "after": after}
        what = f"pull requests of {self.repo}"
        while True:
            try:
                data, errors = self.client.query(q.PULL_REQUEST_PAGE, variables, what=what)
                break
            except QueryTooHeavy as exc:
                if variables["first"] <= 1:
                    raise SourceError(f"{exc}; even a page of one pull request fails") from None
                variables["first"] = self.max_page_size = max(variables["first"] // 2, 1)
                self.client.stats.add("graphql_smaller_pages")
                log.warning("%s; retrying with pages of %d", exc, variables["first"])
        repository = data.get("repository")
        if repository is None:
            missing = [e for e in errors if e.get("type") == "NOT_FOUND"]
            detail = "; ".join(str(e.get("message")) for e in (missing or errors))
            raise SourceError(
                f"github: repository '{self.repo}' not found ({detail or 'no data'}): it does not "
                "exist or the token cannot see it: check sources.github.repos and the token's "
                "`repo` scope."
            )
        connection = repository.get("pullRequests")
        if connection is None:
            detail = "; ".join(describe_error(e, data) for e in errors) or "no data"
            raise SourceError(f"github: {what}: the page is missing: {detail}")
        nodes = connection.get("nodes") or []
        self._report(errors, data, lambda path: _page_pull(nodes, path))
        for pull in nodes:
            if pull and not isinstance(pull.get("databaseId"), int):
                raise SourceError(
                    f"github: {what}: a pull request has no usable `databaseId` "
                    f"({pull.get('databaseId')!r}); its fields: {sorted(pull)[:12]}"
                )
        return [n for n in nodes if n], connection.get("pageInfo") or {}

    def _report(self, errors: list[Data], data: Data, owner: Any) -> None:
        """Partial errors: name each (repository, pull request, path), remember which pull
        request it left incomplete (`owner(path)` finds it) and go on."""
        for error in errors:
            log.warning("github: %s: partial result: %s", self.repo, describe_error(error, data))
            self.client.stats.add("partial_errors")
            pull = owner(error.get("path") or [])
            self.incomplete.append(pull.get("updatedAt") if pull else None)

    def complete_nested(self, pulls: list[Data]) -> None:
        """Read every overflowing nested list of `pulls` to its end, in place."""
        for field in q.PAGED_NESTED:
            pending = [p for p in pulls if _has_next(p.get(field))]
            while pending:
                batch, pending = pending[: q.NESTED_BATCH], pending[q.NESTED_BATCH :]
                variables: dict[str, Any] = {}
                for i, pull in enumerate(batch):
                    variables[f"id{i}"] = pull["id"]
                    variables[f"after{i}"] = pull[field]["pageInfo"]["endCursor"]
                what = f"{field} of {len(batch)} pull requests of {self.repo}"
                data, errors = self.client.query(
                    q.nested_pages_query(field, len(batch)), variables, what=what
                )
                self._report(errors, data, lambda path, b=batch: _batch_pull(b, path))
                for i, pull in enumerate(batch):
                    page = (data.get(f"p{i}") or {}).get(field)
                    if page is None:
                        pull[field]["pageInfo"]["hasNextPage"] = False
                        continue
                    pull[field]["nodes"].extend(page.get("nodes") or [])
                    pull[field]["pageInfo"] = page.get("pageInfo") or {}
                    if _has_next(pull[field]):
                        pending.append(pull)


def _page_pull(nodes: list[Any], path: list[Any]) -> Data | None:
    """The pull request of a page an error path points into (or the one listed before a
    missing one: no older than it); None when unknown."""
    if len(path) < 4 or path[:3] != ["repository", "pullRequests", "nodes"]:
        return None
    index = path[3]
    if not isinstance(index, int):
        return None
    for i in range(min(index, len(nodes) - 1), -1, -1):
        if nodes[i]:
            return nodes[i]  # type: ignore[no-any-return]
    return None


def _batch_pull(batch: list[Data], path: list[Any]) -> Data | None:
    """The pull request of a nested-pages query an error path points into (`p<i>`)."""
    alias = str(path[0]) if path else ""
    if alias.startswith("p") and alias[1:].isdigit() and int(alias[1:]) < len(batch):
        return batch[int(alias[1:])]
    return None


def _has_next(connection: Data | None) -> bool:
    return bool(connection and (connection.get("pageInfo") or {}).get("hasNextPage"))


CHILD_ROWS = (
    ("raw_pr_reviews", rows.review_rows),
    ("raw_pr_timeline_events", rows.timeline_rows),
    ("raw_pr_review_requests", rows.review_request_rows),
    ("raw_pr_commits", rows.commit_rows),
)


def child_pages() -> ArrowPages:
    """The child tables' rows gathered across pages into Arrow table variants."""
    tables = {
        table: ({n: hint["data_type"] for n, hint in columns.items()}, (key,))
        for table, (key, columns) in CHILD_TABLES.items()
    }
    return ArrowPages(
        tables,
        lambda table, page: dlt.mark.with_hints(page, _hints(table), create_table_variant=True),
    )


def page_items(pulls: list[Data], repo: str, children: ArrowPages) -> Iterator[Any]:
    """The pull request rows of one complete page, and the child tables' pages that filled
    (`children.flush()` yields the rest when the read ends)."""
    yield [rows.pull_request_row(p, repo) for p in pulls]
    for table, make in CHILD_ROWS:
        # Nested objects flattened as dlt would: an Arrow table dlt writes as is.
        yield from children.add(table, (flatten(row) for p in pulls for row in make(p, repo)))


def pull_requests_resource(
    client: Client,
    repo: str,
    *,
    since: datetime,
    backfill_until: datetime | None,
    pending: RunPlan | None = None,
    overlap_seconds: int = OVERLAP_SECONDS,
) -> DltResource:
    """The GraphQL pull requests resource of one repository (named as the REST one was, so
    its cursor in dlt state carries over); resumable between pages (`resumable_pulls.py`),
    re-reading `overlap_seconds` before its cursor."""
    reader = PullRequestReader(client, repo)
    name = f"pull_requests__{rows.repo_slug(repo)}"

    @dlt.resource(
        name=name,
        table_name="raw_pull_requests",
        primary_key="id",
        write_disposition="merge",
        columns=PULL_REQUEST_COLUMNS,
        parallelized=True,
    )
    def pull_requests() -> Iterator[Any]:
        state = dlt.current.resource_state()
        if wait_for_backfill(pending, state, name, backfill=backfill_until is not None):
            return
        refresh = bool(pending and pending.full_refresh)
        children = child_pages()
        for pulls in read_resumable(
            reader,
            state,
            since=since,
            backfill_until=backfill_until,
            full_refresh=refresh,
            overlap_seconds=overlap_seconds,
        ):
            yield from page_items(pulls, repo, children)
        yield from children.flush()  # a stopped read too: what it read is kept

    return pull_requests
