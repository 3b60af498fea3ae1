"""Issue history: `Issue.stateHistory` into `raw_issue_state_spans` and `Issue.history` into
`raw_issue_history`, read for the issues changed since the cursor (like issues themselves).

One query reads a page of changed issues with the first spans and history entries of each;
an issue whose spans or entries go on is then paged to the end on its own (`issue(id:)`).
Page sizes follow Linear's complexity rule (a nested connection multiplies its children by its
`first`): `HISTORY_ISSUES` issues with `HISTORY_SPANS` spans and `HISTORY_ENTRIES` entries each
cost about 8,000 of the 10,000 points a query may have (`tests/e2e/test_linear_queries.py`
measures it).
"""

from __future__ import annotations

import json
from collections.abc import Generator, Iterator
from datetime import datetime, timedelta
from typing import Any

import dlt
from dlt.sources import DltResource

from pipelines.sources.arrow_rows import ArrowPages
from pipelines.sources.first_load import append_on_first_load
from pipelines.sources.http import SourceError
from pipelines.sources.linear.chained_pass import FirstLoadWindows
from pipelines.sources.linear.client import LinearClient
from pipelines.sources.linear.entities import BOOL, DOUBLE, TEXT, TIMESTAMP
from pipelines.sources.linear.history_pass import HistoryPass
from pipelines.sources.linear.queries import _iso
from pipelines.sources.run_budget import ResumePosition, pending_resumes

NAME = "issueHistory"  # the name `entities=` selects it by
PROGRESS_KEY = f"linear:{NAME}"
SPANS_TABLE, HISTORY_TABLE = "raw_issue_state_spans", "raw_issue_history"
HISTORY_ISSUES, HISTORY_SPANS, HISTORY_ENTRIES = 40, 15, 25
FOLLOW_UP_PAGE = 250  # one issue's remaining spans or entries per request

SPAN_FIELDS = {"id": TEXT, "stateId": TEXT, "startedAt": TIMESTAMP, "endedAt": TIMESTAMP}
ENTRY_FIELDS = {
    "id": TEXT,
    "createdAt": TIMESTAMP,
    "updatedAt": TIMESTAMP,
    "archivedAt": TIMESTAMP,
    "actorId": TEXT,
    **{
        f"{side}{what}Id": TEXT
        for what in ("State", "Assignee", "Cycle", "Project", "Team")
        for side in ("from", "to")
    },
    "fromEstimate": DOUBLE,
    "toEstimate": DOUBLE,
    "fromPriority": DOUBLE,
    "toPriority": DOUBLE,
    "archived": BOOL,
    "autoArchived": BOOL,
    "autoClosed": BOOL,
    "trashed": BOOL,
    "updatedDescription": BOOL,
}
LABEL_LISTS = ("addedLabelIds", "removedLabelIds")  # kept as JSON array text, not child tables
BOT_FIELDS = ("id", "type", "subType", "name")
PAGE_INFO = "pageInfo { hasNextPage endCursor }"
SPAN_SELECTION = " ".join(SPAN_FIELDS)
ENTRY_SELECTION = " ".join([*ENTRY_FIELDS, *LABEL_LISTS, f"botActor {{ {' '.join(BOT_FIELDS)} }}"])

HISTORY_QUERY = (
    "query IssueHistory_sync($first: Int!, $after: String, $filter: IssueFilter, "
    "$spans: Int!, $entries: Int!) "
    "{ issues(first: $first, after: $after, filter: $filter, includeArchived: true, "
    "orderBy: updatedAt) { nodes { id updatedAt archivedAt "
    f"stateHistory(first: $spans) {{ nodes {{ {SPAN_SELECTION} }} {PAGE_INFO} }} "
    f"history(first: $entries, includeArchived: true) {{ nodes {{ {ENTRY_SELECTION} }} "
    f"{PAGE_INFO} }} }} {PAGE_INFO} }} }}"
)
MORE_SPANS_QUERY = (
    "query IssueHistory_spans($id: String!, $first: Int!, $after: String) "
    "{ issue(id: $id) { stateHistory(first: $first, after: $after) "
    f"{{ nodes {{ {SPAN_SELECTION} }} {PAGE_INFO} }} }} }}"
)
MORE_ENTRIES_QUERY = (
    "query IssueHistory_entries($id: String!, $first: Int!, $after: String) "
    "{ issue(id: $id) { history(first: $first, after: $after, includeArchived: true) "
    f"{{ nodes {{ {ENTRY_SELECTION} }} {PAGE_INFO} }} }} }}"
)


def history_variables(changed_since: datetime | None) -> dict[str, Any]:
    """Variables of `HISTORY_QUERY`: page sizes and, when incremental, the change filter."""
    variables: dict[str, Any] = {
        "first": HISTORY_ISSUES,
        "after": None,
        "spans": HISTORY_SPANS,
        "entries": HISTORY_ENTRIES,
    }
    if changed_since is not None:
        bound = {"gte": _iso(changed_since)}
        variables["filter"] = {"or": [{"updatedAt": bound}, {"archivedAt": bound}]}
    return variables


def _columns(fields: dict[str, str], *extra: str) -> dict[str, dict[str, object]]:
    hints: dict[str, dict[str, object]] = {
        name: {"data_type": data_type, "nullable": name != "id"}
        for name, data_type in fields.items()
    }
    hints["issue__id"] = {"data_type": TEXT, "nullable": False}
    for name in extra:
        hints[name] = {"data_type": TEXT, "nullable": True}
    return hints


