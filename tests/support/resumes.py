"""What the tests of stopped and resumed runs share (`tests/e2e/test_resume_*.py`,
`test_crash_safety.py`, `test_fault_matrix.py`): each source's truth check, the budget that
binds a first load, small pages, dlt's resource state, and running until a run completes."""

from __future__ import annotations

import json
from collections.abc import Callable, Sequence
from typing import Any

from sandbox import Sandbox
from sandbox.core import RateWindow
from tests.support.github_truth import assert_github_matches_truth
from tests.support.linear_truth import assert_linear_matches_truth
from tests.support.workspace import CliResult, Workspace

#: The warehouse equals the sandbox's truth for that source: nothing lost, nothing doubled.
TRUTH: dict[str, Callable[[Workspace, Sandbox], None]] = {
    "linear": assert_linear_matches_truth,
    "github": assert_github_matches_truth,
}


def request_budget(box: Sandbox, source: str) -> RateWindow:
    """The budget a first load of `source` spends: Linear's requests, GitHub's REST requests."""
    return box.linear.requests_window if source == "linear" else box.github.rate_window


def small_pages(ws: Workspace, source: str, size: int) -> Workspace:
    """`ws`, its runs of `source` reading pages of `size` records."""
    ws.env[f"SOURCES__{source.upper()}__PAGE_SIZE"] = str(size)
    return ws


def resources_state(ws: Workspace, source: str) -> dict[str, Any]:
    """dlt's state of each resource of `source` in `ws` (cursors, resume positions)."""
    path = ws.root / "dlt" / "pipelines" / source / "state.json"
    return json.loads(path.read_text())["sources"][source]["resources"]


def assert_stopped_for_budget(result: CliResult, source: str) -> str:
    """`result` stopped cleanly on a spent rate-limit budget, saying when it resets and that
    the next run resumes; its closing paragraph."""
    paragraph = result.stdout.strip().splitlines()[-1]
    assert paragraph.startswith(f"Stopped early: the {source} rate-limit budget is spent")
    assert "The budget resets at" in paragraph and "resumes" in paragraph, paragraph
    assert "Traceback" not in result.stderr
    return paragraph


def run_until_complete(
    ws: Workspace,
    box: Sandbox,
    source: str,
    runs: int,
    args: Callable[[int], Sequence[str]] = lambda run: ("--no-dbt",),
    on_stop: Callable[[int, CliResult], None] | None = None,
) -> list[int]:
    """Run `source` (with `args(run)`) up to `runs` times until a run completes (exit 0); each
    run before it stops (exit 3), is checked by `on_stop(run, result)`, and the next one starts
    an hour later on the sandbox clock. The exit statuses."""
    statuses: list[int] = []
    for run in range(runs):
        result = ws.run(source, *args(run))
        statuses.append(result.returncode)
        assert result.returncode in (0, 3), result.output
        if result.returncode == 0:
            break
        if on_stop is not None:
            on_stop(run, result)
        box.advance_clock(3600)
    assert statuses[-1] == 0, statuses
    return statuses


def assert_max_duration_resumes(ws: Workspace, box: Sandbox, source: str) -> CliResult:
    """A run of `source` given `--max-duration 0.015` (about a second) stops cleanly (exit 3)
    on the spent time budget; the next run completes with the truth. The stopped run."""
    stopped = ws.run(source, "--no-dbt", "--max-duration", "0.015")
    assert stopped.returncode == 3, stopped.output
    assert "time budget (--max-duration) was spent" in stopped.stdout
    result = ws.run(source, "--no-dbt")
    assert result.returncode == 0, result.output
    TRUTH[source](ws, box)
    return stopped
