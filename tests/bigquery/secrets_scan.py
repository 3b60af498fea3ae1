"""What the BigQuery e2e module's secrets test looks for: the sentinel secrets (the Linear API
key, the GitHub token, the service-account key in GCP_SA_KEY, in whole and in parts) and where
they could hide (every file under a workspace: dlt's data dir with state, load packages and
traces, the DuckDB file, dbt's target/ and logs/)."""

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
