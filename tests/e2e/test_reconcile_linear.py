"""End to end: changes Linear makes without moving `updatedAt` (unarchive, trash, restore) and
hard deletes are invisible to a plain run; `--reconcile` brings the warehouse in line."""

from __future__ import annotations

import json

from pipelines.sources.linear.reconcile import RECONCILED
from pipelines.sources.reconcile_plan import pages_of
from sandbox import Sandbox
from tests.support.linear_truth import assert_reconciled
from tests.support.workspace import Workspace

PAGE = 40


def _bodies(box: Sandbox) -> list[str]:
    return [json.loads(r.body)["query"] for r in box.linear.log]


def test_reconcile_sees_unarchives_restores_and_deletes(
    workspace: Workspace, sandbox: Sandbox
) -> None:
    data = sandbox.linear.workspace
    assert workspace.run("linear", "--no-dbt").returncode == 0

    unarchived = data.unarchive_issues(2)
    trashed = data.trash_issues(1)  # sets archivedAt: the plain run sees this one
    restored = data.restore_from_trash(1)
    comments_before = {c["id"] for c in data.truth("comments")}
    labels_before = {i["id"]: i["labelIds"] for i in data.truth("issues")}
    deleted_issues = set(data.delete_issues(2))
    deleted_comments = set(data.delete_comments(2))
    # Comments of the deleted issues went with them.
    gone_comments = comments_before - {c["id"] for c in data.truth("comments")}
    assert unarchived and trashed and restored and deleted_issues and deleted_comments

    # A plain run does not see any of it (no timestamp moved, nothing to read for deletes).
    assert workspace.run("linear", "--no-dbt").returncode == 0
    archived = dict(workspace.query("select id, archived_at from linear.raw_issues"))
    assert all(archived[i] is not None for i in unarchived + restored)
    assert archived[trashed[0]] is not None
    assert deleted_issues <= set(archived)

    # A reconcile that fails (here: comments answer 400) loads nothing, so it marks nothing.
    sandbox.linear.inject("status", status=400, match="comments", times=-1)
    failed = workspace.run("linear", "--no-dbt", "--reconcile")
    assert failed.returncode == 1, failed.output
    sandbox.linear.clear_faults()
    columns = workspace.column(
        "select column_name from information_schema.columns where table_name = 'raw_issues'"
    )
    assert "is_deleted" not in columns
    assert dict(workspace.query("select id, archived_at from linear.raw_issues")) == archived

    sandbox.linear.clear_log()
    # Pages of 40 (instead of Linear's 250), so the tiny workspace's listings span pages.
    result = workspace.run(
        "linear", "--no-dbt", "--reconcile", extra_env={"SOURCES__LINEAR__PAGE_SIZE": str(PAGE)}
    )
    assert result.returncode == 0, result.output
    gone = {"issues": deleted_issues, "comments": gone_comments | deleted_comments}
    assert_reconciled(workspace, sandbox, gone)
    # A deleted issue's row is merged back whole: its labels (a child table) stay.
    kept_labels = workspace.query(
        "select i.id, l.value from linear.raw_issues i join linear.raw_issues__labels l "
        "on l._dlt_parent_id = i._dlt_id where i.is_deleted order by i.id, l._dlt_list_idx"
    )
    assert any(labels_before[i] for i in deleted_issues), "pick issues with labels"
    assert kept_labels == [(i, label) for i in sorted(deleted_issues) for label in labels_before[i]]

    # Its cost: the plain run's requests, the id listings in pages of PAGE, and one request
    # per PAGE rows read again (the unarchived and restored issues).
    queries = _bodies(sandbox)
    listings = [q for q in queries if q.startswith("query Ids_")]
    assert len(listings) == sum(pages_of(len(data.truth(e.name)), PAGE) for e in RECONCILED)
    assert all("trashed" in q for q in listings if "Ids_issues" in q)
    assert len(listings) > len(RECONCILED), "the listings should span pages"
    reloads = [
        json.loads(r.body)
        for r in sandbox.linear.log
        if "filter" in json.loads(r.body)["variables"]
        and "id" in (json.loads(r.body)["variables"]["filter"] or {})
    ]
    assert len(reloads) == 1
    assert sorted(reloads[0]["variables"]["filter"]["id"]["in"]) == sorted(unarchived + restored)

    # A rerun is idempotent: nothing more to change, deleted_at stays. Its dbt build (tests
    # included) leaves the deleted rows out of staging and the marts.
    stamps = workspace.query("select id, deleted_at from linear.raw_issues where is_deleted")
    result = workspace.run("linear", "--reconcile")
    assert result.returncode == 0, result.output
    assert "rows loaded: none" in result.stdout
    assert_reconciled(workspace, sandbox, gone)
    assert (
        workspace.query("select id, deleted_at from linear.raw_issues where is_deleted") == stamps
    )
    live_issues = {i["id"] for i in data.truth("issues")}
    assert set(workspace.column("select issue_id from linear.stg_linear__issues")) == live_issues
    marts = set(workspace.column("select issue_id from linear.fct_issue_state_spans"))
    assert marts <= live_issues and not marts & deleted_issues
    assert not workspace.column("select is_deleted from linear.stg_linear__issues where is_deleted")
    comments = set(workspace.column("select comment_id from linear.stg_linear__comments"))
    assert comments == {c["id"] for c in data.truth("comments")}
    spans = set(workspace.column("select issue_id from linear.stg_linear__issue_state_spans"))
    assert spans <= live_issues and not spans & deleted_issues
