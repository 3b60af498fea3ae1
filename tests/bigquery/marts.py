"""The marts as plain, comparable data: read from BigQuery (the emulator, through the BigQuery
client) and from DuckDB, normalized, and compared cell by cell.

Normalization makes equal what means the same on both warehouses: timestamps become epoch
milliseconds (BigQuery returns aware UTC datetimes, our DuckDB marts naive UTC ones), dates ISO
text, decimals floats. Numbers compare with a small tolerance; everything else exactly, type
included (an integer on one side and a float on the other is a difference)."""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Any

import duckdb

from tests.bigquery.warehouse import Warehouse
from tests.support.truth import epoch_ms

# mart -> (dataset, key column): every mart the project builds, and its grain.
MARTS = {
    "fct_issues": ("linear", "issue_id"),
    "dim_users": ("linear", "user_key"),
    "bridge_issue_pull_requests": ("linear", "issue_pull_request_key"),
    "fct_pull_requests": ("github", "pull_request_id"),
    "fct_deployments": ("github", "deployment_id"),
    "bridge_deployment_pull_requests": ("github", "deployment_id,pull_request_id"),
    "metrics_weekly_repository": ("github", "repo_full_name,week_start"),
    "fct_cycles": ("linear", "cycle_id"),
    "metrics_weekly_team": ("linear", "team_id,week_start"),
}
REL_TOL = 1e-9
ABS_TOL = 1e-6  # hours: ~4 ms


@dataclass(frozen=True)
class Timestamp:
    """A timestamp at millisecond precision, UTC."""

    ms: int


@dataclass
class Mart:
    """One mart's rows, keyed by its grain."""

    columns: list[str]
    rows: dict[Any, dict[str, Any]]
    duplicate_keys: int = 0


def normalize(value: Any) -> Any:
    if isinstance(value, datetime):
        aware = value if value.tzinfo is not None else value.replace(tzinfo=UTC)
        return Timestamp(epoch_ms(aware.astimezone(UTC)) or 0)
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return float(value)
    return value


def same(a: Any, b: Any) -> bool:
    if isinstance(a, float) and isinstance(b, float):
        return math.isclose(a, b, rel_tol=REL_TOL, abs_tol=ABS_TOL)
    return type(a) is type(b) and a == b


def _mart(columns: list[str], records: list[tuple[Any, ...]], key: str) -> Mart:
    rows = [dict(zip(columns, map(normalize, record), strict=True)) for record in records]
    # A key of several columns is named "a,b" and becomes a tuple.
    keyed = {tuple(row[k] for k in key.split(",")) if "," in key else row[key]: row for row in rows}
    return Mart(columns, keyed, duplicate_keys=len(rows) - len(keyed))


def read_bigquery(wh: Warehouse, dataset: str, table: str, key: str) -> Mart:
    result = wh.client.query(f"select * from `{wh.project}.{dataset}.{table}`").result()
    columns = [f.name for f in result.schema]
    return _mart(columns, [tuple(row.values()) for row in result], key)


def read_duckdb(path: str, dataset: str, table: str, key: str) -> Mart:
    with duckdb.connect(path, read_only=True) as con:
        cursor = con.execute(f'select * from "{dataset}"."{table}"')
        columns = [d[0] for d in cursor.description]
        return _mart(columns, cursor.fetchall(), key)


def differences(bq: Mart, ddb: Mart) -> list[str]:
    """What differs between the two builds of one mart (empty when they agree)."""
    found = []
    if bq.columns != ddb.columns:
        found.append(f"columns: bigquery {bq.columns} vs duckdb {ddb.columns}")
    if bq.duplicate_keys or ddb.duplicate_keys:
        found.append(f"duplicate keys: bigquery {bq.duplicate_keys}, duckdb {ddb.duplicate_keys}")
    only_bq, only_ddb = set(bq.rows) - set(ddb.rows), set(ddb.rows) - set(bq.rows)
    if only_bq or only_ddb:
        found.append(
            f"rows only in bigquery: {sorted(only_bq)[:5]} ({len(only_bq)}), "
            f"only in duckdb: {sorted(only_ddb)[:5]} ({len(only_ddb)})"
        )
    shared = [c for c in bq.columns if c in ddb.columns]
    for key in sorted(set(bq.rows) & set(ddb.rows)):
        for column in shared:
            a, b = bq.rows[key].get(column), ddb.rows[key].get(column)
            if not same(a, b):
                found.append(f"{key} {column}: bigquery {a!r} vs duckdb {b!r}")
    return found
