"""Injected API faults: the Linear run recovers, or fails with a clear message, moves no cursor,
and the rerun completes with nothing lost or doubled."""

from __future__ import annotations

from typing import Any

import pytest

from sandbox import Sandbox
from tests.conftest import Workspace
from tests.linear_truth import assert_linear_matches_truth

RECOVERS: list[tuple[str, dict[str, Any]]] = [
    ("status", {"status": 503, "times": 3}),
    ("status", {"status": 502, "times": 1, "match": "comments"}),
    ("timeout", {"seconds": 3, "times": 1}),
    ("reset", {"times": 2}),
    ("truncate", {"times": 1}),
    ("ratelimited_400", {"seconds": 1, "times": 1}),
    ("ratelimited_429", {"seconds": 1, "times": 1}),
]

FAILS: list[tuple[str, dict[str, Any], list[str]]] = [
    (
        "graphql_error",
        {"match": "comments", "message": "Something broke in comments"},
        ["comments", "Something broke in comments", "no cursor moved"],
    ),
    ("status", {"status": 503, "times": -1, "match": "issues"}, ["HTTP 503", "/graphql", "issues"]),
    ("ratelimited_400", {"seconds": 3600, "times": -1}, ["rate limit", "rerun after"]),
]


def _first_run_then_change(ws: Workspace, box: Sandbox) -> None:
    assert ws.run("linear", "--no-dbt").returncode == 0
    box.linear.workspace.mutate_issues(5)
    box.linear.workspace.add_comments(4)
    box.linear.clear_log()


@pytest.mark.parametrize(("kind", "options"), RECOVERS, ids=lambda v: str(v))
def test_run_recovers_from(
    kind: str, options: dict[str, Any], workspace: Workspace, sandbox: Sandbox
) -> None:
    _first_run_then_change(workspace, sandbox)
    fault = sandbox.linear.inject(kind, **{"match": "issues", **options})
    result = workspace.run("linear", "--no-dbt")
    assert result.returncode == 0, result.output
    assert fault.hits >= 1
    assert_linear_matches_truth(workspace, sandbox)
    if kind.startswith("ratelimited"):
        assert "rate-limit waits" in result.stdout


@pytest.mark.parametrize(("kind", "options", "expected"), FAILS, ids=lambda v: str(v)[:30])
def test_run_fails_cleanly_then_rerun_completes(
    kind: str,
    options: dict[str, Any],
    expected: list[str],
    workspace: Workspace,
    sandbox: Sandbox,
) -> None:
    _first_run_then_change(workspace, sandbox)
    loads = workspace.query("select count(*) from linear._dlt_loads")[0][0]
    sandbox.linear.inject(kind, **options)
    result = workspace.run("linear", "--no-dbt")
    assert result.returncode == 1, result.output
    assert "Traceback" not in result.stderr
    for text in expected:
        assert text.lower() in result.stderr.lower(), result.stderr
    assert workspace.query("select count(*) from linear._dlt_loads")[0][0] == loads

    sandbox.linear.clear_faults()
    sandbox.linear.requests_window.reset()
    sandbox.linear.complexity_window.reset()
    result = workspace.run("linear", "--no-dbt")
    assert result.returncode == 0, result.output
    assert_linear_matches_truth(workspace, sandbox)


def test_rate_limit_headers_feed_the_summary(workspace: Workspace, sandbox: Sandbox) -> None:
    result = workspace.run("linear", "--no-dbt")
    assert result.returncode == 0, result.output
    assert "rate-limit budget requests:" in result.stdout
    assert "rate-limit budget complexity:" in result.stdout
