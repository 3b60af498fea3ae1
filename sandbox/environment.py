"""The environment of a pipeline run pointed at the sandbox: the caller's environment without
anything that could carry real credentials or point the run elsewhere, the sandbox's URLs and
keys, and (optionally) private state paths. The tests (`tests/support`), the bench and the demo
all build their runs' environments here, so they scrub the same variables.

It lives in the product, next to the sandbox, because `bench/` and `demo/` (product code) use it
and must not import the test suite."""

from __future__ import annotations

import os
from collections.abc import Mapping
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from sandbox import Sandbox

#: Variables that could carry real credentials, pick another destination or write elsewhere:
#: never passed on to a run.
SCRUBBED = (
    "LINEAR_API_KEY",
    "GITHUB_TOKEN",
    "GCP_SA_KEY",
    "GCP_SA_KEY_FILE",
    "GCP_PROJECT_ID",
    "DESTINATION",
    "PIPELINES_SUMMARY_FILE",
)
#: dlt's settings of sources and destinations (secrets among them): never passed on either.
SCRUBBED_PREFIXES = ("SOURCES__", "DESTINATION__")
#: No telemetry from a run against the sandbox (dlt's or dbt's).
QUIET = {"RUNTIME__DLTHUB_TELEMETRY": "false", "DBT_SEND_ANONYMOUS_USAGE_STATS": "false"}


def scrubbed_env(base: Mapping[str, str] | None = None) -> dict[str, str]:
    """`base` (default: this process's environment) without `SCRUBBED` and `SCRUBBED_PREFIXES`
    variables, with telemetry off."""
    env = {
        name: value
        for name, value in (os.environ if base is None else base).items()
        if name not in SCRUBBED and not name.startswith(SCRUBBED_PREFIXES)
    }
    env.update(QUIET)
    return env


def sandbox_env(
    box: Sandbox | None,
    *,
    duckdb_file: Path,
    state_dir: Path | None = None,
    extra: Mapping[str, str] | None = None,
) -> dict[str, str]:
    """A run's environment: scrubbed, pointed at `box` (when given) and at `duckdb_file`.

    `state_dir`: keep dlt's data dir (`dlt/`) and dbt's `target/` and `logs/` (`dbt-target/`,
    `dbt-logs/`) under it; None keeps the user's defaults (the demo, whose state persists).
    `extra` is applied last."""
    env = scrubbed_env()
    if box is not None:
        env.update(box.env())
    env["DESTINATION__DUCKDB__CREDENTIALS"] = str(duckdb_file)
    if state_dir is not None:
        env["DLT_DATA_DIR"] = str(state_dir / "dlt")
        # Absolute paths win over dbt/'s own target-path and log-path.
        env["DBT_TARGET_PATH"] = str(state_dir / "dbt-target")
        env["DBT_LOG_PATH"] = str(state_dir / "dbt-logs")
    env.update(extra or {})
    return env
