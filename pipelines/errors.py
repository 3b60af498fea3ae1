"""Errors a run reports to the user: the message is the one paragraph they see.

`step_failure` translates a failed dlt step (extract, normalize, load, ...) into that paragraph:
the source's own message when a source failed (`SourceError`), a stopped run that could not stop
cleanly, a locked DuckDB file, DuckDB out of memory under its cap, or the innermost exception,
and what became of the run's data.
"""

from __future__ import annotations

from dlt.pipeline.exceptions import PipelineStepFailed

from pipelines.sources.run_budget import RunStopped
from pipelines.sources.stats import SourceError

_LOCKED = "Could not set lock on file"
_LOCK_HOLDER = "Conflicting lock is held in"
_OUT_OF_MEMORY = "Out of Memory Error: "


class RunFailed(Exception):
    """A run failed; the message names the cause."""


class MissingCredential(RunFailed):
    """A required secret or setting is not configured; raised before any request is made."""


def step_failure(step: str, exc: PipelineStepFailed) -> RunFailed:
    """The `RunFailed` for dlt's failure of `step`: cause, then what happened to the data."""
    message = f"{step} step failed: {describe_cause(root_cause(exc))}"
    if step == "extract":
        message += " Nothing from this run was loaded and no cursor moved."
    elif exc.has_pending_data:
        message += " The extracted data is kept; the next run loads it first."
    return RunFailed(message)


def describe_cause(cause: BaseException) -> str:
    """One sentence on why a step failed, for the user."""
    if isinstance(cause, SourceError):
        return str(cause)
    if isinstance(cause, RunStopped):
        return (
            f"{cause} (in a part of the source that cannot stop between units "
            "yet: GitHub pull requests and reviews)."
        )
    holder = duckdb_lock_holder(str(cause))
    if holder is not None:
        return (
            f"the DuckDB file is locked by another process ({holder}): "
            "another run, dbt or a SQL client is writing to it. Wait for it to finish, "
            "then rerun."
        )
    text = str(cause)
    if _OUT_OF_MEMORY in text:
        detail = text.split(_OUT_OF_MEMORY, 1)[1].splitlines()[0]
        return (
            f"DuckDB ran out of memory under its cap ({detail}): raise "
            "destination.duckdb.memory_limit (DESTINATION__DUCKDB__MEMORY_LIMIT), e.g. to '2GB', "
            "then rerun."
        )
    return f"{type(cause).__name__}: {cause}"


def duckdb_lock_holder(message: str) -> str | None:
    """The process DuckDB names as holding the file's lock, or None if `message` is not a lock
    conflict (e.g. "... Conflicting lock is held in /usr/bin/python3 (PID 42). See ...")."""
    if _LOCKED not in message:
        return None
    # The sentence ends at ". " (a path such as python3.11 has dots of its own).
    return message.split(_LOCK_HOLDER, 1)[-1].split(". ", 1)[0].strip().rstrip(".")


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
