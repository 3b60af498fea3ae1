"""A failed dlt step becomes one paragraph for the user: the cause a source named (never dlt's
wrapper), a run that could not stop cleanly, a locked DuckDB file, and what became of the data."""

from __future__ import annotations

from types import SimpleNamespace

import pytest
from dlt.pipeline.exceptions import PipelineStepFailed

from pipelines.errors import RunFailed, duckdb_lock_holder, root_cause, step_failure
from pipelines.sources.http import RateLimitExhausted
from pipelines.sources.run_budget import RunStopped
from pipelines.sources.stats import SourceError

LOCKED = (
    'IO Error: Could not set lock on file "/tmp/w.duckdb": Conflicting lock is held in '
    "/usr/bin/python3.11 (PID 4242) by user root. See also https://duckdb.org/docs/"
)


def _failed(step: str, cause: BaseException, *, pending: bool = False) -> PipelineStepFailed:
    """dlt's wrapper around `cause`, as pipeline.extract/normalize/load raise it."""
    pipeline = SimpleNamespace(pipeline_name="linear", has_pending_data=pending)
    try:
        try:
            raise cause
        except BaseException as inner:
            raise RuntimeError("resource 'issues' failed") from inner  # dlt's inner wrapper
    except RuntimeError as wrapped:
        return PipelineStepFailed(pipeline, step, "1700000000.1", wrapped)  # type: ignore[arg-type]


def test_a_source_error_is_reported_in_its_own_words() -> None:
    error = step_failure("extract", _failed("extract", SourceError("linear: HTTP 401: bad key")))
    assert isinstance(error, RunFailed)
    assert str(error) == (
        "extract step failed: linear: HTTP 401: bad key Nothing from this run was loaded and "
        "no cursor moved."
    )


def test_root_cause_stops_at_the_source_error_behind_dlt_wrappers() -> None:
    cause = SourceError("github: repo acme/nope not found")
    assert root_cause(_failed("extract", cause)) is cause
    plain = ValueError("boom")
    assert root_cause(_failed("extract", plain)) is plain


def test_a_spent_rate_limit_is_a_source_error_first() -> None:
    message = str(step_failure("extract", _failed("extract", RateLimitExhausted("spent"))))
    assert message.startswith("extract step failed: spent Nothing")
    assert "cannot stop between units" not in message


def test_a_stop_that_escaped_a_resource_says_where_stopping_is_not_supported() -> None:
    message = str(step_failure("extract", _failed("extract", RunStopped("deadline passed"))))
    assert message.startswith("extract step failed: deadline passed (in a part of the source")
    assert "GitHub pull requests and reviews" in message


def test_a_locked_duckdb_file_names_the_holder() -> None:
    assert duckdb_lock_holder(LOCKED) == "/usr/bin/python3.11 (PID 4242) by user root"
    assert duckdb_lock_holder("IO Error: disk full") is None
    message = str(step_failure("load", _failed("load", OSError(LOCKED))))
    assert message.startswith(
        "load step failed: the DuckDB file is locked by another process "
        "(/usr/bin/python3.11 (PID 4242) by user root): another run, dbt or a SQL client"
    )


def test_duckdb_out_of_memory_names_the_setting_to_raise() -> None:
    oom = RuntimeError(
        "Out of Memory Error: could not allocate block of size 256.0 KiB (60.8 MiB/61.0 MiB "
        "used)\nPossible solutions:\n* Reducing the number of threads (SET threads=X)"
    )
    message = str(step_failure("load", _failed("load", oom, pending=True)))
    assert message == (
        "load step failed: DuckDB ran out of memory under its cap (could not allocate block of "
        "size 256.0 KiB (60.8 MiB/61.0 MiB used)): raise destination.duckdb.memory_limit "
        "(DESTINATION__DUCKDB__MEMORY_LIMIT), e.g. to '2GB', then rerun. The extracted data is "
        "kept; the next run loads it first."
    )


@pytest.mark.parametrize(
    ("pending", "ending"),
    [(True, " The extracted data is kept; the next run loads it first."), (False, "disk full")],
)
def test_after_extract_the_message_says_whether_data_is_kept(pending: bool, ending: str) -> None:
    message = str(step_failure("load", _failed("load", OSError("disk full"), pending=pending)))
    assert message.startswith("load step failed: OSError: disk full")
    assert message.endswith(ending)
