"""The dbt step's console follows dlt's log level, as dlt's dbt runner did: quiet (errors only)
unless the run logs at info or debug; a failure without node results still says why."""

from __future__ import annotations

import logging

import pytest

from pipelines.logging_setup import LogLevel, configure_logging
from pipelines.transformations import _describe_failure, _log_args


@pytest.mark.parametrize(
    ("level", "args"),
    [
        (LogLevel.debug, ["--debug"]),
        (LogLevel.info, ["--quiet", "--no-print"]),  # dlt's level stays WARNING at info
        (LogLevel.warning, ["--quiet", "--no-print"]),
        (LogLevel.error, ["--quiet", "--no-print"]),
    ],
)
def test_dbt_output_follows_the_run_log_level(
    level: LogLevel, args: list[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("RUNTIME__LOG_LEVEL", "WARNING")  # restored after the test
    ours = logging.getLogger("pipelines")
    monkeypatch.setattr(ours, "level", ours.level)  # configure_logging sets it: restore it too
    configure_logging(level)  # sets RUNTIME__LOG_LEVEL, which dlt's config reads
    assert _log_args() == args


def test_dlt_info_level_shows_dbt_progress(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("RUNTIME__LOG_LEVEL", "INFO")
    assert _log_args() == []


def test_a_failure_without_results_names_the_exception() -> None:
    error = RuntimeError("Could not find profile named 'engineering_data'\nmore detail")
    assert _describe_failure(error) == (
        "RuntimeError: Could not find profile named 'engineering_data'"
    )
    assert _describe_failure(None) == "dbt reported failure without a failed node"
