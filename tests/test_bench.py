"""`python -m bench --quick`: the smoke version of the benchmark suite runs end to end, writes its
report, and its deterministic figures (requests, rows, complexity) are right. Times are never
asserted: they are the benchmark's output, not a property of the code."""

from __future__ import annotations

import json
import math
import subprocess
import sys
from importlib import metadata
from pathlib import Path
from typing import Any

import pytest

from sandbox import Sandbox
from sandbox.linear.model import ENTITIES

REPO_ROOT = Path(__file__).resolve().parents[1]
SEED = 7


@pytest.fixture(scope="module")
def quick(tmp_path_factory: pytest.TempPathFactory) -> tuple[str, dict[str, Any], str]:
    """(report, results, stdout) of one `python -m bench --quick` run."""
    out = tmp_path_factory.mktemp("bench")
    proc = subprocess.run(
        [
            sys.executable,
            "-m",
            "bench",
            "--quick",
            "--seed",
            str(SEED),
            "--out",
            str(out / "report.md"),
            "--json",
            str(out / "results.json"),
        ],
        cwd=REPO_ROOT,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert proc.returncode == 0, proc.stdout[-3000:] + proc.stderr[-3000:]
    assert (out / "report.md").exists()
    report = (out / "report.md").read_text()
    results = json.loads((out / "results.json").read_text())
    return report, results, proc.stdout


@pytest.fixture(scope="module")
def tiny() -> Sandbox:
    """The same company the quick bench ran against (not started: only its data is read)."""
    return Sandbox(seed=SEED, size="tiny")


def test_report_has_every_section(quick: tuple[str, dict[str, Any], str]) -> None:
    report, results, stdout = quick
    for heading in (
        "# Benchmark report",
        "## Machine",
        "## Headlines",
        "## How it was measured",
        "## Start-up: cold and warm bytecode cache",
        "## Linear",
        "### Requests beside the theoretical minimum",
        "### Complexity",
        "## GitHub",
        "### Wall time and latency",
        "## Lower bound: the same rows straight into DuckDB",
        "## Memory by stage, and disk",
        "## Observations",
    ):
        assert f"\n{heading}\n" in f"\n{report}", f"missing section {heading!r}"
    # The machine and versions head the report.
    assert f"| dlt | {metadata.version('dlt')} |" in report
    assert f"| duckdb | {metadata.version('duckdb')} |" in report
    assert "| Python |" in report and "cores" in report
    # The formulas behind the minimums are printed.
    assert "⌈rows that must be read / 250⌉" in report
    assert "1 review call per PR" in report
    # Figures were printed as they came.
    assert "linear full:" in stdout and "github 0 ms full:" in stdout
    assert results["failures"] == []


def test_linear_requests_are_the_minimum(
    quick: tuple[str, dict[str, Any], str], tiny: Sandbox
) -> None:
    _, results, _ = quick
    linear = results["linear"]
    truth = {e: len(tiny.linear.workspace.truth(e)) for e in ENTITIES}
    # Full sync: every row must be read, 250 a page, at least one request per entity.
    expected = sum(max(1, math.ceil(n / 250)) for n in truth.values())
    full = linear["full"]
    assert full["minimum"] == expected
    assert full["requests"] == expected, "full sync above its minimum: report to the lead"
    assert full["client_requests"] == full["requests"]
    assert full["run"]["rows"]["raw_issues"] == truth["issues"]
    assert full["run"]["rows"]["raw_comments"] == truth["comments"]
    assert full["issue_rows_read"] == truth["issues"]
    # Complexity: what the client counted is what the sandbox charged.
    assert full["complexity"] > 0
    assert full["client_complexity"] == full["complexity"]

    # Incremental: 100 issues changed and 50 comments added all fit one page each.
    incremental = linear["incremental"]
    assert linear["mutations"]["changed_rows"]["issues"] == 100
    assert linear["mutations"]["changed_rows"]["comments"] == 50
    assert incremental["minimum"] == len(ENTITIES)
    assert incremental["requests"] == len(ENTITIES)
    assert incremental["run"]["rows"]["raw_issues"] == 100
    assert incremental["run"]["rows"]["raw_comments"] == 50

    noop = linear["noop"]
    assert noop["requests"] == noop["minimum"] == len(ENTITIES)
    assert noop["run"]["total_rows"] == 0


def test_github_requests_are_the_minimum(
    quick: tuple[str, dict[str, Any], str], tiny: Sandbox
) -> None:
    _, results, _ = quick
    org = tiny.github.org_data
    members = len(org.members())
    expected_full = math.ceil(members / 100) + members
    for name in tiny.github.repo_names:
        repo = org.repo(*name.split("/"))
        assert repo is not None
        pulls = len(org.pulls(repo, state="all"))
        expected_full += (
            max(1, math.ceil(pulls / 100))
            + pulls
            + max(1, math.ceil(len(org.review_comments(repo)) / 100))
            + max(1, math.ceil(len(org.issue_comments(repo)) / 100))
        )
    by_latency = results["github"]
    assert set(by_latency) == {"0", "100"}
    for latency, gh in by_latency.items():
        full, incremental = gh["full"], gh["incremental"]
        assert full["minimum"] == expected_full
        assert full["requests"] == expected_full, f"{latency} ms: full sync above its minimum"
        assert full["charged"] == expected_full
        assert full["run"]["rows"]["raw_pull_requests"] == len(org.truth("pull_requests"))

        # Incremental: per repo one pull page, a review call per changed PR, one page per
        # comment endpoint, all charged; member pages and profiles answered 304, uncharged.
        changed = gh["mutations"]["changed_pulls"]
        repos = len(tiny.github.repo_names)
        assert incremental["minimum_charged"] == repos * 3 + changed
        assert incremental["charged"] == incremental["minimum_charged"]
        assert incremental["minimum_uncharged"] == math.ceil(members / 100) + members
        assert incremental["uncharged"] == incremental["minimum_uncharged"]
        assert incremental["statuses"].get("304") == incremental["uncharged"]
        assert incremental["by_op"]["pulls.reviews"] == changed
        assert incremental["run"]["rows"]["raw_pull_requests"] == changed
    # The latency changes the time only, never what is asked.
    assert by_latency["0"]["full"]["counts"] == by_latency["100"]["full"]["counts"]
    assert by_latency["0"]["incremental"]["counts"] == by_latency["100"]["incremental"]["counts"]


def test_lower_bound_uses_the_same_issue_rows(
    quick: tuple[str, dict[str, Any], str], tiny: Sandbox
) -> None:
    report, results, _ = quick
    bound = results["lower_bound"]
    issues = len(tiny.linear.workspace.truth("issues"))
    assert bound["issues_only"]["ok"]
    assert bound["issues_only"]["requests"] == max(1, math.ceil(issues / 250))
    assert bound["issues_only"]["run"]["rows"]["raw_issues"] == issues
    assert set(bound["issues_only"]["run"]["rows"]) == {"raw_issues", "raw_issues__labels"}
    assert bound["tables"]["issues"]["rows"] == issues
    assert bound["issues_ratio"] is not None
    assert "issues only" in report
