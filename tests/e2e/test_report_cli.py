"""`python pipelines/report.py` as users run it: its errors name the cause (no warehouse yet, no
BigQuery credentials) and exit 1 without a traceback; a warehouse gives a report."""

from __future__ import annotations

import socket
import subprocess
import sys
from pathlib import Path

from pipelines.paths import REPO_ROOT
from tests.support.fake_gcp import encoded, service_account
from tests.support.workspace import base_env
from tests.unit.test_report_render import make_marts


def report(env: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "pipelines/report.py", *args],
        cwd=REPO_ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_report_cli_errors_and_success(tmp_path: Path) -> None:
    env = base_env(tmp_path)
    out = tmp_path / "out" / "r.html"

    missing = report(env, "--out", str(out))
    assert missing.returncode == 1
    assert f"no DuckDB file at {tmp_path / 'warehouse.duckdb'}" in missing.stderr
    assert "Traceback" not in missing.stderr and not out.exists()

    no_key = report(env, "--destination", "bigquery", "--out", str(out))
    assert no_key.returncode == 1
    assert "missing BigQuery credentials: set GCP_PROJECT_ID and GCP_SA_KEY" in no_key.stderr
    assert "Traceback" not in no_key.stderr

    make_marts(tmp_path / "warehouse.duckdb")
    made = report(env, "--weeks", "4", "--out", str(out))
    assert made.returncode == 0, made.stderr
    assert made.stdout.strip() == f"report written to {out.resolve()}"
    assert 'data-chart="prs_merged" data-state="drawn"' in out.read_text()


def test_an_unreachable_bigquery_fails_instead_of_hanging(tmp_path: Path) -> None:
    """Nothing listens at the BigQuery endpoint nor at the key's token endpoint: the report
    gives up after its retry deadline (30 s) with a message naming what to check."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    key = service_account("unreachable-project") | {"token_uri": f"http://127.0.0.1:{port}/t"}
    env = base_env(tmp_path) | {
        "GCP_PROJECT_ID": "unreachable-project",
        "GCP_SA_KEY": encoded(key),
        "BIGQUERY_EMULATOR_HOST": f"http://127.0.0.1:{port}",
    }
    out = tmp_path / "r.html"
    failed = report(env, "--destination", "bigquery", "--out", str(out))
    assert failed.returncode == 1
    assert "BigQuery could not be reached within 30 s" in failed.stderr, failed.stderr
    assert "Traceback" not in failed.stderr and not out.exists()
