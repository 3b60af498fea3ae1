"""End to end: a deleted GitHub comment simply disappears, so a plain run keeps it; a
`--reconcile` run marks it deleted (kept, `is_deleted`, `deleted_at`)."""

from __future__ import annotations

from pipelines.sources.github.reconcile import PER_PAGE
from pipelines.sources.reconcile_plan import pages_of
from sandbox import Sandbox
from tests.support.github_truth import assert_comments_reconciled
from tests.support.workspace import Workspace


def test_reconcile_marks_deleted_comments(workspace: Workspace, sandbox: Sandbox) -> None:
    org = sandbox.github.org_data
    assert workspace.run("github", "--no-dbt").returncode == 0

    review = {c for _, _, c in org.delete_review_comments(2)}
    conversation = {c for _, _, c in org.delete_issue_comments(2)}
    assert len(review) == 2 and len(conversation) == 2

    # A plain run does not see the deletes: the comments stay as they were.
    assert workspace.run("github", "--no-dbt").returncode == 0
    kept = set(workspace.column("select id from github.raw_pr_comments"))
    assert review <= kept

    sandbox.github.clear_log()
    result = workspace.run("github", "--no-dbt", "--reconcile")
    assert result.returncode == 0, result.output
    gone = {"pr_comments": review, "pr_issue_comments": conversation}
    assert_comments_reconciled(workspace, sandbox, gone)

    # Its cost: per repository, the plain run's requests plus both comment listings without
    # `since`, in pages of 100 (conversation comments of plain issues are listed too).
    listings = [
        r
        for r in sandbox.github.log
        if r.path.endswith(("/pulls/comments", "/issues/comments")) and "since" not in r.query
    ]
    world = org.world
    expected = sum(
        pages_of(sum(1 for c in world.review_comments if c.pull.repo.full_name == repo), PER_PAGE)
        + pages_of(sum(1 for c in world.issue_comments if c.repo.full_name == repo), PER_PAGE)
        for repo in sandbox.github.repo_names
    )
    assert len(listings) == expected

    # A rerun is idempotent: nothing more to mark, deleted_at stays. Its dbt build (tests
    # included) leaves the deleted comments out of staging.
    stamps = workspace.query("select id, deleted_at from github.raw_pr_comments where is_deleted")
    result = workspace.run("github", "--reconcile")
    assert result.returncode == 0, result.output
    assert_comments_reconciled(workspace, sandbox, gone)
    after = workspace.query("select id, deleted_at from github.raw_pr_comments where is_deleted")
    assert after == stamps
    for name, column in (
        ("pr_comments", "review_comment_id"),
        ("pr_issue_comments", "issue_comment_id"),
    ):
        staged = workspace.column(f"select cast({column} as bigint) from github.stg_github__{name}")
        assert sorted(staged) == sorted(row["id"] for row in org.truth(name)), name
