"""An isolated place to run the pipelines: a directory with its own DuckDB file and dlt data
dir, and the environment that points the pipelines at a sandbox (`sandbox.environment`, as the
tests' workspaces do, but with the project's own HTTP settings: a benchmark runs what users
run)."""

from __future__ import annotations

import os
import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import duckdb

from bench.process import RunResult, run_pipeline, tree_bytes
from pipelines.paths import REPO_ROOT
from sandbox import Sandbox
from sandbox.environment import sandbox_env

#: Where the children keep their bytecode (None: as the caller's environment says). See
#: `use_bytecode_cache`.
_PYCACHE: Path | None = None


def use_bytecode_cache(prefix: Path | None) -> None:
    """Give every run a bytecode cache under `prefix` (PYTHONPYCACHEPREFIX), even where the
    caller's environment sets PYTHONDONTWRITEBYTECODE: without one, each run recompiles every
    module it imports (dlt, pandas, pyarrow...: about 2 s a run), which users with a normal
    Python do once. Nothing is written next to the sources."""
    global _PYCACHE
    _PYCACHE = prefix


def base_env(root: Path) -> dict[str, str]:
    """The caller's environment without source/destination settings or secrets
    (`sandbox.environment`), plus a private DuckDB file, dlt data dir and dbt target under
    `root`, and the bytecode cache (`use_bytecode_cache`)."""
    env = sandbox_env(None, duckdb_file=root / "warehouse.duckdb", state_dir=root)
    if _PYCACHE is not None:
        env.pop("PYTHONDONTWRITEBYTECODE", None)
        env["PYTHONPYCACHEPREFIX"] = str(_PYCACHE)
    return env


@dataclass
class Workspace:
    """One DuckDB file + dlt data dir; runs keep their state between calls, like a user's.

    `shared_duckdb`: load into this DuckDB file instead of one of the workspace's own, so two
    workspaces (one per source, each with its own dlt data dir) fill one warehouse, as
    `make run` does, and dbt can build on both."""

    root: Path
    box: Sandbox
    extra_env: dict[str, str] = field(default_factory=dict)
    shared_duckdb: Path | None = None

    def __post_init__(self) -> None:
        self.root.mkdir(parents=True, exist_ok=True)

    @property
    def env(self) -> dict[str, str]:
        return {
            **base_env(self.root),
            **self.box.env(),
            **self.extra_env,
            "DESTINATION__DUCKDB__CREDENTIALS": str(self.duckdb_file),
        }

    @property
    def duckdb_file(self) -> Path:
        return self.shared_duckdb or self.root / "warehouse.duckdb"

    def run(self, script: str, label: str, *args: str) -> RunResult:
        """Run one pipeline (`--no-dbt`; "transform": the dbt build) with the sandbox's request
        logs cleared first."""
        self.box.linear.clear_log()
        self.box.github.clear_log()
        result = run_pipeline(
            script,
            label=label,
            env=self.env,
            cwd=self.root,
            log_dir=self.root / "logs",
            args=args,
            no_dbt=script != "transform",
        )
        result.disk_bytes = {
            "duckdb": tree_bytes(self.duckdb_file) + tree_bytes(Path(f"{self.duckdb_file}.wal")),
            "dlt_data_dir": tree_bytes(self.root / "dlt"),
            "state": sum(
                tree_bytes(p) for p in (self.root / "dlt" / "pipelines").glob("*/state.json")
            ),
        }
        return result

    def query(self, sql: str) -> list[tuple[Any, ...]]:
        with duckdb.connect(str(self.duckdb_file), read_only=True) as con:
            return con.execute(sql).fetchall()


def configured_extract_workers(env: dict[str, str] | None = None) -> int:
    """The `extract.workers` a run uses: EXTRACT__WORKERS, else .dlt/config.toml, else dlt's
    default (5)."""
    value = (env or os.environ).get("EXTRACT__WORKERS")
    if value:
        return int(value)
    config = REPO_ROOT / ".dlt" / "config.toml"
    if config.exists():
        data = tomllib.loads(config.read_text())
        workers = data.get("extract", {}).get("workers")
        if workers:
            return int(workers)
    return 5


def _configured_concurrency(source: str, default: int, env: dict[str, str] | None) -> int:
    """`sources.<source>.max_concurrency` from the environment, else .dlt/config.toml."""
    value = (env or os.environ).get(f"SOURCES__{source.upper()}__MAX_CONCURRENCY")
    if value:
        return int(value)
    config = REPO_ROOT / ".dlt" / "config.toml"
    if config.exists():
        data = tomllib.loads(config.read_text())
        concurrency = data.get("sources", {}).get(source, {}).get("max_concurrency")
        if concurrency:
            return int(concurrency)
    return default


def configured_github_concurrency(env: dict[str, str] | None = None) -> int:
    """`sources.github.max_concurrency` (member profiles' thread pool); default 8."""
    return _configured_concurrency("github", 8, env)


def configured_linear_concurrency(env: dict[str, str] | None = None) -> int:
    """`sources.linear.max_concurrency` (Linear requests in flight at once)."""
    from pipelines.sources.linear.client import DEFAULT_MAX_CONCURRENCY

    return _configured_concurrency("linear", DEFAULT_MAX_CONCURRENCY, env)
