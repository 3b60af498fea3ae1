"""`python pipelines/report.py --destination bigquery` on the BigQuery emulator, with the
credentials users give the pipelines (`GCP_PROJECT_ID` + `GCP_SA_KEY`): the same marts loaded
into BigQuery and into DuckDB give the same report (every chart in the same state, the same
tile figures), so the SQL written once for both dialects runs on both.

The marts are the unit tests' small contract-shaped tables (tests/unit/test_report_render.py),
copied into BigQuery with load jobs: no sync or dbt build is needed to test the report."""

from __future__ import annotations

import re
import subprocess
import sys
import uuid
from pathlib import Path

import duckdb
import pytest
from google.cloud import bigquery

from pipelines.paths import REPO_ROOT
from pipelines.reporting.render import render_report
from tests.bigquery.conftest import Emulator, TokenServer, bigquery_env
from tests.support.workspace import base_env
from tests.unit.test_report_render import add_contract_marts, make_marts

pytestmark = pytest.mark.xdist_group("bigquery")

BIGQUERY_TYPES = {
    "VARCHAR": "STRING",
    "DOUBLE": "FLOAT64",
    "DECIMAL": "FLOAT64",
    "BIGINT": "INT64",
    "INTEGER": "INT64",
    "BOOLEAN": "BOOL",
    "TIMESTAMP WITH TIME ZONE": "TIMESTAMP",
    "DATE": "DATE",
}


def literal(value: object, kind: str) -> str:
    """A BigQuery literal of `value` for a column of BigQuery type `kind`."""
    if value is None:
        return "null"
    if kind in ("TIMESTAMP", "DATE"):
        return f"{kind.lower()} '{value.isoformat()}'"  # type: ignore[attr-defined]
    if kind == "STRING":
        return "'" + str(value).replace("'", "\\'") + "'"
    if kind == "BOOL":
        return str(value).lower()
    return repr(float(value)) if kind == "FLOAT64" else str(int(value))  # type: ignore[call-overload]


def copy_to_bigquery(db: Path, client: bigquery.Client) -> None:
    """Every table of the DuckDB file into the BigQuery dataset of the same name (DDL and an
    `insert ... values` query: the emulator takes no multipart upload)."""
    with duckdb.connect(str(db), read_only=True) as con:
        tables = con.execute("select table_schema, table_name from information_schema.tables")
        for dataset, table in tables.fetchall():
            client.create_dataset(dataset, exists_ok=True)
            columns = [
                (name, BIGQUERY_TYPES[kind.split("(")[0]])
                for name, kind in con.execute(
                    "select column_name, data_type from information_schema.columns "
                    "where table_schema = ? and table_name = ? order by ordinal_position",
                    [dataset, table],
                ).fetchall()
            ]
            rows = con.execute(f"select * from {dataset}.{table}").fetchall()
            name = f"`{client.project}.{dataset}.{table}`"
            ddl = ", ".join(f"{column} {kind}" for column, kind in columns)
            client.query(f"create table {name} ({ddl})").result()
            values = ", ".join(
                "(" + ", ".join(literal(v, k) for v, (_, k) in zip(row, columns, strict=True)) + ")"
                for row in rows
            )
            client.query(f"insert into {name} values {values}").result()


def figures(html: str) -> tuple[dict[str, str], dict[str, str]]:
    charts = dict(re.findall(r'data-chart="(\w+)" data-state="([\w-]+)"', html))
    tiles = dict(re.findall(r'data-tile="(\w+)" data-value="([^"]*)"', html))
    return charts, tiles


def test_report_from_bigquery_equals_the_duckdb_one(
    bq_emulator: Emulator, gcp_token_server: TokenServer, tmp_path: Path
) -> None:
    project = f"report-{uuid.uuid4().hex[:8]}"
    db = tmp_path / "marts.duckdb"
    make_marts(db)
    add_contract_marts(db)
    copy_to_bigquery(db, bq_emulator.client(project))
    out = tmp_path / "bigquery.html"
    env = base_env(tmp_path) | bigquery_env(bq_emulator, gcp_token_server, project)

    result = subprocess.run(
        [
            sys.executable,
            "pipelines/report.py",
            *("--destination", "bigquery", "--weeks", "4"),
            "--out",
            str(out),
        ],
        cwd=REPO_ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=180,
    )

    assert result.returncode == 0, result.stderr
    assert "read from bigquery" in out.read_text()
    # No pipeline ever loaded this project: `_dlt_loads` is missing, which is "never", not an error.
    assert out.read_text().count("<td>never</td>") == 2
    charts, tiles = figures(out.read_text())
    duck_charts, duck_tiles = figures(render_report(db, tmp_path / "duckdb.html", 4).read_text())
    assert charts == duck_charts
    assert set(charts.values()) == {"drawn"}
    # Counts and rates are exact on both; percentiles too here (few, evenly spaced values)
    # except where quantile_cont interpolates between two middle values.
    for key in ("prs_merged", "issues_completed", "deployment_frequency", "change_failure_rate"):
        assert tiles[key] == duck_tiles[key], key
    for key in ("cycle_time_p50", "first_review_p50", "lead_time", "time_to_restore"):
        assert abs(float(tiles[key]) - float(duck_tiles[key])) <= 10, key
    # The key reached google-auth only: nothing of it in what the run printed.
    assert "PRIVATE KEY" not in result.stdout + result.stderr
