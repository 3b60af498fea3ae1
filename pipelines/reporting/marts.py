"""Read the marts from the warehouse: the local DuckDB file or BigQuery.

`rows(sql)` returns the result as dicts, or None when a relation or column the SQL needs does
not exist (yet): the report shows "no data yet" for it instead of failing."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from pathlib import Path
from typing import Any, Protocol

import duckdb

from pipelines.errors import RunFailed
from pipelines.reporting.dialect import Dialect

Row = dict[str, Any]

#: How long transient BigQuery errors (or an unreachable endpoint) are retried, and how long
#: one report query may take: the report fails with a clear error rather than hanging.
RETRY_SECONDS, QUERY_SECONDS = 30.0, 300.0
#: BigQuery's words for "this table or column does not exist" (a 404, or a 400 naming it).
BIGQUERY_MISSING = ("Not found", "not found", "Unrecognized name", "does not exist", "No such")


class Marts(Protocol):
    """A warehouse the report reads."""

    dialect: Dialect

    def rows(self, sql: str) -> list[Row] | None: ...

    def close(self) -> None: ...


def plain(value: Any) -> Any:
    """A JSON-friendly value: numbers as float, dates as ISO text."""
    if isinstance(value, Decimal):
        return float(value)
    if isinstance(value, dt.datetime):
        value = value.astimezone(dt.UTC) if value.tzinfo else value
        return value.strftime("%Y-%m-%dT%H:%M:%SZ")
    if isinstance(value, dt.date):
        return value.isoformat()
    return value


class DuckDbMarts:
    """The marts in the local DuckDB file, opened read-only (UTC session)."""

    def __init__(self, path: Path) -> None:
        self.dialect = Dialect("duckdb")
        self.connection = duckdb.connect(str(path), read_only=True)
        self.connection.execute("set TimeZone = 'UTC'")

    def rows(self, sql: str) -> list[Row] | None:
        try:
            cursor = self.connection.execute(sql)
        except (duckdb.CatalogException, duckdb.BinderException):  # missing relation or column
            return None
        names = [column[0] for column in cursor.description or []]
        return [dict(zip(names, map(plain, row), strict=True)) for row in cursor.fetchall()]

    def close(self) -> None:
        self.connection.close()


class BigQueryMarts:
    """The marts in BigQuery, read with a google-cloud-bigquery client."""

    def __init__(self, client: Any, project: str) -> None:
        self.dialect = Dialect("bigquery", project)
        self.client = client

    def rows(self, sql: str) -> list[Row] | None:
        from google.api_core import exceptions
        from google.auth.exceptions import GoogleAuthError
        from google.cloud.bigquery.retry import DEFAULT_RETRY

        try:
            retry = DEFAULT_RETRY.with_deadline(RETRY_SECONDS)
            # No job_retry: with one, the client wraps the job insert in its own module-level
            # retry (minutes long, blind to ours), so an unreachable endpoint never fails.
            job = self.client.query(sql, retry=retry, job_retry=None)
            result = job.result(retry=retry, timeout=QUERY_SECONDS)
        except (exceptions.NotFound, exceptions.BadRequest) as exc:
            if any(word in str(exc) for word in BIGQUERY_MISSING):
                return None
            raise RunFailed(f"BigQuery rejected a report query: {exc}") from None
        except GoogleAuthError as exc:
            raise RunFailed(
                f"BigQuery refused the credentials (GCP_SA_KEY / GCP_PROJECT_ID): {exc}"
            ) from None
        except exceptions.RetryError as exc:
            raise RunFailed(
                f"BigQuery could not be reached within {RETRY_SECONDS:.0f} s "
                f"(BIGQUERY_EMULATOR_HOST, the network, or the key's token_uri): {exc.cause or exc}"
            ) from None
        except (exceptions.GoogleAPIError, ConnectionError, TimeoutError) as exc:
            raise RunFailed(f"BigQuery failed: {exc}") from None
        return [{key: plain(value) for key, value in row.items()} for row in result]

    def close(self) -> None:
        self.client.close()


def bigquery_marts() -> BigQueryMarts:
    """BigQuery with the pipelines' own credentials (`GCP_PROJECT_ID` + `GCP_SA_KEY`, or dlt's
    `DESTINATION__BIGQUERY__CREDENTIALS__*`); `BIGQUERY_EMULATOR_HOST` is honoured."""
    from google.cloud import bigquery
    from google.oauth2 import service_account

    from pipelines.bigquery import resolve_target

    target = resolve_target()
    info = target.service_account or _dlt_service_account()
    credentials = service_account.Credentials.from_service_account_info(
        info, scopes=["https://www.googleapis.com/auth/bigquery"]
    )
    client = bigquery.Client(
        project=target.project_id, credentials=credentials, location=target.location
    )
    return BigQueryMarts(client, target.project_id)


def _dlt_service_account() -> dict[str, Any]:
    """The service account in dlt's `destination.bigquery.credentials` (a JSON string, a table,
    or its `project_id` / `private_key` / `client_email` keys)."""
    import json

    import dlt

    native = dlt.secrets.get("destination.bigquery.credentials")
    if isinstance(native, str):
        info = json.loads(native)
    elif isinstance(native, dict):
        info = dict(native)
    else:
        info = {
            key: dlt.secrets.get(f"destination.bigquery.credentials.{key}")
            for key in ("project_id", "private_key", "client_email", "token_uri")
        }
    info.setdefault("type", "service_account")
    if not info.get("token_uri"):
        info["token_uri"] = "https://oauth2.googleapis.com/token"
    return info
