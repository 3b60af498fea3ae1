"""Issue 12 item 4: GitHub's cursors re-read an overlap before them, with content-aware
de-duplication. Against the sandbox's switches (`sandbox/github/late_changes.py`): a change
shown with an `updated_at` older than the newest one already read (late visibility), and a row
changed again within the second its cursor stands at. Each is loaded; a rerun without changes
loads nothing and costs what it did without the overlap (one page per listing)."""

from __future__ import annotations

from collections.abc import Callable

from sandbox import Sandbox
from tests.support.github_truth import (
    assert_github_graphql_matches_truth,
    assert_github_matches_truth,
)
from tests.support.workspace import Workspace


def assert_titles_match(ws: Workspace, box: Sandbox) -> None:
    """Pull request titles equal the truth (a change within one second leaves `updated_at` as
    it was, so the timestamps alone cannot tell; comment bodies are not loaded at all)."""
    truth = {row["id"]: row["title"] for row in box.github.org_data.truth("pull_requests")}
    loaded = dict(ws.query("select id, title from github.raw_pull_requests"))
    stale = sorted(i for i in truth if loaded.get(i) != truth[i])
    assert not stale, f"raw_pull_requests.title: {len(stale)} rows differ, e.g. {stale[:3]}"


def assert_sync_equals_truth_then_rerun_loads_nothing(ws: Workspace, box: Sandbox) -> None:
    """A run leaves the warehouse equal to the truth. A rerun with no change: nothing loaded,
    one 1-point GraphQL page and one page of each comment listing per repository (the overlap
    costs no page while the first one covers it)."""
    result = ws.run("github", "--no-dbt")
    assert result.returncode == 0, result.output
    assert_github_matches_truth(ws, box)
    assert_github_graphql_matches_truth(ws, box)
    assert_titles_match(ws, box)

    box.github.clear_log()
    result = ws.run("github", "--no-dbt")
    assert result.returncode == 0, result.output
    assert "rows loaded: none" in result.stdout
    charged = [r for r in box.github.log if r.charged]
    repos = len(box.github.repo_names)
    assert len(charged) == 3 * repos, [r.operation for r in charged]
    assert sum(r.cost or 0 for r in charged if r.operation.startswith("graphql")) == repos


def stamps(box: Sandbox, comment_ids: set[int], pulls: set[tuple[str, int]]) -> dict[object, str]:
    """The `updated_at` of the given comments and pull requests in the sandbox's truth."""
    org = box.github.org_data
    out: dict[object, str] = {}
    for name in ("pr_comments", "pr_issue_comments"):
        out |= {(name, c["id"]): c["updated_at"] for c in org.truth(name) if c["id"] in comment_ids}
    for p in org.truth("pull_requests"):
        if (p["base"]["repo"]["full_name"], p["number"]) in pulls:
            out[("pull", p["id"])] = p["updated_at"]
    return out


def test_a_change_shown_late_with_an_older_timestamp_is_loaded(
    sandbox_factory: Callable[..., Sandbox],
    workspace_factory: Callable[[Sandbox | None], Workspace],
) -> None:
    box = sandbox_factory(github_options={"late_visibility": 90})
    ws = workspace_factory(box)
    assert ws.run("github", "--no-dbt").returncode == 0
    org = box.github.org_data
    assert org.late is not None
    edited = org.edit_comments(6)
    updated = org.update_pulls(3)
    # Stamped 90 s before the newest row already read from the same listing.
    listings = {listing.split(" ")[0] for listing, _, _ in org.late.backdated}
    assert listings == {"pulls.comments", "issues.comments", "pulls"}, org.late.backdated
    assert len(edited) == 6 and len(updated) == 3

    assert_sync_equals_truth_then_rerun_loads_nothing(ws, box)


def test_a_row_changed_again_within_its_cursors_second_is_loaded(
    sandbox_factory: Callable[..., Sandbox],
    workspace_factory: Callable[[Sandbox | None], Workspace],
) -> None:
    box = sandbox_factory(github_options={"same_second_changes": True})
    ws = workspace_factory(box)
    assert ws.run("github", "--no-dbt").returncode == 0
    org = box.github.org_data
    comments, pulls = org.edit_comments(4), org.update_pulls(2)
    before = stamps(box, {i for _, _, i in comments}, set(pulls))
    result = ws.run("github", "--no-dbt")  # the cursors now stand at that second
    assert result.returncode == 0, result.output
    assert_titles_match(ws, box)

    assert set(org.edit_comments(which=comments)) == set(comments)
    assert set(org.update_pulls(which=pulls)) == set(pulls)
    assert stamps(box, {i for _, _, i in comments}, set(pulls)) == before
    assert len(set(before.values())) == 1  # one second, the one the cursors stand at
    assert_sync_equals_truth_then_rerun_loads_nothing(ws, box)
