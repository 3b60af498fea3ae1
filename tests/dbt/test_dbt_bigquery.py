"""The dbt project compiles for BigQuery, offline: `dbt parse` and `dbt compile
--no-populate-cache --target bigquery` with a well-formed but useless service-account key, then
every compiled statement must parse as BigQuery SQL (sqlglot) and carry no DuckDB-only syntax.

dbt runs as a subprocess under a hard timeout: without `--no-populate-cache` (or with a broken
key) dbt-bigquery retries a token fetch for a long time instead of failing.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
import sqlglot
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from sqlglot.errors import ParseError

from tests.dbt.dbt_support import DBT_DIR

# One pytest-xdist worker runs this module: its tests share a module fixture, in order.
pytestmark = pytest.mark.xdist_group("dbt-bigquery")

PROJECT = "offline-check-project"
DBT = Path(sys.executable).with_name("dbt")
MODELS = 55  # every model of dbt/models
# DuckDB spellings that must never reach BigQuery (the dispatched macros keep them out).
DUCKDB_ONLY = {
    "`::` cast": re.compile(r"::"),
    "timezone()": re.compile(r"\btimezone\s*\(", re.I),
    "to_timestamp()": re.compile(r"\bto_timestamp\s*\(", re.I),
    "date_diff()": re.compile(r"\bdate_diff\s*\(", re.I),
    "double type": re.compile(r"\bas\s+double\b", re.I),
    "varchar type": re.compile(r"\bvarchar\b", re.I),
}


def fake_service_account(path: Path) -> None:
    """A well-formed service-account key file with a throwaway RSA key nobody trusts."""
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    pem = key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    ).decode()
    path.write_text(
        json.dumps(
            {
                "type": "service_account",
                "project_id": PROJECT,
                "private_key_id": "0" * 40,
                "private_key": pem,
                "client_email": f"dbt@{PROJECT}.iam.gserviceaccount.com",
                "client_id": "1" * 21,
                "auth_uri": "https://accounts.google.com/o/oauth2/auth",
                "token_uri": "https://oauth2.googleapis.com/token",
                "auth_provider_x509_cert_url": "https://www.googleapis.com/oauth2/v1/certs",
                "client_x509_cert_url": "https://www.googleapis.com/robot/v1/metadata/x509/dbt",
            }
        )
    )


def run_dbt(root: Path, *args: str, timeout: float) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("GCP_", "DBT_"))}
    env.update(
        {
            "GCP_SA_KEY_FILE": str(root / "service-account.json"),
            "GCP_PROJECT_ID": PROJECT,
            "GCP_LOCATION": "EU",
            "DBT_SEND_ANONYMOUS_USAGE_STATS": "false",
        }
    )
    command = [
        str(DBT),
        *args,
        "--target",
        "bigquery",
        "--project-dir",
        str(DBT_DIR),
        "--profiles-dir",
        str(DBT_DIR),
        "--target-path",
        str(root / "target"),
        "--log-path",
        str(root / "logs"),
        "--no-use-colors",
    ]
    try:
        return subprocess.run(
            command, env=env, cwd=root, capture_output=True, text=True, timeout=timeout
        )
    except subprocess.TimeoutExpired as exc:
        pytest.fail(f"`dbt {' '.join(args)}` for BigQuery hung for {timeout} s: {exc.stdout}")


@pytest.fixture(scope="module")
def compiled(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("dbt_bigquery")
    fake_service_account(root / "service-account.json")
    parsed = run_dbt(root, "parse", timeout=180)
    assert parsed.returncode == 0, parsed.stdout + parsed.stderr
    result = run_dbt(root, "compile", "--no-populate-cache", timeout=240)
    assert result.returncode == 0, result.stdout + result.stderr
    return root / "target"


def compiled_files(target: Path) -> list[Path]:
    return sorted((target / "compiled").rglob("*.sql"))


def test_every_model_and_test_compiles_for_bigquery(compiled: Path) -> None:
    files = compiled_files(compiled)
    models = [f for f in files if f.parent.name in ("linear", "github", "marts")]
    assert len(models) == MODELS, [f.name for f in models]
    assert len(files) > 200
    manifest = json.loads((compiled / "manifest.json").read_text())
    relations = {
        node["relation_name"]
        for node in manifest["nodes"].values()
        if node["resource_type"] in ("model", "seed")
    }
    assert f"`{PROJECT}`.`linear`.`fct_issues`" in relations
    assert f"`{PROJECT}`.`github`.`fct_pull_requests`" in relations
    assert f"`{PROJECT}`.`linear`.`stg_linear__issues`" in relations
    assert f"`{PROJECT}`.`github`.`stg_github__pull_requests`" in relations


def test_compiled_sql_parses_as_bigquery(compiled: Path) -> None:
    errors = {}
    for path in compiled_files(compiled):
        sql = path.read_text()
        try:
            statements = sqlglot.parse(sql, read="bigquery")
        except ParseError as exc:
            errors[str(path.relative_to(compiled))] = str(exc)[:500]
            continue
        if not [s for s in statements if s is not None]:
            errors[str(path.relative_to(compiled))] = "no statement"
    assert not errors, errors


def test_compiled_sql_has_no_duckdb_only_syntax(compiled: Path) -> None:
    found = {}
    for path in compiled_files(compiled):
        code = "\n".join(
            line for line in path.read_text().splitlines() if not line.strip().startswith("--")
        )
        hits = [name for name, pattern in DUCKDB_ONLY.items() if pattern.search(code)]
        if hits:
            found[str(path.relative_to(compiled))] = hits
    assert not found, found


def test_source_freshness_expressions_are_bigquery(compiled: Path) -> None:
    manifest = json.loads((compiled / "manifest.json").read_text())
    sources = manifest["sources"].values()
    with_freshness = [s for s in sources if s["freshness"] and s["loaded_at_field"]]
    assert len(with_freshness) == 15
    for source in with_freshness:
        expression = source["loaded_at_field"]
        assert not any(p.search(expression) for p in DUCKDB_ONLY.values()), expression
        sqlglot.parse_one(
            f"select max({expression}) as loaded_at from `{PROJECT}`.{source['schema']}.t",
            read="bigquery",
        )
