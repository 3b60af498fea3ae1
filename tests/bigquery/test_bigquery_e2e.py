"""End to end on BigQuery, offline: both sandboxes -> `python pipelines/<source>.py
--destination bigquery --no-dbt` (subprocesses, credentials as users supply them) -> the local
BigQuery emulator. dlt's merge on BigQuery (delete-insert through the `<dataset>_staging`
dataset, child tables replaced) must leave the raw tables equal to the sandbox's truth after a
full and an incremental run. Then `python pipelines/transform.py --destination bigquery` (the
daily workflow's dbt job) builds every model, test and unit test on BigQuery, and every mart
must equal, cell by cell, the DuckDB build of the same data (the DuckDB twin: every sync also
loads it, so it has the same history).

The fixtures (emulator, token endpoint, `bq_run` with its twin, `bq_loaded`) are in
conftest.py; the mart comparison in marts.py."""

from __future__ import annotations

import json
import shutil
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import pytest
from cryptography.hazmat.primitives import serialization
from google.auth import jwt

from pipelines.transformations import DBT_DIR
from tests.bigquery.conftest import KEY_PROJECT, SOURCES, BigQueryRun
from tests.bigquery.marts import MARTS, Mart, differences, read_bigquery, read_duckdb
from tests.bigquery.secrets_scan import assert_no_secret_left
from tests.bigquery.warehouse import (
    assert_child_rows_have_parents,
    assert_staging_emptied,
    merged_tables,
)
from tests.support.fake_gcp import service_account
from tests.support.github_truth import assert_github_matches_truth
from tests.support.linear_truth import assert_linear_matches_truth
from tests.support.workspace import CliResult, Workspace

# One pytest-xdist worker runs this group: it shares a session fixture.
pytestmark = pytest.mark.xdist_group("bigquery")

GOOGLE_TOKEN_URI = "https://oauth2.googleapis.com/token"  # the audience google-auth signs for


def assert_warehouse_matches_sandbox(run: BigQueryRun) -> None:
    assert_linear_matches_truth(run.warehouse, run.box)
    assert_github_matches_truth(run.warehouse, run.box)
    for dataset in SOURCES:
        assert_child_rows_have_parents(run.warehouse, dataset)
        assert_staging_emptied(run.warehouse, dataset, run.summaries[dataset])


def test_full_sync_lands_the_truth_in_bigquery(bq_loaded: BigQueryRun) -> None:
    run = bq_loaded
    assert_warehouse_matches_sandbox(run)
    # Linear's first load appended every table (no row to merge with); GitHub's merged.
    assert set(run.summaries["linear"]["appended"]) >= {"raw_issues", "raw_issue_history"}
    assert merged_tables(run.summaries["github"]), run.summaries["github"]
    # Everything went to GCP_PROJECT_ID, not to the key's own project.
    assert {"linear", "github", "github_staging"} <= run.warehouse.datasets()
    assert not list(run.emulator.client(KEY_PROJECT).list_datasets())
    # The token requests were signed with the user's key (google-auth's ordinary
    # service-account flow: nothing test-only in the pipeline's credential handling).
    assert_signed_with_the_users_key(run.tokens.assertions)


def test_incremental_sync_merges_changes_into_bigquery(bq_loaded: BigQueryRun) -> None:
    run = bq_loaded
    linear, github = run.box.linear.workspace, run.box.github.org_data
    issues_total = len(linear.truth("issues"))

    # Linear: moved and relabelled issues, new issues and comments, archived issues; and labels
    # taken away (the merge must delete those child rows, not only add new ones).
    labelled = [i for i in linear.truth("issues") if len(i["labelIds"]) >= 2][:2]
    assert len(labelled) == 2, "the sandbox should have issues with several labels"
    with linear.lock:
        linear.get("issues", labelled[0]["id"])["labelIds"] = labelled[0]["labelIds"][:1]
        linear.get("issues", labelled[1]["id"])["labelIds"] = []
    linear.touch("issues", [i["id"] for i in labelled])
    linear.mutate_issues(6)
    linear.add_issues(3)
    linear.add_comments(4)
    linear.archive_issues(2)  # updatedAt does not move

    # GitHub: reviews, comments, merged, relabelled/retitled and new pull requests, a profile.
    labels_before = {pr["id"]: len(pr["labels"]) for pr in github.truth("pull_requests")}
    github.add_reviews(3)
    github.add_review_comments(2)
    github.add_issue_comments(2)
    github.merge_pulls(2)
    github.update_pulls(8)
    github.open_pulls(2)
    github.update_users(1)
    labels_after = {pr["id"]: len(pr["labels"]) for pr in github.truth("pull_requests")}
    assert any(labels_after[i] != n for i, n in labels_before.items()), "no PR was relabelled"

    summaries = run.sync(*SOURCES)
    assert_warehouse_matches_sandbox(run)
    # It was an incremental run: only a handful of issues travelled, not the whole workspace.
    loaded_issues = summaries["linear"]["rows"]["raw_issues"]
    assert 5 <= loaded_issues < issues_total / 2, summaries["linear"]["rows"]


