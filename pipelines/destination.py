"""Where a run loads: the destination kinds the CLI offers and the dlt destination for each
(DuckDB at the local file that both pipelines and dbt share, or BigQuery).

DuckDB runs inside the pipeline's process: without a limit its buffer manager keeps what a load
touched (up to 80% of the machine's RAM), so a run's peak memory grows with the rows it loads.
`destination.duckdb.memory_limit` caps it (DuckDB spills to `temp_directory` beyond it).
"""

from __future__ import annotations

import re
from enum import StrEnum
from pathlib import Path
from typing import Any

import dlt
from dlt.destinations.impl.duckdb.configuration import DuckDbCredentials

from pipelines import bigquery
from pipelines.errors import RunFailed
from pipelines.paths import DEFAULT_DUCKDB_FILE
from pipelines.settings import setting

#: DuckDB's working-set cap when `destination.duckdb.memory_limit` is not set.
DEFAULT_MEMORY_LIMIT = "1GB"
MEMORY_LIMIT_KEY = "destination.duckdb.memory_limit"
TEMP_DIRECTORY_KEY = "destination.duckdb.temp_directory"
_MEMORY = re.compile(r"^\s*(\d+(\.\d+)?)\s*(B|KB|MB|GB|TB|KIB|MIB|GIB|TIB|%)\s*$", re.IGNORECASE)


class Destination(StrEnum):
    duckdb = "duckdb"
    bigquery = "bigquery"


def duckdb_path() -> Path:
    """The local DuckDB file both pipelines and dbt share."""
    path = dlt.config.get("destination.duckdb.credentials") or str(DEFAULT_DUCKDB_FILE)
    return Path(path).expanduser().resolve()


def duckdb_memory_limit() -> str:
    """`destination.duckdb.memory_limit` (default 1GB), checked: a positive size with a unit
    DuckDB knows (`512MB`, `2GiB`, ...) or a share of the machine's RAM (`25%`)."""
    value = str(setting(MEMORY_LIMIT_KEY, DEFAULT_MEMORY_LIMIT))
    match = _MEMORY.match(value)
    amount = float(match.group(1)) if match else 0.0
    if not match or amount <= 0 or (match.group(3) == "%" and amount > 100):
        env = MEMORY_LIMIT_KEY.upper().replace(".", "__")
        raise RunFailed(
            f"{MEMORY_LIMIT_KEY} ({env}) is {value!r}: use a positive size with a unit, such as "
            f"'{DEFAULT_MEMORY_LIMIT}', '512MB' or '2GiB' (or a share of RAM such as '25%')."
        )
    return value.strip()


def duckdb_temp_directory() -> Path:
    """Where DuckDB spills beyond its memory limit (default: `<duckdb file>.tmp`)."""
    configured = setting(TEMP_DIRECTORY_KEY)
    if configured:
        return Path(str(configured)).expanduser().resolve()
    path = duckdb_path()
    return path.with_name(path.name + ".tmp")


def duckdb_settings() -> dict[str, str]:
    """The global DuckDB settings of every connection a run opens (dlt's and dbt's)."""
    return {
        "memory_limit": duckdb_memory_limit(),
        "temp_directory": str(duckdb_temp_directory()),
    }


def make_destination(kind: Destination) -> Any:
    """The dlt destination: DuckDB at the shared local file (its memory capped), or BigQuery
    (pipelines.bigquery)."""
    if kind is Destination.duckdb:
        credentials = DuckDbCredentials(str(duckdb_path()), global_config=duckdb_settings())
        return dlt.destinations.duckdb(credentials=credentials)
    return bigquery.destination(bigquery.resolve_target())
