"""Secrets leave no trace: both pipelines and dbt run with sentinel secrets (the Linear API key,
the GitHub token, a service-account key in GCP_SA_KEY), into BigQuery (the emulator) and into
DuckDB, with debug logging and a failing run among them; then everything the runs leave behind
is scanned: stdout/stderr, dlt's data dir (state, load packages, traces), the DuckDB file, dbt's
target/ and logs/, and the temporary directory where dbt's key file lived."""

from __future__ import annotations

import base64
import tempfile
from pathlib import Path

import pytest

from sandbox import GITHUB_TOKEN, LINEAR_API_KEY
from tests.bigquery.conftest import KEY_PROJECT, BigQueryRun

# Its own pytest-xdist group (the longest BigQuery test: it gets its own worker and emulator,
# in parallel with the rest of the BigQuery group).
pytestmark = pytest.mark.xdist_group("bigquery-secrets")


def sentinels(run: BigQueryRun) -> dict[str, bytes]:
    key = run.tokens.key(KEY_PROJECT)
    pem_lines = [line for line in key["private_key"].splitlines() if "-----" not in line]
    encoded = run.workspace.env["GCP_SA_KEY"]
    return {
        "linear api key": LINEAR_API_KEY.encode(),
        "github token": GITHUB_TOKEN.encode(),
        "GCP_SA_KEY": encoded.encode(),
        "GCP_SA_KEY (part)": encoded[100:160].encode(),
        "private key (first line)": pem_lines[0].encode(),
        "private key (middle line)": pem_lines[len(pem_lines) // 2].encode(),
        "private key (base64 of the JSON)": base64.b64encode(key["private_key"].encode())[:60],
    }


def leaks(root: Path, secrets: dict[str, bytes]) -> list[str]:
    found = []
    for path in root.rglob("*"):
        if path.is_file():
            data = path.read_bytes()
            found += [f"{name} in {path}" for name, value in secrets.items() if value in data]
    return found


def test_no_secret_in_anything_the_runs_leave(bq_run: BigQueryRun) -> None:
    run = bq_run
    secrets = sentinels(run)
    keyfiles_before = set(Path(tempfile.gettempdir()).glob("bq-key-*"))
    outputs = []
    bq = ("--destination", "bigquery", "--log-level", "debug")
    for source, extra in (("linear", ("--no-dbt",)), ("github", ())):  # github: dbt, all models
        result = run.workspace.run(source, *bq, *extra, timeout=400)
        assert result.returncode == 0, result.output
        if not extra:
            assert "dbt (all models)" in result.stdout and "tests passed" in result.stdout
        outputs.append(result.output)
    for source in ("linear", "github"):  # the same into DuckDB, dbt after each
        result = run.twin.run(source, "--log-level", "debug", timeout=400)
        assert result.returncode == 0, result.output
        outputs.append(result.output)
    run.box.linear.inject("status", status=500, times=-1, match="issues")
    failed = run.workspace.run("linear", *bq, "--full-refresh", timeout=400)
    assert failed.returncode == 1
    outputs.append(failed.output)
    run.box.linear.clear_faults()

    in_output = [
        f"{name} in output {i}"
        for i, text in enumerate(outputs)
        for name, value in secrets.items()
        if value.decode() in text
    ]
    assert in_output == []
    assert run.twin.duckdb_file.exists()
    assert leaks(run.workspace.root, secrets) == []
    assert leaks(run.twin.root, secrets) == []
    assert (run.workspace.root / "dlt").exists() and (run.workspace.root / "dbt-logs").exists()
    # dbt's key file (mode 0600 in a private temp dir) is gone once each run ended.
    assert set(Path(tempfile.gettempdir()).glob("bq-key-*")) - keyfiles_before == set()
