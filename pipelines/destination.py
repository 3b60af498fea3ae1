"""Where a run loads: the destination kinds the CLI offers and the dlt destination for each
(DuckDB at the local file that both pipelines and dbt share, or BigQuery)."""

from __future__ import annotations

from enum import StrEnum
from pathlib import Path
from typing import Any

import dlt

from pipelines import bigquery
from pipelines.paths import DEFAULT_DUCKDB_FILE


class Destination(StrEnum):
    duckdb = "duckdb"
    bigquery = "bigquery"


def duckdb_path() -> Path:
    """The local DuckDB file both pipelines and dbt share."""
    path = dlt.config.get("destination.duckdb.credentials") or str(DEFAULT_DUCKDB_FILE)
    return Path(path).expanduser().resolve()


def make_destination(kind: Destination) -> Any:
    """The dlt destination: DuckDB at the shared local file, or BigQuery (pipelines.bigquery)."""
    if kind is Destination.duckdb:
        return dlt.destinations.duckdb(credentials=str(duckdb_path()))
    return bigquery.destination(bigquery.resolve_target())
