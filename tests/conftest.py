"""Shared test fixtures: the sandbox, and running the pipelines' CLI as real subprocesses
against it with a fresh DuckDB file and dlt data dir per test."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import duckdb
import pytest

from sandbox import Sandbox

pytest_plugins = ["sandbox.pytest_plugin"]

REPO_ROOT = Path(__file__).resolve().parents[1]
SHARED = REPO_ROOT.parent / "shared"

# Fast retries against the local sandbox: nothing here should wait like production does.
FAST_HTTP = {
    "RUNTIME__REQUEST_TIMEOUT": "2",
    "RUNTIME__REQUEST_MAX_ATTEMPTS": "5",
    "RUNTIME__REQUEST_BACKOFF_FACTOR": "0.05",
    "RUNTIME__REQUEST_MAX_RETRY_DELAY": "1",
    "RUNTIME__DLTHUB_TELEMETRY": "false",
}


@dataclass
class CliResult:
    returncode: int
    stdout: str
    stderr: str

    @property
    def output(self) -> str:
        return self.stdout + self.stderr


@dataclass
class Workspace:
    """One isolated place to run the pipelines: its DuckDB file, dlt data dir and env."""

    root: Path
    env: dict[str, str]

    @property
    def duckdb_file(self) -> Path:
        return self.root / "warehouse.duckdb"

    def run(
        self, script: str, *args: str, extra_env: dict[str, str] | None = None, timeout: float = 300
    ) -> CliResult:
        """Run `python pipelines/<script>.py ARGS` as a subprocess."""
        env = {**self.env, **(extra_env or {})}
        proc = subprocess.run(
            [sys.executable, str(REPO_ROOT / "pipelines" / f"{script}.py"), *args],
            env=env,
            cwd=self.root,
            capture_output=True,
            text=True,
            timeout=timeout,
        )
        return CliResult(proc.returncode, proc.stdout, proc.stderr)

    def query(self, sql: str) -> list[tuple[Any, ...]]:
        with duckdb.connect(str(self.duckdb_file), read_only=True) as con:
            return con.execute(sql).fetchall()

    def column(self, sql: str) -> list[Any]:
        return [row[0] for row in self.query(sql)]


def base_env(root: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("SOURCES__", "DESTINATION__"))}
    for name in ("LINEAR_API_KEY", "GITHUB_TOKEN", "GCP_SA_KEY", "GCP_PROJECT_ID", "DESTINATION"):
        env.pop(name, None)
    env.update(FAST_HTTP)
    env["DLT_DATA_DIR"] = str(root / "dlt")
    env["DESTINATION__DUCKDB__CREDENTIALS"] = str(root / "warehouse.duckdb")
    # dbt's target/ and logs/ per workspace (absolute paths win over dbt/'s defaults).
    env["DBT_TARGET_PATH"] = str(root / "dbt-target")
    env["DBT_LOG_PATH"] = str(root / "dbt-logs")
    return env


@pytest.fixture
def workspace_factory(tmp_path: Path) -> Callable[[Sandbox | None], Workspace]:
    counter = iter(range(1000))

    def make(box: Sandbox | None = None) -> Workspace:
        root = tmp_path / f"ws{next(counter)}"
        root.mkdir()
        env = base_env(root)
        if box is not None:
            env.update(box.env())
        return Workspace(root, env)

    return make


@pytest.fixture
def workspace(
    workspace_factory: Callable[[Sandbox | None], Workspace], sandbox: Sandbox
) -> Workspace:
    """A workspace pointed at the (tiny, fresh) sandbox."""
    return workspace_factory(sandbox)
