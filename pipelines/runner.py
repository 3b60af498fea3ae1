"""One runner for every source: destination, pending packages, extract/normalize/load, the run
summary, then dbt. A source plugs in with a `SourceSpec`; nothing here knows a source's API.

The runner orchestrates only: the summary is `pipelines.summary`, the errors and their
translation `pipelines.errors`, the destination `pipelines.destination`, logging
`pipelines.logging_setup`, the dbt step `pipelines.transformations`.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from functools import partial
from typing import Any
from urllib.parse import urlsplit

import dlt
from dlt.common.pipeline import LoadInfo
from dlt.extract.source import DltSource
from dlt.pipeline.exceptions import PipelineStepFailed

from pipelines import transformations
from pipelines.destination import Destination, duckdb_path, make_destination
from pipelines.errors import RunFailed, step_failure
from pipelines.logging_setup import LogLevel, configure_logging
from pipelines.packages import (
    archive_completed_packages,
    drop_doubled_rows,
    drop_normalized_leftovers,
    drop_stale_staging_dataset,
    tables_with_rows,
)
from pipelines.partial_run import (
    partial_of,
    resolve_max_duration,
    resuming_full_refresh,
)
from pipelines.process_memory import use_returning_allocators
from pipelines.sources import run_budget
from pipelines.sources.first_load import plan_appends
from pipelines.sources.stats import reset_stats
from pipelines.summary import RunSummary

__all__ = [  # what entry scripts use (cli.py, transform.py, report.py) besides `run`
    "LOADER_FILE_FORMAT",
    "Destination",
    "LogLevel",
    "RunOptions",
    "RunSummary",
    "SourceSpec",
    "configure_logging",
    "duckdb_path",
    "run",
]

LOADER_FILE_FORMAT = "parquet"  # dlt's default insert_values is ~4x slower and far hungrier

log = logging.getLogger("pipelines")


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
    use_returning_allocators()  # before the extract's threads start
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
        summary.appended = plan_appends(
            source,
            _source_state(pipeline, spec),
            partial(tables_with_rows, pipeline),
            refresh=refresh,
        )
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
    drop_normalized_leftovers(pipeline)
    if not pipeline.has_pending_data:
        return
    pending = len(pipeline.list_extracted_load_packages()) + len(
        pipeline.list_normalized_load_packages()
    )
    log.warning("finishing %d pending load package(s) left by an earlier run", pending)
    with _Step("finish pending"):
        pipeline.normalize()
        info = pipeline.load()
        drop_doubled_rows(pipeline)
    summary.pending_finished = pending
    _raise_on_failed_jobs(info)


def _sync(pipeline: dlt.Pipeline, source: DltSource, refresh: bool, summary: RunSummary) -> None:
    started = time.monotonic()
    if refresh:
        drop_stale_staging_dataset(pipeline)
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
        raise step_failure(self.name, exc) from exc
