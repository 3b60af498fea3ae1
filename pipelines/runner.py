"""One runner for every source: destination, pending packages, extract/normalize/load, the run
summary, then dbt. A source plugs in with a `SourceSpec`; nothing here knows a source's API.
"""

from __future__ import annotations

import logging
import os
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import dlt
from dlt.common.pipeline import LoadInfo
from dlt.extract.source import DltSource
from dlt.pipeline.exceptions import PipelineStepFailed

from pipelines import bigquery, transformations
from pipelines.errors import RunFailed
from pipelines.packages import archive_completed_packages, drop_doubled_root_rows
from pipelines.partial_run import (
    PartialRun,
    partial_of,
    resolve_max_duration,
    resuming_full_refresh,
)
from pipelines.paths import DEFAULT_DUCKDB_FILE
from pipelines.sources import run_budget
from pipelines.sources.http import ApiStats, SourceError, reset_stats

LOADER_FILE_FORMAT = "parquet"  # dlt's default insert_values is ~4x slower and far hungrier

log = logging.getLogger("pipelines")


class Destination(StrEnum):
    duckdb = "duckdb"
    bigquery = "bigquery"


class LogLevel(StrEnum):
    debug = "debug"
    info = "info"
    warning = "warning"
    error = "error"


@dataclass(frozen=True)
class RunOptions:
    """What the user asked for on the command line."""

    destination: Destination = Destination.duckdb
    full_refresh: bool = False
    since: datetime | None = None
    no_dbt: bool = False
    dbt_only: bool = False
    log_level: LogLevel = LogLevel.info
    max_duration: float | None = None  # minutes of extract before stopping (resumed later)
    reconcile: bool = False  # also list ids and bring archive/trash/delete state in line


@dataclass(frozen=True)
class SourceSpec:
    """How the runner drives one source.

    `name` is the pipeline name and the dataset name. `make_source` builds the dlt source from
    the options (resolving and checking credentials first, raising `MissingCredential`).
    """

    name: str
    title: str
    make_source: Callable[[RunOptions], DltSource]
    endpoint: Callable[[], str]  # the API the source reads, as configured


@dataclass
class RunSummary:
    """What a run did, printed at the end."""

    source: str
    destination: str
    dataset: str
    rows: dict[str, int] = field(default_factory=dict)
    pending_finished: int = 0
    stage_seconds: dict[str, float] = field(default_factory=dict)
    api: ApiStats | None = None
    dbt: transformations.DbtSummary | None = None
    partial: PartialRun | None = None  # set when the run stopped early (exit status 3)
    backfill_in_progress: list[str] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        """The summary as plain data (written to $PIPELINES_SUMMARY_FILE when set)."""
        api = self.api
        return {
            "source": self.source,
            "destination": self.destination,
            "dataset": self.dataset,
            "rows": self.rows,
            "pending_finished": self.pending_finished,
            "stage_seconds": self.stage_seconds,
            "partial": None if self.partial is None else self.partial.to_dict(),
            "backfill_in_progress": self.backfill_in_progress,
            "dbt": None
            if self.dbt is None
            else {"selection": self.dbt.selection, "counts": self.dbt.counts},
            "api": None
            if api is None
            else {
                "requests": api.requests,
                "retries": api.retries,
                "not_modified": api.not_modified,
                "rate_limit_waits": api.rate_limit_waits,
                "waited_seconds": api.waited_seconds,
                "extra": api.extra,
                "budgets": {
                    name: {"limit": b.limit, "remaining": b.remaining}
                    for name, b in api.budgets.items()
                },
            },
        }

    def render(self) -> str:
        lines = [f"{self.source}: synced into {self.destination} dataset '{self.dataset}'"]
        if self.pending_finished:
            lines.append(f"  finished {self.pending_finished} pending load package(s) first")
        if self.rows:
            width = max(len(t) for t in self.rows)
            lines.append("  rows loaded:")
            lines += [f"    {t:<{width}}  {n:>9,}" for t, n in sorted(self.rows.items())]
        else:
            lines.append("  rows loaded: none (nothing changed since the last run)")
        if self.api is not None:
            api = self.api
            parts = [f"{api.requests} requests"]
            if api.retries:
                parts.append(f"{api.retries} retried")
            if api.not_modified:
                parts.append(f"{api.not_modified} not modified (304)")
            if api.rate_limit_waits:
                parts.append(
                    f"{api.rate_limit_waits} rate-limit waits ({api.waited_seconds:.1f} s)"
                )
            if "complexity_points" in api.extra:
                parts.append(f"{int(api.extra['complexity_points']):,} complexity points")
            if api.extra.get("graphql_requests"):
                parts.append(
                    f"{int(api.extra['graphql_requests'])} of them GraphQL queries costing "
                    f"{int(api.extra.get('graphql_points', 0)):,} GraphQL points"
                )
            if api.extra.get("repositories_gone"):
                gone = int(api.extra["repositories_gone"])
                parts.append(f"{gone} repositories gone since the last run (see warnings)")
            if api.extra.get("partial_errors"):
                parts.append(f"{int(api.extra['partial_errors'])} partial errors (see warnings)")
            lines.append("  api: " + ", ".join(parts))
            for name, budget in sorted(api.budgets.items()):
                if budget.limit is None:
                    continue
                reset = f", resets {budget.reset_at:%H:%M:%S} UTC" if budget.reset_at else ""
                lines.append(
                    f"  rate-limit budget {name}: {budget.remaining:,} of {budget.limit:,} left"
                    f"{reset}"
                )
        if self.stage_seconds:
            stages = ", ".join(f"{k} {v:.1f} s" for k, v in self.stage_seconds.items())
            lines.append(f"  time: {stages}")
        if self.dbt is not None:
            lines.append(self.dbt.render())
        if self.partial is not None:
            lines.append(self.partial.render())
        return "\n".join(lines)


