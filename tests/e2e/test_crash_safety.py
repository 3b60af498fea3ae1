"""Crash safety: the pipeline process group is SIGKILLed at random points of extract,
normalize, load and dbt; every rerun converges to the sandbox's truth with no duplicates.

A fast subset runs in `make test`; the full sweep (many seeds, both sources) is marked `slow`
and runs with `make test-crash`.
"""

from __future__ import annotations

import contextlib
import os
import random
import signal
import subprocess
import sys
import time
from collections.abc import Callable

import pytest

from pipelines.paths import REPO_ROOT
from sandbox import Sandbox
from tests.support.github_truth import assert_github_matches_truth
from tests.support.linear_truth import assert_linear_matches_truth
from tests.support.workspace import Workspace

STAGE_MARKERS = {
    "extract": "extract ...",
    "normalize": "normalize ...",
    "load": "load ...",
    "dbt": "dbt build (",
}
TRUTH: dict[str, Callable[[Workspace, Sandbox], None]] = {
    "linear": assert_linear_matches_truth,
    "github": assert_github_matches_truth,
}


def run_and_kill(ws: Workspace, script: str, stage: str, delay: float, *args: str) -> str:
    """Start the CLI, wait until it announces `stage`, then SIGKILL its whole process group
    (dbt runs in a child process) after `delay` seconds. Returns where it died."""
    proc = subprocess.Popen(
        [sys.executable, str(REPO_ROOT / "pipelines" / f"{script}.py"), *args],
        env=ws.env,
        cwd=ws.root,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
        start_new_session=True,
    )
    assert proc.stderr is not None
    reached = False
    for line in proc.stderr:
        if STAGE_MARKERS[stage] in line:
            reached = True
            break
    if reached:
        time.sleep(delay)
    with contextlib.suppress(ProcessLookupError):
        os.killpg(proc.pid, signal.SIGKILL)
    proc.wait(timeout=30)
    return f"killed in {stage}" if reached and proc.returncode == -signal.SIGKILL else "finished"


def mutate(box: Sandbox, source: str, rng: random.Random) -> None:
    if source == "linear":
        box.linear.workspace.mutate_issues(rng.randint(1, 8))
        box.linear.workspace.add_comments(rng.randint(0, 5))
        box.linear.workspace.archive_issues(rng.randint(0, 2))
    else:
        org = box.github.org_data
        org.add_reviews(rng.randint(1, 5))
        org.add_issue_comments(rng.randint(0, 4))
        org.merge_pulls(rng.randint(0, 2))


def crash_then_converge(ws: Workspace, box: Sandbox, source: str, stage: str, seed: int) -> None:
    """Kill a first sync and an incremental one; each rerun must land exactly the truth. (A
    kill in dbt: the first sync only; dbt rebuilds every model each run, so a second round
    repeats the same case at the cost of two more builds.)"""
    rng = random.Random(seed)
    args = () if stage == "dbt" else ("--no-dbt",)
    for _ in range(1 if stage == "dbt" else 2):
        run_and_kill(ws, source, stage, rng.uniform(0.0, 0.6), *args)
        result = ws.run(source, *args)
        assert result.returncode == 0, result.output
        TRUTH[source](ws, box)
        mutate(box, source, rng)
    if stage == "dbt":
        built = ws.query(
            "select count(*) from information_schema.tables "
            f"where table_schema = '{source}' and table_name like 'stg_%'"
        )[0][0]
        assert built > 0


def crash_partial_then_converge(ws: Workspace, box: Sandbox, stage: str, seed: int) -> None:
    """A first Linear load needing ~3 budget windows, killed in a partial run and again in a
    resumed one: the runs that follow resume (exit 3) until one completes (exit 0), and the
    warehouse then equals the truth with no duplicates."""
    rng = random.Random(seed)
    ws.env["SOURCES__LINEAR__PAGE_SIZE"] = "8"  # ~70 requests for the tiny workspace
    box.linear.requests_window.limit = 25
    run_and_kill(ws, "linear", stage, rng.uniform(0.0, 0.6), "--no-dbt")
    box.advance_clock(3600)
    first = ws.run("linear", "--no-dbt")
    assert first.returncode in (0, 3), first.output
    box.advance_clock(3600)
    run_and_kill(ws, "linear", stage, rng.uniform(0.0, 0.6), "--no-dbt")
    statuses = []
    for _ in range(8):
        box.advance_clock(3600)
        result = ws.run("linear", "--no-dbt")
        statuses.append(result.returncode)
        assert result.returncode in (0, 3), result.output
        if result.returncode == 0:
            break
    assert statuses[-1] == 0, statuses
    TRUTH["linear"](ws, box)


def crash_partial_github_then_converge(ws: Workspace, box: Sandbox, stage: str, seed: int) -> None:
    """The same for a first GitHub load needing ~3 windows of REST requests (small REST pages):
    killed in a partial run and in a resumed one, then resumed (exit 3) until it completes
    (exit 0) with the truth: no comment, profile or pull request lost or doubled."""
    rng = random.Random(seed)
    ws.env["SOURCES__GITHUB__PAGE_SIZE"] = "5"  # ~47 REST requests for the tiny company
    box.github.rate_window.limit = 18
    run_and_kill(ws, "github", stage, rng.uniform(0.0, 0.6), "--no-dbt")
    box.advance_clock(3600)
    first = ws.run("github", "--no-dbt")
    assert first.returncode in (0, 3), first.output
    box.advance_clock(3600)
    run_and_kill(ws, "github", stage, rng.uniform(0.0, 0.6), "--no-dbt")
    statuses = []
    for _ in range(8):
        box.advance_clock(3600)
        result = ws.run("github", "--no-dbt")
        statuses.append(result.returncode)
        assert result.returncode in (0, 3), result.output
        if result.returncode == 0:
            break
    assert statuses[-1] == 0, statuses
    TRUTH["github"](ws, box)


