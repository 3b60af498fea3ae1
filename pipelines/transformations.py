"""The dbt step: build the dbt project (`dbt/`) with one `dbt build` through dbt's
programmatic API (`dbtRunner`, in this process: dlt's dbt runner has no public `build`), with
our own profiles (`dbt/profiles.yml`, profile `engineering_data`, target named after the
destination), and report models built and tests passed.

Which models: a source's run builds what depends on that source only, unless every other
source (a folder under `dbt/models/staging/`) has loaded into the destination too; then it
builds everything, so the cross-source marts are fresh. A full build (`make run`, the daily
workflow's last job) builds everything.
"""

from __future__ import annotations

import json
import os
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import dlt

from pipelines import bigquery
from pipelines.destination import duckdb_settings
from pipelines.errors import RunFailed
from pipelines.paths import REPO_ROOT

DBT_DIR = REPO_ROOT / "dbt"
PROFILE = "engineering_data"
FAILED = ("error", "fail", "runtime error")


@dataclass
class DbtSummary:
    """What a dbt build did."""

    selection: str
    counts: dict[str, int] = field(default_factory=dict)  # "model success" -> n, ...
    failures: list[str] = field(default_factory=list)
    seconds: float = 0.0

    def render(self) -> str:
        built = sum(n for k, n in self.counts.items() if k.split()[0] in ("model", "seed"))
        tests = sum(n for k, n in self.counts.items() if k.split()[0] in ("test", "unit_test"))
        passed = sum(
            n
            for k, n in self.counts.items()
            if k.split()[0] in ("test", "unit_test") and k.split()[1] == "pass"
        )
        return (
            f"  dbt ({self.selection}): {built} models and seeds built, "
            f"{passed} of {tests} tests passed, {self.seconds:.1f} s"
        )


def target_dir() -> Path:
    """dbt's target folder (DBT_TARGET_PATH moves it, as it does for dbt itself)."""
    return DBT_DIR / os.environ.get("DBT_TARGET_PATH", "target")


def log_file() -> Path:
    return DBT_DIR / os.environ.get("DBT_LOG_PATH", "logs") / "dbt.log"


def source_datasets() -> list[str]:
    """The datasets the dbt project reads: one staging folder per source."""
    staging = DBT_DIR / "models" / "staging"
    return sorted(p.name for p in staging.iterdir() if p.is_dir())


@contextmanager
def dbt_environment(destination: str, duckdb_file: Path | None) -> Iterator[None]:
    """The env vars our profiles read: the DuckDB path, or BigQuery's project and key file."""
    saved = dict(os.environ)
    try:
        os.environ["DBT_TARGET"] = destination
        os.environ.setdefault("DBT_SEND_ANONYMOUS_USAGE_STATS", "false")
        if destination == "duckdb":
            assert duckdb_file is not None
            os.environ["DESTINATION__DUCKDB__CREDENTIALS"] = str(duckdb_file)
            for name, value in duckdb_settings().items():  # the pipelines' memory cap
                os.environ[f"DESTINATION__DUCKDB__{name.upper()}"] = value
            yield
        else:
            target = bigquery.resolve_target()
            os.environ["GCP_PROJECT_ID"] = target.project_id
            os.environ["GCP_LOCATION"] = target.location
            with bigquery.keyfile_for_dbt(target) as keyfile:
                if keyfile is not None:
                    os.environ["GCP_SA_KEY_FILE"] = str(keyfile)
                elif not os.environ.get("GCP_SA_KEY_FILE"):
                    raise RunFailed(
                        "dbt on BigQuery needs a key file: set GCP_SA_KEY (base64 JSON key) or "
                        "GCP_SA_KEY_FILE (path to the JSON key)."
                    )
                yield
    finally:
        os.environ.clear()
        os.environ.update(saved)


def build(
    destination: str,
    *,
    selector: str | None,
    duckdb_file: Path | None = None,
) -> DbtSummary:
    """`dbt build` (all models, or `--selector <selector>`): seeds, models, tests and unit tests
    in DAG order, in one dbt start-up (dlt's run_all would take four: deps, seed, run, test)."""
    selection = f"selector {selector}" if selector else "all models"
    summary = DbtSummary(selection)
    args = [*_log_args(), "build", "--project-dir", str(DBT_DIR), "--profiles-dir", str(DBT_DIR)]
    args += ["--profile", PROFILE, "--target", destination]
    if selector:
        args += ["--selector", selector]
    # Imported here: dbt takes seconds to import, and a run with --no-dbt never needs it.
    from dbt.cli.main import dbtRunner

    started = time.monotonic()
    with dbt_environment(destination, duckdb_file):
        result = dbtRunner().invoke(args)
    if not result.success:
        _read_results(summary)
        failed = summary.failures or [_describe_failure(result.exception)]
        raise RunFailed(
            f"dbt build ({selection}) failed: {'; '.join(failed[:5])}"
            + (f" (and {len(failed) - 5} more)" if len(failed) > 5 else "")
            + f". Details: {log_file()}"
        ) from None
    summary.seconds = time.monotonic() - started
    _read_results(summary)
    return summary


def _log_args() -> list[str]:
    """dbt's own console output follows dlt's log level (as dlt's dbt runner does): quiet
    (errors only) at WARNING and above, everything at DEBUG."""
    level = str(dlt.config.get("runtime.log_level") or "WARNING").upper()
    if level == "DEBUG":
        return ["--debug"]
    if level == "INFO":
        return []
    return ["--quiet", "--no-print"]


def _describe_failure(exception: BaseException | None) -> str:
    """Why dbt failed when no node result says so (a parse or connection error)."""
    if exception is None:
        return "dbt reported failure without a failed node"
    return f"{type(exception).__name__}: {str(exception).strip().splitlines()[0][:300]}"


def _read_results(summary: DbtSummary) -> None:
    """Counts and failures from dbt's run_results.json."""
    path = target_dir() / "run_results.json"
    if not path.exists():
        return
    results: list[dict[str, Any]] = json.loads(path.read_text()).get("results", [])
    summary.counts.clear()
    summary.failures.clear()
    for result in results:
        kind = result["unique_id"].split(".", 1)[0]
        status = result["status"]
        key = f"{kind} {status}"
        summary.counts[key] = summary.counts.get(key, 0) + 1
        if status in FAILED:
            name = result["unique_id"].split(".")[-1] if kind != "test" else result["unique_id"]
            message = (result.get("message") or "").splitlines()[0][:200]
            summary.failures.append(f"{kind} {name}: {status} ({message})")
