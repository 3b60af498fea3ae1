"""`python pipelines/report.py` as users run it: its errors name the cause (no warehouse yet, no
BigQuery credentials) and exit 1 without a traceback; a warehouse gives a report."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from tests.conftest import REPO_ROOT, base_env
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