FAST = [
    ("linear", "extract", 1),
    ("linear", "normalize", 2),
    ("linear", "load", 3),
    ("github", "extract", 4),
    ("github", "load", 5),
    ("linear", "dbt", 6),
]


@pytest.mark.parametrize(("source", "stage", "seed"), FAST)
def test_crash_then_converge(
    source: str,
    stage: str,
    seed: int,
    workspace_factory,
    sandbox_factory,  # type: ignore[no-untyped-def]
) -> None:
    box = sandbox_factory(latency_ms=25)
    crash_then_converge(workspace_factory(box), box, source, stage, seed)


@pytest.mark.slow
@pytest.mark.parametrize("seed", range(10, 22))
@pytest.mark.parametrize("stage", list(STAGE_MARKERS))
@pytest.mark.parametrize("source", ["linear", "github"])
def test_crash_sweep(
    source: str,
    stage: str,
    seed: int,
    workspace_factory,
    sandbox_factory,  # type: ignore[no-untyped-def]
) -> None:
    box = sandbox_factory(latency_ms=25, seed=seed)
    crash_then_converge(workspace_factory(box), box, source, stage, seed)


def test_crash_in_a_partial_run_then_converge(workspace_factory, sandbox_factory) -> None:  # type: ignore[no-untyped-def]
    box = sandbox_factory(latency_ms=25)
    crash_partial_then_converge(workspace_factory(box), box, "extract", 7)


@pytest.mark.slow
@pytest.mark.parametrize("seed", range(30, 34))
@pytest.mark.parametrize("stage", ["extract", "normalize", "load"])
def test_crash_sweep_partial_runs(
    stage: str,
    seed: int,
    workspace_factory,
    sandbox_factory,  # type: ignore[no-untyped-def]
) -> None:
    box = sandbox_factory(latency_ms=25, seed=seed)
    crash_partial_then_converge(workspace_factory(box), box, stage, seed)


@pytest.mark.slow
@pytest.mark.parametrize("seed", range(40, 44))
@pytest.mark.parametrize("stage", ["extract", "normalize", "load"])
def test_crash_sweep_partial_github_runs(
    stage: str,
    seed: int,
    workspace_factory,
    sandbox_factory,  # type: ignore[no-untyped-def]
) -> None:
    box = sandbox_factory(latency_ms=25, seed=seed)
    crash_partial_github_then_converge(workspace_factory(box), box, stage, seed)


def test_a_kill_between_dlts_completed_marker_and_its_move_is_finished_on_rerun(
    workspace: Workspace, sandbox: Sandbox
) -> None:
    """dlt marks a package completed, then moves it to `loaded/`: a kill between the two
    leaves a completed package among the normalized ones. The rerun must finish it, not fail
    with `LoadPackageAlreadyCompleted` (seen in CI as github-load-5)."""
    assert workspace.run("github", "--no-dbt").returncode == 0
    load_dir = workspace.root / "dlt" / "pipelines" / "github" / "load"
    (package,) = [p for p in (load_dir / "loaded").iterdir() if p.is_dir()]
    assert (package / "package_completed.json").exists()
    (load_dir / "normalized").mkdir(exist_ok=True)
    package.rename(load_dir / "normalized" / package.name)

    result = workspace.run("github", "--no-dbt")
    assert result.returncode == 0, result.output
    assert (load_dir / "loaded" / package.name).is_dir()
    assert not (load_dir / "normalized" / package.name).exists()
    assert_github_matches_truth(workspace, sandbox)
    loads = workspace.column(
        f"select count(*) from github._dlt_loads where load_id = '{package.name}'"
    )
    assert loads == [1]


def test_rows_a_retried_load_doubled_are_removed(workspace: Workspace, sandbox: Sandbox) -> None:
    """dlt's merge of a table with child tables lets a crash-retried staging copy land twice
    (rows with the same `_dlt_id`, seen in CI as github-load-5): after finishing pending
    packages the runner removes them, and only them."""
    import dlt
    import duckdb

    from pipelines.packages import drop_doubled_rows

    assert workspace.run("github", "--no-dbt").returncode == 0
    with duckdb.connect(str(workspace.duckdb_file)) as con:
        con.execute(
            "insert into github.raw_pull_requests "
            "select * from github.raw_pull_requests order by id limit 3"
        )
    pipeline = dlt.pipeline(
        pipeline_name="github",
        pipelines_dir=str(workspace.root / "dlt" / "pipelines"),
        destination=dlt.destinations.duckdb(str(workspace.duckdb_file)),
        dataset_name="github",
    )
    assert drop_doubled_rows(pipeline) == {"raw_pull_requests": 3}
    assert drop_doubled_rows(pipeline) == {}
    assert_github_matches_truth(workspace, sandbox)
