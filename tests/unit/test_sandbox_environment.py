"""The one environment builder of runs against the sandbox (tests, bench, demo): what it
scrubs from the caller's environment, what it points where."""

from __future__ import annotations

from pathlib import Path
from typing import Any, cast

import pytest

from sandbox import Sandbox
from sandbox.environment import SCRUBBED, sandbox_env, scrubbed_env

CALLER = {
    "PATH": "/usr/bin",
    "HOME": "/root",
    "LINEAR_API_KEY": "lin_api_real",
    "GITHUB_TOKEN": "ghp_real",
    "GCP_SA_KEY": "e30=",
    "GCP_SA_KEY_FILE": "/keys/sa.json",
    "GCP_PROJECT_ID": "prod",
    "DESTINATION": "bigquery",
    "PIPELINES_SUMMARY_FILE": "/tmp/summary.json",
    "SOURCES__GITHUB__ACCESS_TOKEN": "ghp_real",
    "DESTINATION__BIGQUERY__CREDENTIALS__PROJECT_ID": "prod",
    "RUNTIME__DLTHUB_TELEMETRY": "true",
}


class FakeBox:
    def env(self) -> dict[str, str]:
        return {
            "SOURCES__LINEAR__API_URL": "http://127.0.0.1:1/graphql",
            "LINEAR_API_KEY": "lin_sb",
        }


def test_scrubbed_env_drops_credentials_and_settings_and_quiets_telemetry() -> None:
    env = scrubbed_env(CALLER)
    assert env == {
        "PATH": "/usr/bin",
        "HOME": "/root",
        "RUNTIME__DLTHUB_TELEMETRY": "false",
        "DBT_SEND_ANONYMOUS_USAGE_STATS": "false",
    }
    assert set(SCRUBBED) <= set(CALLER)  # every scrubbed name was offered above


def test_sandbox_env_points_at_the_box_and_keeps_state_under_one_dir(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    for name, value in CALLER.items():
        monkeypatch.setenv(name, value)
    box = cast(Sandbox, FakeBox())
    env = sandbox_env(box, duckdb_file=tmp_path / "w.duckdb", state_dir=tmp_path, extra={"X": "1"})
    assert env["LINEAR_API_KEY"] == "lin_sb"  # the sandbox's key, never the caller's
    assert env["SOURCES__LINEAR__API_URL"] == "http://127.0.0.1:1/graphql"
    assert env["DESTINATION__DUCKDB__CREDENTIALS"] == str(tmp_path / "w.duckdb")
    assert env["DLT_DATA_DIR"] == str(tmp_path / "dlt")
    assert env["DBT_TARGET_PATH"] == str(tmp_path / "dbt-target")
    assert env["DBT_LOG_PATH"] == str(tmp_path / "dbt-logs")
    assert env["X"] == "1"
    for name in ("GITHUB_TOKEN", "GCP_SA_KEY", "DESTINATION", "SOURCES__GITHUB__ACCESS_TOKEN"):
        assert name not in env


def test_without_a_state_dir_the_users_defaults_stay(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ("DLT_DATA_DIR", "DBT_TARGET_PATH", "DBT_LOG_PATH"):
        monkeypatch.delenv(name, raising=False)
    env: dict[str, Any] = sandbox_env(None, duckdb_file=Path("/w.duckdb"))
    assert "DLT_DATA_DIR" not in env and "DBT_TARGET_PATH" not in env
    assert "SOURCES__LINEAR__API_URL" not in env