def configure_logging(level: LogLevel) -> None:
    """Our log lines and dlt's at the chosen level, on stderr."""
    # dlt's own INFO lines are per-job chatter: show them only when debugging.
    dlt_level = "DEBUG" if level is LogLevel.debug else max(level.value, "warning", key=_rank)
    os.environ["RUNTIME__LOG_LEVEL"] = dlt_level.upper()
    logging.basicConfig(
        level=level.value.upper(),
        format="%(asctime)s %(levelname)s %(name)s: %(message)s",
        datefmt="%H:%M:%S",
    )
    log.setLevel(level.value.upper())


def _rank(level: str) -> int:
    return logging.getLevelName(level.upper())


def duckdb_path() -> Path:
    """The local DuckDB file both pipelines and dbt share."""
    path = dlt.config.get("destination.duckdb.credentials") or str(DEFAULT_DUCKDB_FILE)
    return Path(path).expanduser().resolve()


def make_destination(kind: Destination) -> Any:
    """The dlt destination: DuckDB at the shared local file, or BigQuery (pipelines.bigquery)."""
    if kind is Destination.duckdb:
        return dlt.destinations.duckdb(credentials=str(duckdb_path()))
    return bigquery.destination(bigquery.resolve_target())


def make_pipeline(spec: SourceSpec, options: RunOptions) -> dlt.Pipeline:
    return dlt.pipeline(
        pipeline_name=spec.name,
        destination=make_destination(options.destination),
        dataset_name=spec.name,
        progress="log" if options.log_level in (LogLevel.debug, LogLevel.info) else None,
    )


def run(spec: SourceSpec, options: RunOptions) -> RunSummary:
    """Sync one source into its dataset (finishing any pending load first), then run dbt."""
    if options.no_dbt and options.dbt_only:
        raise RunFailed("--no-dbt and --dbt-only contradict each other: choose one.")
    summary = RunSummary(spec.title, options.destination.value, spec.name)
    stats = reset_stats(spec.name)
    budget = run_budget.start_run(resolve_max_duration(spec.name, options.max_duration))
    source = None if options.dbt_only else spec.make_source(options)  # checks credentials
    pipeline = make_pipeline(spec, options)
    if source is not None:
        with _Step("restore state"):
            # As dlt's run() does: a fresh machine (a CI runner) resumes from the cursors and
            # schemas stored in the destination instead of reloading everything.
            if pipeline.config.restore_from_destination:
                pipeline.sync_destination()
        if not options.full_refresh:
            _check_same_api(pipeline, spec)
        _finish_pending(pipeline, summary)
        refresh = options.full_refresh and not resuming_full_refresh(_source_state(pipeline, spec))
        _sync(pipeline, source, refresh, summary)
        summary.api = stats
        summary.backfill_in_progress, summary.partial = partial_of(
            _source_state(pipeline, spec), budget, sum(summary.rows.values())
        )
    if not options.no_dbt:
        summary.dbt = build_models(pipeline, spec, options)
    return summary


def _source_state(pipeline: dlt.Pipeline, spec: SourceSpec) -> dict[str, Any]:
    return pipeline.state.get("sources", {}).get(spec.name, {})


def _check_same_api(pipeline: dlt.Pipeline, spec: SourceSpec) -> None:
    """Refuse to continue another API's cursors: a dataset loaded from the sandbox (or another
    GitHub host) would make a real sync skip everything older than the sandbox's data."""
    loaded_from = pipeline.state.get("sources", {}).get(spec.name, {}).get("endpoint")
    configured = spec.endpoint()
    if loaded_from and urlsplit(loaded_from).hostname != urlsplit(configured).hostname:
        raise RunFailed(
            f"dataset '{spec.name}' in this destination was loaded from {loaded_from}, but this "
            f"run reads {configured}: its cursors do not apply. Load into another place (e.g. "
            "DESTINATION__DUCKDB__CREDENTIALS=other.duckdb) or rerun with --full-refresh to "
            "replace that data."
        )


