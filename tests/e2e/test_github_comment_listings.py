"""GitHub's comment listings as large accounts serve them (issue 12 items 3 and 4): a 422 for
any page number beyond the first, and a comment edited between two page requests (it moves to
the end of the ascending listing, so page-number reading skips the row that took its place).
The warehouse must still equal the sandbox's truth, the edit included."""

from __future__ import annotations

from collections.abc import Callable

from sandbox import Sandbox
from tests.support.github_truth import assert_github_matches_truth
from tests.support.workspace import Workspace


def test_comments_load_whole_when_deep_pages_are_refused_and_a_comment_moves_mid_read(
    sandbox_factory: Callable[..., Sandbox],
    workspace_factory: Callable[[Sandbox | None], Workspace],
) -> None:
    box = sandbox_factory(github_options={"max_page": 1, "edit_during_read": True})
    ws = workspace_factory(box)
    ws.env["SOURCES__GITHUB__PAGE_SIZE"] = "5"  # every repository has several pages

    result = ws.run("github", "--no-dbt")

    assert result.returncode == 0, result.output
    listings = [r for r in box.github.log if r.path.endswith("/comments")]
    assert box.github.listing_edits.edited, "no comment moved during a read: this proves nothing"
    assert len(listings) > 2 * len(box.github.repo_names)  # deeper than one page each
    assert all(r.status == 200 for r in listings)  # never asked for a page beyond the first
    assert_github_matches_truth(ws, box)
