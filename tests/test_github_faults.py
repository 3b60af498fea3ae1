"""Rate limits and faults on GitHub: the run recovers or stops cleanly, and the rerun completes
with nothing lost or doubled."""

from __future__ import annotations

from typing import Any

import pytest

from sandbox import Sandbox
from tests.conftest import Workspace
from tests.github_truth import assert_github_matches_truth

RECOVERS: list[tuple[str, dict[str, Any]]] = [
    ("status", {"status": 502, "times": 3, "match": "pulls.reviews"}),
    ("status", {"status": 503, "times": 2, "match": "pulls.list"}),
    ("timeout", {"seconds": 3, "times": 1, "match": "issues.comments"}),
    ("reset", {"times": 2, "match": "pulls.comments"}),
    ("truncate", {"times": 1, "match": "pulls.list"}),
    ("secondary_limit", {"status": 403, "retry_after": 1, "times": 1, "match": "pulls.reviews"}),
    ("secondary_limit", {"status": 429, "retry_after": 1, "times": 2, "match": "pulls.list"}),
    ("primary_limit", {"seconds": 2, "times": 1, "skip": 5, "match": "pulls.reviews"}),
]


def _first_run_then_change(ws: Workspace, box: Sandbox) -> None:
    assert ws.run("github", "--no-dbt").returncode == 0
    org = box.github.org_data
    org.add_reviews(4)
    org.add_review_comments(3)
    org.add_issue_comments(3)
    org.merge_pulls(2)
    box.github.clear_log()


@pytest.mark.parametrize(("kind", "options"), RECOVERS, ids=lambda v: str(v)[:40])
def test_run_recovers_from(
    kind: str, options: dict[str, Any], workspace: Workspace, sandbox: Sandbox
) -> None:
    _first_run_then_change(workspace, sandbox)
    fault = sandbox.github.inject(kind, **options)
    result = workspace.run("github", "--no-dbt")
    assert result.returncode == 0, result.output
    assert fault.hits >= 1
    assert_github_matches_truth(workspace, sandbox)
    if kind.endswith("_limit"):
        assert "rate-limit waits" in result.stdout


def test_budget_spent_mid_run_stops_cleanly_then_resumes(
    workspace: Workspace, sandbox: Sandbox
) -> None:
    _first_run_then_change(workspace, sandbox)
    loads = workspace.query("select count(*) from github._dlt_loads")[0][0]
    sandbox.github.inject("primary_limit", seconds=3600, times=1, skip=2, match="pulls")
    result = workspace.run("github", "--no-dbt")
    assert result.returncode == 1, result.output
    assert "rate limit exhausted" in result.stderr and "resets at" in result.stderr
    assert "rerun after the reset" in result.stderr
    assert "Traceback" not in result.stderr
    assert workspace.query("select count(*) from github._dlt_loads")[0][0] == loads

    sandbox.github.rate_window.reset()
    result = workspace.run("github", "--no-dbt")
    assert result.returncode == 0, result.output
    assert_github_matches_truth(workspace, sandbox)


def test_persistent_server_errors_fail_naming_the_endpoint(
    workspace: Workspace, sandbox: Sandbox
) -> None:
    _first_run_then_change(workspace, sandbox)
    sandbox.github.inject("status", status=503, times=-1, match="pulls.comments")
    result = workspace.run("github", "--no-dbt")
    assert result.returncode == 1
    assert "HTTP 503" in result.stderr and "pulls/comments" in result.stderr
    assert "acme/" in result.stderr
    sandbox.github.clear_faults()
    result = workspace.run("github", "--no-dbt")
    assert result.returncode == 0, result.output
    assert_github_matches_truth(workspace, sandbox)