# What makes the comparison meaningful: each of these has, in some row, a value that is not null
# (and not zero, for numbers), so two builds cannot agree merely by both being empty.
METRICS = {
    "fct_issues": (
        "lead_time_hours",
        "cycle_time_hours",
        "labels",
        "linked_pull_request_count",
        "merged_pull_request_count",
        "comment_count",
        "first_commit_at",
        "hours_pr_ready_to_merged",
    ),
    "fct_pull_requests": (
        "hours_to_first_review",
        "hours_to_first_approval",
        "hours_to_merge",
        "review_count",
        "reviewer_count",
        "review_comment_count",
        "labels",
        "linear_issue_id",
        "author_user_key",
        "ready_for_review_at",
        "coding_hours",
        "pickup_hours",
        "review_hours",
        "cycle_hours",
        "lines_changed",
        "size_bucket",
        "bot_review_count",
    ),
    "dim_users": ("github_login", "linear_user_id"),
    "bridge_issue_pull_requests": ("issue_id", "pull_request_id"),
    "fct_deployments": ("deployed_at", "pull_request_count", "is_failure", "restored_at"),
    "bridge_deployment_pull_requests": ("lead_time_hours",),
    "metrics_weekly_repository": (
        "prs_merged",
        "pickup_p50_hours",
        "review_p50_hours",
        "cycle_time_p85_hours",
        "size_p50_lines",
        "deployments",
        "lead_time_for_changes_p50_hours",
        "change_failure_rate",
        "time_to_restore_p50_hours",
    ),
    "fct_cycles": ("committed_issues", "added_issues", "carried_over_issues"),
    "metrics_weekly_team": (
        "issues_completed",
        "issues_in_progress",
        "cycle_time_p50_hours",
        "cycle_time_p85_hours",
    ),
}
# ... and these take several values (every identity rule and link rule is exercised).
VARIED = {"dim_users": "match_method", "bridge_issue_pull_requests": "link_method"}
DBT_OK = {"success", "pass"}


def test_marts_on_bigquery_match_the_duckdb_build(bq_loaded: BigQueryRun, tmp_path: Path) -> None:
    """The daily workflow's dbt job on BigQuery (`transform.py --destination bigquery`, the
    user's credentials) against the same build on the DuckDB twin (loaded by the same syncs of
    the same sandbox states): every mart has the same columns, rows and values on both."""
    run = bq_loaded

    def build_duckdb() -> CliResult:
        return run.twin.run("transform", timeout=600)

    # Both builds at once when their dbt target folders differ (DBT_TARGET_PATH); else one
    # after the other, since both would write dbt/target.
    overlap = _target_dir(run.workspace) != _target_dir(run.twin)
    with ThreadPoolExecutor(1) as pool:
        duckdb_build = pool.submit(build_duckdb) if overlap else None
        tokens_before = len(run.tokens.assertions)
        bq_build = run.workspace.run("transform", "--destination", "bigquery", timeout=600)
        bq_results = _dbt_results(run.workspace, tmp_path / "bigquery_run_results.json")
        dbt_tokens = run.tokens.assertions[tokens_before:]
        ddb_build = duckdb_build.result() if duckdb_build else build_duckdb()
    assert bq_build.returncode == 0, f"dbt build on BigQuery failed:\n{bq_build.output}"
    _assert_dbt_build_clean(bq_results, bq_build)
    # dbt authenticated with the key from GCP_SA_KEY (the file transform.py wrote for it).
    assert_signed_with_the_users_key(dbt_tokens)
    assert ddb_build.returncode == 0, f"dbt build on DuckDB failed:\n{ddb_build.output}"
    _assert_dbt_build_clean(_dbt_results(run.twin, tmp_path / "duckdb_run_results.json"), ddb_build)

    for mart, (dataset, key) in MARTS.items():
        table = run.warehouse.client.get_table(f"{run.project}.{dataset}.{mart}")
        assert table.table_type == "TABLE", f"{dataset}.{mart} on BigQuery: {table.table_type}"
        bq = read_bigquery(run.warehouse, dataset, mart, key)
        ddb = read_duckdb(str(run.twin.duckdb_file), dataset, mart, key)
        assert bq.rows, f"{dataset}.{mart} is empty"
        assert len(bq.rows) == len(ddb.rows), f"{mart}: {len(bq.rows)} rows vs {len(ddb.rows)}"
        found = differences(bq, ddb)
        assert not found, f"{mart}: {len(found)} differences, e.g.\n" + "\n".join(found[:10])
        _assert_not_vacuous(mart, bq)

    # Secrets leave no trace in anything this module's runs (debug-logged) printed or left.
    assert_no_secret_left(run)