def build_models(
    pipeline: dlt.Pipeline, spec: SourceSpec, options: RunOptions
) -> transformations.DbtSummary:
    """dbt for this source's models, or for everything once every source has loaded."""
    others = [name for name in transformations.source_datasets() if name != spec.name]
    everything = all(_has_loaded(pipeline, name) for name in others)
    log.info("dbt build (%s) ...", "all models" if everything else f"selector {spec.name}")
    return transformations.build(
        options.destination.value,
        selector=None if everything else spec.name,
        working_dir=Path(pipeline.working_dir),
        duckdb_file=duckdb_path() if options.destination is Destination.duckdb else None,
    )


def _has_loaded(pipeline: dlt.Pipeline, dataset: str) -> bool:
    """Whether `dataset` exists in the destination with at least one load recorded."""
    try:
        with pipeline.sql_client() as client, client.with_alternative_dataset_name(dataset):
            if not client.has_dataset():
                return False
            client.execute_sql(f"select 1 from {client.make_qualified_table_name('_dlt_loads')}")
            return True
    except Exception:
        return False


def _finish_pending(pipeline: dlt.Pipeline, summary: RunSummary) -> None:
    """Load what an earlier, failed or killed run left extracted or normalized."""
    archive_completed_packages(pipeline)
    if not pipeline.has_pending_data:
        return
    pending = len(pipeline.list_extracted_load_packages()) + len(
        pipeline.list_normalized_load_packages()
    )
    log.warning("finishing %d pending load package(s) left by an earlier run", pending)
    with _Step("finish pending"):
        pipeline.normalize()
        info = pipeline.load()
        drop_doubled_root_rows(pipeline)
    summary.pending_finished = pending
    _raise_on_failed_jobs(info)


def _sync(pipeline: dlt.Pipeline, source: DltSource, refresh: bool, summary: RunSummary) -> None:
    started = time.monotonic()
    with _Step("extract"):
        pipeline.extract(
            source,
            refresh="drop_sources" if refresh else None,
            loader_file_format=LOADER_FILE_FORMAT,
        )
    summary.stage_seconds["extract"] = time.monotonic() - started
    started = time.monotonic()
    with _Step("normalize"):
        normalize_info = pipeline.normalize()
    summary.stage_seconds["normalize"] = time.monotonic() - started
    summary.rows = {
        table: count
        for table, count in normalize_info.row_counts.items()
        if not table.startswith("_dlt")
    }
    started = time.monotonic()
    with _Step("load"):
        info = pipeline.load()
    summary.stage_seconds["load"] = time.monotonic() - started
    _raise_on_failed_jobs(info)


def _raise_on_failed_jobs(info: LoadInfo) -> None:
    if info is not None and info.has_failed_jobs:
        failed = [
            f"{job.job_file_info.table_name}: {job.failed_message}"
            for package in info.load_packages
            for job in package.jobs.get("failed_jobs", [])
        ]
        raise RunFailed("load failed: " + "; ".join(failed))


class _Step:
    """Turn a dlt step failure into a one-paragraph `RunFailed` naming the cause."""

    def __init__(self, name: str) -> None:
        self.name = name

    def __enter__(self) -> None:
        log.info("%s ...", self.name)

    def __exit__(self, exc_type: Any, exc: BaseException | None, tb: Any) -> bool:
        if exc is None or not isinstance(exc, PipelineStepFailed):
            return False
        cause = root_cause(exc)
        where = f"{self.name} step failed"
        if isinstance(cause, SourceError):
            message = f"{where}: {cause}"
        elif isinstance(cause, run_budget.RunStopped):
            message = (
                f"{where}: {cause} (in a part of the source that cannot stop between units "
                "yet: GitHub pull requests and reviews)."
            )
        elif "Could not set lock on file" in str(cause):
            holder = str(cause).split("Conflicting lock is held in", 1)[-1].split(".", 1)[0]
            message = (
                f"{where}: the DuckDB file is locked by another process ({holder.strip()}): "
                "another run, dbt or a SQL client is writing to it. Wait for it to finish, "
                "then rerun."
            )
        else:
            message = f"{where}: {type(cause).__name__}: {cause}"
        if self.name == "extract":
            message += " Nothing from this run was loaded and no cursor moved."
        elif exc.has_pending_data:
            message += " The extracted data is kept; the next run loads it first."
        raise RunFailed(message) from exc


def root_cause(exc: BaseException) -> BaseException:
    """The innermost exception behind dlt's wrappers (a SourceError when there is one)."""
    seen: list[BaseException] = []
    current: BaseException | None = exc
    while current is not None and current not in seen:
        seen.append(current)
        if isinstance(current, SourceError):
            return current
        inner = getattr(current, "exception", None)
        current = (
            inner
            if isinstance(inner, BaseException)
            else (current.__cause__ or current.__context__)
        )
    return seen[-1]
