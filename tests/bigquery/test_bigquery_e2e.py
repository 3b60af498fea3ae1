"""End to end on BigQuery, offline: both sandboxes -> `python pipelines/<source>.py
--destination bigquery --no-dbt` (subprocesses, credentials as users supply them) -> the local
BigQuery emulator. dlt's merge on BigQuery (delete-insert through the `<dataset>_staging`
dataset, child tables replaced) must leave the raw tables equal to the sandbox's truth after a
full and an incremental run.

The fixtures (emulator, token endpoint, `bq_run`, `bq_loaded`) are in conftest.py."""

from __future__ import annotations

from cryptography.hazmat.primitives import serialization
from google.auth import jwt

from tests.bigquery.conftest import KEY_PROJECT, SOURCES, BigQueryRun
from tests.bigquery.warehouse import (
    assert_child_rows_have_parents,
    assert_github_matches_truth,
    assert_linear_matches_truth,
    assert_staging_emptied,
)
from tests.fake_gcp import service_account

GOOGLE_TOKEN_URI = "https://oauth2.googleapis.com/token"  # the audience google-auth signs for


def assert_warehouse_matches_sandbox(run: BigQueryRun) -> None:
    assert_linear_matches_truth(run.warehouse, run.box)
    assert_github_matches_truth(run.warehouse, run.box)
    for dataset in SOURCES:
        assert_child_rows_have_parents(run.warehouse, dataset)
        assert_staging_emptied(run.warehouse, dataset)


def test_full_sync_lands_the_truth_in_bigquery(bq_loaded: BigQueryRun) -> None:
    run = bq_loaded
    assert_warehouse_matches_sandbox(run)
    # Everything went to GCP_PROJECT_ID, not to the key's own project.
    assert {"linear", "linear_staging", "github", "github_staging"} <= run.warehouse.datasets()
    assert not list(run.emulator.client(KEY_PROJECT).list_datasets())
    # The token requests were signed with the user's key (google-auth's ordinary
    # service-account flow: nothing test-only in the pipeline's credential handling).
    assert run.tokens.assertions
    public = service_account()["private_key"]
    for assertion in run.tokens.assertions:
        claims = jwt.decode(assertion, certs=_public_pem(public), audience=GOOGLE_TOKEN_URI)
        assert claims["iss"] == f"etl@{KEY_PROJECT}.iam.gserviceaccount.com"
        scopes = {scope.rsplit("/", 1)[-1] for scope in claims["scope"].split()}
        assert scopes & {"bigquery", "cloud-platform"}, claims["scope"]


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


def _public_pem(private_pem: str) -> bytes:
    key = serialization.load_pem_private_key(private_pem.encode(), password=None)
    return key.public_key().public_bytes(
        serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
    )
