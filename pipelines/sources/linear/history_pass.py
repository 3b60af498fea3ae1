"""One pass over the history of the issues changed since the cursor, resumable like the
entities' (`resumable.py`): stopped between pages, it keeps each chain's position and the next
run continues after them.

A first load (no cursor yet) is split into disjoint `createdAt` windows (`created_windows.py`),
one chain each, read concurrently (`concurrent_chains.py`): the history is a third of a first
load's requests and, read as one chain, the longest wait of it. An incremental pass is one chain.
The windows, their probe (shared with the windowed entities) and the chains' resume positions
are `chained_pass.py`'s.
"""

from __future__ import annotations

from collections.abc import Generator
from datetime import datetime, timedelta
from typing import Any

from pipelines.sources.http import SourceError
from pipelines.sources.linear.chained_pass import ChainedPass, FirstLoadWindows
from pipelines.sources.linear.client import LinearClient
from pipelines.sources.linear.queries import _iso
from pipelines.sources.linear.sync_window import SyncWindow

Rows = tuple[list[dict[str, Any]], list[dict[str, Any]]]  # (span rows, history rows)


class HistoryPass:
    """Reads the issues' history for one run; `run()` yields `(spans, entries)` per issue."""

    def __init__(
        self,
        client: LinearClient,
        reader: Any,  # history.IssueHistoryReader
        query: str,
        make_variables: Any,  # history.history_variables
        *,
        overlap: timedelta,
        windows: FirstLoadWindows | None,
        progress_key: str,
    ) -> None:
        self.client, self.reader, self.query = client, reader, query
        self.make_variables = make_variables
        self.overlap, self.windows = overlap, windows
        self.name = progress_key.removeprefix("linear:")
        self.where = f"linear: POST {client.api_url} (issues, for their history)"

    def run(
        self,
        state: dict[str, Any],
        since: datetime | None,
        backfill: bool,
        *,
        full_refresh: bool = False,
    ) -> Generator[Rows, None, bool]:
        """Every changed issue's rows; returns whether the pass completed. `full_refresh`: a
        `--full-refresh` run (a position it saves says so: the rerun resumes the refresh)."""
        window = SyncWindow(
            state,
            cursor_fields=("updatedAt", "archivedAt"),
            incremental=True,
            since=since,
            backfill=backfill,
            overlap=self.overlap,
        )
        bound = window.lower_bound()
        chained = ChainedPass(
            self.client,
            state,
            window,
            start=_iso(bound) if bound else None,
            backfill=backfill,
            windows=self.windows,
            name=self.name,
            unit="issue histories read",
        )

        def read(page: list[dict[str, Any]]) -> list[Rows]:
            for issue in page:
                _check(issue, self.where)
            # Content fingerprints skip issues re-read in the overlap with nothing new.
            return [self.reader.rows(issue) for issue in page if window.is_new(issue)]

        for page, rows in chained.read(self.query, self.make_variables, read, "issues"):
            list(window.select(page))  # records each issue's change time and fingerprint
            yield from rows
        return chained.finish(full_refresh=full_refresh)


def _check(issue: dict[str, Any], where: str) -> None:
    key, updated = issue.get("id"), issue.get("updatedAt")
    if not isinstance(key, str) or not key:
        raise SourceError(f"{where}: a record has no usable `id` ({key!r})")
    if not isinstance(updated, str) or not updated[:4].isdigit():
        raise SourceError(f"{where}: record {key} has no usable `updatedAt`")
