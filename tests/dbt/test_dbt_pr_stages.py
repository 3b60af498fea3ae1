"""Where pull-request time goes (`fct_pull_requests`' stages, sizes and bots) and the weekly
percentiles of `metrics_weekly_repository`, on the shared warehouse, against values computed
from the sandbox's truth (tests/support/pr_stage_truth.py)."""

from __future__ import annotations

from collections import defaultdict
from typing import Any

import pytest

from tests.dbt.dbt_support import DbtRun
from tests.support.delivery_truth import _at, week_start
from tests.support.pr_stage_truth import expected_stages, percentile

# The shared warehouse's group: one xdist worker builds `dbt_run` once for all of them.
pytestmark = pytest.mark.xdist_group("dbt-warehouse")

TIMES = ("ready_for_review_at", "first_commit_at", "first_reviewed_at")


def _expected(dbt_run: DbtRun) -> dict[str, dict[str, Any]]:
    truth = dbt_run.truth
    return expected_stages(truth.github, truth.pull_history, truth.deployments)


def test_every_stage_of_every_pull_request_matches_the_sandbox(dbt_run: DbtRun) -> None:
    expected = _expected(dbt_run)
    columns = [c for c in next(iter(expected.values())) if c not in ("repo", "merged_at")]
    rows = {
        r["pull_request_id"]: r
        for r in dbt_run.records(
            f"select pull_request_id, {', '.join(columns)} from github.fct_pull_requests"
        )
    }
    assert set(rows) == set(expected)
    for pull_id, want in expected.items():
        got = rows[pull_id]
        for column in columns:
            value = _at(got[column]) if column in TIMES else got[column]
            if column.endswith("_hours") and want[column] is not None:
                assert value == pytest.approx(want[column], abs=1e-6), (pull_id, column)
            else:
                assert value == want[column], (pull_id, column, value, want[column])
    # the tiny company has every case the definitions name
    wants = list(expected.values())
    assert any(w["is_opened_as_draft"] and w["ready_for_review_at"] for w in wants)
    assert any(w["is_opened_as_draft"] and w["ready_for_review_at"] is None for w in wants)
    assert any(w["bot_review_count"] for w in wants) and any(w["is_bot_author"] for w in wants)
    assert any(w["bot_comment_count"] for w in wants)  # Linear's linkback comments
    assert any(w["merged_at"] and w["pickup_hours"] is None for w in wants)  # never reviewed
    assert any(w["merge_hours"] for w in wants) and any(w["deploy_hours"] for w in wants)
    assert any(w["changes_requested_count"] for w in wants)
    assert any(w["commits_after_first_review"] for w in wants)  # rework
    assert any(w["first_reviewed_at"] and not w["commits_after_first_review"] for w in wants)
    assert any(w["coding_hours"] == 0 for w in wants)  # force-pushed after opening
    assert {w["size_bucket"] for w in wants} >= {"s", "m"}


def test_weekly_stage_percentiles_match_the_sandbox(dbt_run: DbtRun) -> None:
    stages: dict[tuple[str, Any], dict[str, list[float]]] = defaultdict(lambda: defaultdict(list))
    for want in _expected(dbt_run).values():
        if want["merged_at"] is None:
            continue
        week = stages[(want["repo"], week_start(want["merged_at"]))]
        for column in ("coding", "pickup", "review", "merge", "cycle"):
            if want[f"{column}_hours"] is not None:
                week[column].append(want[f"{column}_hours"])
        week["lines"].append(want["lines_changed"])
    rows = {
        (r["repo_full_name"], r["week_start"]): r
        for r in dbt_run.records("select * from github.metrics_weekly_repository")
    }
    checks = {
        "coding_p50_hours": ("coding", 0.5),
        "pickup_p50_hours": ("pickup", 0.5),
        "pickup_p85_hours": ("pickup", 0.85),
        "review_p50_hours": ("review", 0.5),
        "review_p85_hours": ("review", 0.85),
        "merge_p50_hours": ("merge", 0.5),
        "cycle_time_p50_hours": ("cycle", 0.5),
        "cycle_time_p85_hours": ("cycle", 0.85),
        "size_p50_lines": ("lines", 0.5),
    }
    assert stages and set(stages) <= set(rows)
    for key, row in rows.items():
        for column, (stage, fraction) in checks.items():
            want = percentile(stages.get(key, {}).get(stage, []), fraction)
            if want is None:
                assert row[column] is None, (key, column)
            else:
                assert row[column] == pytest.approx(want, abs=1e-6), (key, column)


def test_the_demo_question_where_pr_time_goes(dbt_run: DbtRun) -> None:
    """The demo's question answers one row per repository with the truth's stage medians."""
    from demo.questions import load
    from demo.warehouse import answer, connect

    asked = load(dbt_run.root / "target" / "manifest.json")
    [question] = [q for q in asked if q.title.startswith("Where does PR time go")]
    with connect(dbt_run.duckdb_file) as con:
        columns, rows = answer(con, question)
    merged: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for want in _expected(dbt_run).values():
        if want["merged_at"] is not None:
            merged[want["repo"]].append(want)
    assert [r[0] for r in rows] == sorted(merged)
    for row in rows:
        got = dict(zip(columns, row, strict=True))
        pulls = merged[got["repository"]]
        assert got["merged_prs"] == len(pulls)
        for stage in ("coding", "pickup", "review", "merge", "deploy"):
            want = percentile([p[f"{stage}_hours"] for p in pulls], 0.5)
            if want is None:
                assert got[stage] is None, (row, stage)
            else:  # rounded to 0.1 by the query
                assert float(got[stage]) == pytest.approx(want, abs=0.05 + 1e-9), (row, stage)
