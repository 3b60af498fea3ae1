"""The demo's steps (both syncs and the dbt build, as subprocesses), the batch of changes a
later run applies in the sandbox first, and how each step's outcome is described."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from demo.processes import StepResult
from sandbox import Sandbox

STDERR_TAIL = 15


@dataclass(frozen=True)
class Changes:
    """The batch of changes a later run applies in the sandbox before syncing. The sandbox's
    mutations draw from seeded random streams, so every run changes the same rows."""

    issues: int = 25
    comments: int = 10
    reviews: int = 5
    merges: int = 3


@dataclass(frozen=True)
class Step:
    key: str
    title: str
    script: str
    args: tuple[str, ...]

    @property
    def command(self) -> str:
        return " ".join(["python", f"pipelines/{self.script}", *self.args])


QUIET = ("--destination", "duckdb", "--log-level", "warning")
STEPS = (
    Step("linear", "Linear sync", "linear.py", ("--no-dbt", *QUIET)),
    Step("github", "GitHub sync", "github.py", ("--no-dbt", *QUIET)),
    Step("dbt", "dbt build", "transform.py", QUIET),
)


@dataclass(frozen=True)
class Applied:
    """What `apply_changes` changed: Linear issue and comment ids, GitHub (repo, number)s."""

    issues: list[str]
    comments: list[str]
    reviewed: list[tuple[str, int]]
    merged: list[tuple[str, int]]


def apply_changes(box: Sandbox, changes: Changes) -> Applied:
    """Apply the batch to a sandbox (started or not): the same rows every time for the same
    company, each with a new timestamp."""
    linear, github = box.linear.workspace, box.github.org_data
    return Applied(
        issues=linear.mutate_issues(changes.issues),
        comments=linear.add_comments(changes.comments),
        reviewed=github.add_reviews(changes.reviews),
        merged=github.merge_pulls(changes.merges),
    )


def figures(summary: dict[str, Any]) -> dict[str, int]:
    api = summary.get("api") or {}
    return {
        "rows": sum((summary.get("rows") or {}).values()),
        "tables": len(summary.get("rows") or {}),
        "requests": int(api.get("requests", 0)),
        "not_modified": int(api.get("not_modified", 0)),
    }


def describe(figures: dict[str, int], summary: dict[str, Any]) -> str:
    if not summary:
        return "done (no summary file was written)"
    rows = (
        f"{figures['rows']:,} rows into {figures['tables']} tables"
        if figures["rows"]
        else "nothing new to load"
    )
    requests = f"{figures['requests']:,} requests"
    if figures["not_modified"]:
        requests += f" ({figures['not_modified']} answered 304 not modified)"
    if summary.get("pending_finished"):
        rows += f", after finishing {summary['pending_finished']} pending load package(s)"
    return f"{rows}, {requests}"


def dbt_line(stdout: str) -> str:
    """dbt's summary line from transform.py's output, without its prefix."""
    for line in reversed(stdout.splitlines()):
        line = line.strip()
        if line.startswith("dbt ("):
            text = line.split(": ", 1)[-1]
            head, _, last = text.rpartition(", ")
            return head if head and last.endswith(" s") else text  # the step's time is shown
    return "done"


def step_failed(number: int, step: Step, result: StepResult) -> str:
    stream = result.stderr if result.stderr.strip() else result.stdout
    tail = [line for line in stream.splitlines() if line.strip()][-STDERR_TAIL:]
    where = "stderr" if result.stderr.strip() else "output"
    return "\n".join(
        [
            f"step {number}/{len(STEPS)}, {step.title}, failed (exit {result.returncode}) after "
            f"{result.seconds:.1f} s: {step.command}",
            f"last lines of its {where}:",
            *(f"  | {line}" for line in tail),
            "The sandbox is stopped; the warehouse keeps what earlier steps loaded.",
        ]
    )