SPAN_COLUMNS = _columns(SPAN_FIELDS)
ENTRY_COLUMNS = _columns(ENTRY_FIELDS, *LABEL_LISTS) | {
    f"botActor__{name}": {"data_type": TEXT, "nullable": True} for name in BOT_FIELDS
}
#: Each table's declared columns (name -> dlt data type), the types of its Arrow pages.
DECLARED = {
    table: {name: str(hint["data_type"]) for name, hint in columns.items()}
    for table, columns in ((SPANS_TABLE, SPAN_COLUMNS), (HISTORY_TABLE, ENTRY_COLUMNS))
}
PAGE_ROWS = 5_000  # rows per Arrow page of each table (`ArrowPages`: why not fewer)


class IssueHistoryReader:
    """Reads spans and entries of changed issues, paging long ones to the end."""

    def __init__(self, client: LinearClient) -> None:
        self.client = client

    def connection(self, issue: dict[str, Any], field: str) -> list[dict[str, Any]]:
        """All nodes of one issue's `stateHistory` or `history` (the first page is in hand)."""
        first = issue.get(field)
        if not isinstance(first, dict) or not isinstance(first.get("nodes"), list):
            raise SourceError(
                f"linear: POST {self.client.api_url} (issues, for their history): issue "
                f"{issue.get('id')} came without `{field}`"
            )
        nodes = list(first["nodes"])
        info = first.get("pageInfo") or {}
        if info.get("hasNextPage"):
            query = MORE_SPANS_QUERY if field == "stateHistory" else MORE_ENTRIES_QUERY
            variables = {"id": issue["id"], "first": FOLLOW_UP_PAGE, "after": info["endCursor"]}
            for page in self.client.pages("issue", query, variables, f"issue.{field}"):
                nodes.extend(page)
        return nodes

    def rows(self, issue: dict[str, Any]) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
        """(span rows, history rows) of one issue, flattened for loading."""
        spans = [{**s, "issue__id": issue["id"]} for s in self.connection(issue, "stateHistory")]
        entries = []
        for entry in self.connection(issue, "history"):
            row = {key: value for key, value in entry.items() if key != "botActor"}
            for name in LABEL_LISTS:
                if row.get(name) is not None:
                    row[name] = json.dumps(row[name])
            bot = entry.get("botActor") or {}
            row.update({f"botActor__{name}": bot.get(name) for name in BOT_FIELDS})
            row["issue__id"] = issue["id"]
            entries.append(row)
        return spans, entries


def history_resource(
    client: LinearClient,
    *,
    since: datetime | None,
    backfill: bool,
    overlap: timedelta,
    windows: FirstLoadWindows | None = None,
    full_refresh: bool = False,
) -> DltResource:
    """Spans and history entries of every issue changed since the cursor, merged on `id`.

    Resumable like the entities (`resumable.py`): a run that must stop does so between pages
    of issues (a page with every issue's whole history is one unit) and keeps its position. A
    first load is read in the run's concurrent `createdAt` windows (`windows`; None: one
    chain; `history_pass.py`). `full_refresh`: this run is a `--full-refresh` (a stopped one is
    resumed, not restarted)."""
    history = HistoryPass(
        client,
        IssueHistoryReader(client),
        HISTORY_QUERY,
        history_variables,
        overlap=overlap,
        windows=windows,
        progress_key=PROGRESS_KEY,
    )

    def rows() -> Iterator[Any]:
        state = dlt.current.resource_state()
        resumed = ResumePosition(state).pending
        read_before = not resumed and not backfill and "cursor" in state
        if read_before and pending_resumes(dlt.current.source_state()):
            return  # read completely before: it waits for the backfill of the others
        completed = yield from _tables(
            history.run(state, since, backfill, full_refresh=full_refresh)
        )
        if resumed and completed:
            # Issues changed while the pass was spread over several runs: one normal pass
            # (still part of a --full-refresh: if it stops, the rerun resumes the refresh).
            yield from _tables(history.run(state, None, False, full_refresh=full_refresh))

    resource = dlt.resource(
        rows,
        name=NAME,
        table_name=SPANS_TABLE,
        primary_key="id",
        write_disposition="merge",
        columns=SPAN_COLUMNS,
    )()
    resource.apply_hints(
        table_name=HISTORY_TABLE,
        columns=ENTRY_COLUMNS,
        primary_key="id",
        write_disposition="merge",
        # A table variant does not inherit the run's `loader_file_format`: without this, dlt
        # writes it as insert_values, one SQL statement of every row, which DuckDB parses for
        # seconds holding gigabytes (bench: 1.7 GB peak at the small company).
        file_format="parquet",
        create_table_variant=True,
    )
    # Disjoint createdAt windows, each keyset-paged by `updatedAt` descending: a first pass
    # reads each issue's history once, so both tables' first load may append (`first_load.py`).
    return append_on_first_load(resource, variants=(HISTORY_TABLE,))


def _tables(issues: Generator[Any, None, bool]) -> Generator[Any, None, bool]:
    """Each issue's spans and entries as Arrow pages of `PAGE_ROWS` rows per table (dlt
    writes them as they are, skipping its row-wise normalizer), marked with their tables;
    returns what `issues` does. A page with a value its declared type cannot hold stays rows,
    for dlt to evolve (`arrow_or_rows`)."""
    pages = ArrowPages(
        {table: (DECLARED[table], ("id", "issue__id")) for table in (SPANS_TABLE, HISTORY_TABLE)},
        lambda table, page: dlt.mark.with_table_name(page, table),
        PAGE_ROWS,
    )
    while True:
        try:
            spans, entries = next(issues)
        except StopIteration as end:
            yield from pages.flush()
            return bool(end.value)
        yield from pages.add(SPANS_TABLE, spans)
        yield from pages.add(HISTORY_TABLE, entries)
