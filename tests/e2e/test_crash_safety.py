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
from tests.support.resumes import TRUTH, request_budget, run_until_complete, small_pages
from tests.support.workspace import Workspace

STAGE_MARKERS = {
    "extract": "extract ...",
    "normalize": "normalize ...",
    "load": "load ...",
    "dbt": "dbt build (",
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


#: A first load needing ~3 budget windows: (page size, requests per window). Linear: ~70
#: requests for the tiny workspace; GitHub: ~47 REST requests for the tiny company.
PARTIAL = {"linear": (8, 25), "github": (5, 18)}


def crash_partial_then_converge(
    ws: Workspace, box: Sandbox, source: str, stage: str, seed: int
) -> None:
    """A first load needing ~3 budget windows (`PARTIAL`), killed in a partial run and again
    in a resumed one: the runs that follow resume (exit 3) until one completes (exit 0), and
    the warehouse then equals the truth: no row (comment, profile, pull request) lost or
    doubled."""
    rng = random.Random(seed)
    page_size, limit = PARTIAL[source]
    small_pages(ws, source, page_size)
    request_budget(box, source).limit = limit
    run_and_kill(ws, source, stage, rng.uniform(0.0, 0.6), "--no-dbt")
    box.advance_clock(3600)
    first = ws.run(source, "--no-dbt")
    assert first.returncode in (0, 3), first.output
    box.advance_clock(3600)
    run_and_kill(ws, source, stage, rng.uniform(0.0, 0.6), "--no-dbt")
    box.advance_clock(3600)
    run_until_complete(ws, box, source, 8)
    TRUTH[source](ws, box)


Crash = Callable[[Workspace, Sandbox, str, str, int], None]
#: `crashed(crash, source, stage, seed, company_seed=7)`: one crash case, run.
Crashed = Callable[..., None]


@pytest.fixture
def crashed(
    workspace_factory: Callable[[Sandbox | None], Workspace],
    sandbox_factory: Callable[..., Sandbox],
) -> Crashed:
    """Runs a crash case against a fresh sandbox (25 ms latency) of the company of
    `company_seed` (7: the default company)."""

    def run(crash: Crash, source: str, stage: str, seed: int, company_seed: int = 7) -> None:
        box = sandbox_factory(latency_ms=25, seed=company_seed)
        crash(workspace_factory(box), box, source, stage, seed)

    return run


FAST = [
    ("linear", "extract", 1),
    ("linear", "normalize", 2),
    ("linear", "load", 3),
    ("github", "extract", 4),
    ("github", "load", 5),
    ("linear", "dbt", 6),
]


@pytest.mark.parametrize(("source", "stage", "seed"), FAST)
def test_crash_then_converge(source: str, stage: str, seed: int, crashed: Crashed) -> None:
    crashed(crash_then_converge, source, stage, seed)


def test_crash_in_a_partial_run_then_converge(crashed: Crashed) -> None:
    crashed(crash_partial_then_converge, "linear", "extract", 7)


#: The ways a run is crashed, by the name the sweep's cases carry.
CRASHES: dict[str, Crash] = {"sync": crash_then_converge, "partial": crash_partial_then_converge}
#: The full sweep (`make test-crash`): kills in every stage of both sources' syncs, and in
#: extract, normalize and load of partial runs; each seed also seeds its own company.
SWEEP = [
    *(
        ("sync", source, stage, seed)
        for source in ("linear", "github")
        for stage in STAGE_MARKERS
        for seed in range(10, 22)
    ),
    *(
        ("partial", source, stage, seed)
        for source, seeds in (("linear", range(30, 34)), ("github", range(40, 44)))
        for stage in ("extract", "normalize", "load")
        for seed in seeds
    ),
]


@pytest.mark.slow
@pytest.mark.parametrize(("crash", "source", "stage", "seed"), SWEEP)
def test_crash_sweep(crash: str, source: str, stage: str, seed: int, crashed: Crashed) -> None:
    crashed(CRASHES[crash], source, stage, seed, company_seed=seed)


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
