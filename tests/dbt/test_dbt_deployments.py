"""The delivery marts of the shared warehouse (the tiny company, deployments from GitHub's
deployments API, incidents in Linear) against values computed from the sandbox's truth."""

from __future__ import annotations

import math
from typing import Any

import pytest

from tests.dbt.dbt_support import DbtRun
from tests.support.delivery_truth import _at, expected_deployments, expected_weekly

# The shared warehouse's group: one xdist worker builds `dbt_run` once for all of them.
pytestmark = pytest.mark.xdist_group("dbt-warehouse")


def _close(a: Any, b: Any) -> bool:
    if isinstance(a, float) or isinstance(b, float):
        return a is not None and b is not None and math.isclose(a, b, abs_tol=1e-6)
    return a == b


def test_fct_deployments_matches_the_sandbox(dbt_run: DbtRun) -> None:
    truth = dbt_run.truth
    expected = expected_deployments(truth.deployments, truth.incidents)
    assert truth.incidents and any(r["is_failure"] for r in expected.values())
    assert any(r["pull_request_count"] > 1 for r in expected.values())
    rows = {
        r["deployment_id"]: r
        for r in dbt_run.records(
            "select deployment_id, repo_full_name, environment, deployed_at, pull_request_count,"
            " incident_count, is_failure, failed_at, restored_at from github.fct_deployments"
        )
    }
    assert set(rows) == set(expected)
    for deployment_id, want in expected.items():
        got = rows[deployment_id]
        assert got["repo_full_name"] == want["repo"]
        for column in ("pull_request_count", "incident_count", "is_failure"):
            assert got[column] == want[column], (deployment_id, column, got, want)
        for column in ("deployed_at", "failed_at", "restored_at"):
            assert _at(got[column]) == want[column], (deployment_id, column, got, want)
    shipped = dbt_run.query(
        "select deployment_id, pull_request_id from github.bridge_deployment_pull_requests"
    )
    assert sorted(shipped) == sorted(
        (d, str(p)) for d, want in expected.items() for p in want["pull_request_ids"]
    )


def test_weekly_dora_keys_match_the_sandbox(dbt_run: DbtRun) -> None:
    truth = dbt_run.truth
    deployments = expected_deployments(truth.deployments, truth.incidents)
    first_commits = {i: h["first_commit_at"] for i, h in truth.pull_history.items()}
    expected = expected_weekly(deployments, truth.github["pull_requests"], first_commits)
    rows = {
        (r["repo_full_name"], r["week_start"]): r
        for r in dbt_run.records("select * from github.metrics_weekly_repository")
    }
    assert set(rows) == set(expected)
    assert any(w["deployments"] == 0 for w in expected.values())  # weeks without deploys
    assert any(w["change_failure_rate"] for w in expected.values())
    for key, want in expected.items():
        for column, value in want.items():
            assert _close(rows[key][column], value), (key, column, rows[key][column], value)


def test_delivery_marts_are_github_tables(dbt_run: DbtRun) -> None:
    rows = dbt_run.query(
        "select table_name, table_schema, table_type from information_schema.tables "
        "where table_name in ('fct_deployments', 'bridge_deployment_pull_requests', "
        "'metrics_weekly_repository', 'int_linear__incidents', 'int_github__deployments')"
    )
    assert {name: (schema, kind) for name, schema, kind in rows} == {
        "fct_deployments": ("github", "BASE TABLE"),
        "bridge_deployment_pull_requests": ("github", "BASE TABLE"),
        "metrics_weekly_repository": ("github", "BASE TABLE"),
        "int_linear__incidents": ("linear", "VIEW"),
        "int_github__deployments": ("github", "VIEW"),
    }
    assert {"fct_deployments", "metrics_weekly_repository"} <= dbt_run.selected["cross_source"]
