"""Secrets leave no trace. The BigQuery e2e module's runs (loads into BigQuery and into the
DuckDB twin, both dbt builds) all log at debug level with sentinel secrets: the Linear API key,
the GitHub token, the service-account key in GCP_SA_KEY (in whole and in parts). After its dbt
builds, one more run fails (a 500 on Linear's issues); then every output and every file under
both workspaces (dlt's data dir with state, load packages and traces, the DuckDB file, dbt's
target/ and logs/, the runs' temp dir where dbt's key file lived) is scanned."""

from __future__ import annotations

import base64
from pathlib import Path

from sandbox import GITHUB_TOKEN, LINEAR_API_KEY
from tests.bigquery.conftest import KEY_PROJECT, BigQueryRun


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


def assert_no_secret_left(run: BigQueryRun) -> None:
    """The scan: called by the e2e test after its dbt builds (so a dbt run is among them)."""
    assert any("tests passed" in text for text in run.workspace.outputs), "no dbt run was scanned"
    run.box.linear.inject("status", status=500, times=-1, match="issues")
    try:
        failed = run.workspace.run("linear", "--destination", "bigquery")
    finally:
        run.box.linear.clear_faults()
    assert failed.returncode == 1, failed.output

    secrets = sentinels(run)
    outputs = [*run.workspace.outputs, *run.twin.outputs]
    assert len(outputs) >= 5, len(outputs)
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
    keyfiles = list((run.workspace.root / "tmp").glob("bq-key-*"))
    assert keyfiles == [], f"dbt's key files left behind: {keyfiles}"
