"""One isolated place to run the pipelines' CLI as a real subprocess: a fresh DuckDB file,
dlt data dir and dbt target under one directory, and the environment that points the run at a
sandbox (`sandbox.environment`, with fast retries)."""

from __future__ import annotations

import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import duckdb

from pipelines.paths import REPO_ROOT
from sandbox import Sandbox
from sandbox.environment import sandbox_env

#: The published schemas and REST examples (../shared/reference).
SHARED = REPO_ROOT.parent / "shared"

#: Fast retries against the local sandbox: nothing here should wait like production does.
FAST_HTTP = {
    "RUNTIME__REQUEST_TIMEOUT": "2",
    "RUNTIME__REQUEST_MAX_ATTEMPTS": "5",
    "RUNTIME__REQUEST_BACKOFF_FACTOR": "0.05",
    "RUNTIME__REQUEST_MAX_RETRY_DELAY": "1",
}


def base_env(root: Path, box: Sandbox | None = None) -> dict[str, str]:
    """A test run's environment: scrubbed, its state under `root`, fast retries, pointed at
    `box` when given."""
    return sandbox_env(box, duckdb_file=root / "warehouse.duckdb", state_dir=root, extra=FAST_HTTP)


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


def assert_full_refresh_resumes(ws: Workspace, box: Sandbox, script: str, count_sql: str) -> None:
    """`script --full-refresh` against a spent rate-limit budget: the first run stops (exit
    3), each rerun an hour later resumes the refresh instead of restarting it, `count_sql` never
    goes down between runs, and a run completes (exit 0) within six."""
    statuses, loads = [], []
    for _ in range(6):
        result = ws.run(script, "--no-dbt", "--full-refresh")
        statuses.append(result.returncode)
        assert result.returncode in (0, 3), result.output
        loads.append(ws.query(count_sql)[0][0])
        if result.returncode == 0:
            break
        box.advance_clock(3600)
    assert statuses[0] == 3 and statuses[-1] == 0, (statuses, loads, result.output[-3000:])
    assert "resuming the --full-refresh" in result.stderr
    assert loads == sorted(loads), f"a resumed refresh dropped data again: {loads}"