def _target_dir(workspace: Workspace) -> Path:
    """Where dbt writes its run_results.json for this workspace."""
    return DBT_DIR / workspace.env.get("DBT_TARGET_PATH", "target")


def _dbt_results(workspace: Workspace, keep: Path) -> list[dict[str, Any]]:
    """The workspace's last dbt build's results (run_results.json in dbt's target folder:
    dbt/target, or where DBT_TARGET_PATH points), copied to `keep` before the next build."""
    path = _target_dir(workspace) / "run_results.json"
    assert path.exists(), "dbt wrote no run_results.json"
    shutil.copyfile(path, keep)
    return list(json.loads(keep.read_text())["results"])


def _assert_dbt_build_clean(results: list[dict[str, Any]], build: CliResult) -> None:
    """Every node built or passed: seeds, models, data tests and unit tests, nothing skipped."""
    bad = [
        f"{r['unique_id']}: {r['status']} {r.get('message')}"
        for r in results
        if r["status"] not in DBT_OK
    ]
    assert not bad, "\n".join(bad[:10])
    kinds = {r["unique_id"].split(".", 1)[0] for r in results}
    assert {"seed", "model", "test", "unit_test"} <= kinds, kinds
    built = {
        r["unique_id"].rsplit(".", 1)[-1] for r in results if r["unique_id"].startswith("model.")
    }
    assert set(MARTS) <= built, f"a full build, not a selection: {sorted(built)}"
    tests = sum(1 for r in results if r["unique_id"].startswith(("test.", "unit_test.")))
    assert f"{tests} of {tests} tests passed" in build.stdout, build.stdout


def _assert_not_vacuous(mart: str, rows: Mart) -> None:
    for column in METRICS[mart]:
        values = [r[column] for r in rows.rows.values()]
        assert any(v not in (None, 0, "") for v in values), f"{mart}.{column}: never set"
    if mart in VARIED:
        methods = {r[VARIED[mart]] for r in rows.rows.values()}
        assert len(methods) >= 2, f"{mart}.{VARIED[mart]}: only {methods}"


def assert_signed_with_the_users_key(assertions: list[str]) -> None:
    """Token requests were made, each a JWT signed with the key in GCP_SA_KEY."""
    assert assertions, "no token was requested"
    public = _public_pem(service_account()["private_key"])
    for assertion in assertions:
        claims = jwt.decode(assertion, certs=public, audience=GOOGLE_TOKEN_URI)
        assert claims["iss"] == f"etl@{KEY_PROJECT}.iam.gserviceaccount.com"
        scopes = {scope.rsplit("/", 1)[-1] for scope in claims["scope"].split()}
        assert scopes & {"bigquery", "cloud-platform"}, claims["scope"]


def _public_pem(private_pem: str) -> bytes:
    key = serialization.load_pem_private_key(private_pem.encode(), password=None)
    return key.public_key().public_bytes(
        serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
    )
