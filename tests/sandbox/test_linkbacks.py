"""Linear's linkback comments (`Sandbox(linear_linkbacks=True)`): one `linear[bot]` comment on
every pull request that names a Linear issue, served like any conversation comment."""

from __future__ import annotations

from sandbox import Sandbox
from sandbox.github.linkbacks import LINEAR_BOT_LOGIN


def _linkbacks(box: Sandbox) -> list[dict]:
    rows = box.github.org_data.truth("pr_issue_comments")
    return [r for r in rows if r["user"]["login"] == LINEAR_BOT_LOGIN]


def test_linkbacks_are_off_by_default() -> None:
    assert _linkbacks(Sandbox(seed=7, size="tiny")) == []


def test_every_linked_pull_request_gets_one_linkback_from_a_bot() -> None:
    box = Sandbox(seed=7, size="tiny", linear_linkbacks=True)
    linked = {
        (p.repo.full_name, p.number): p
        for p in box.github.org_data.world.pulls
        if p.linear_identifier is not None
    }
    comments = _linkbacks(box)
    assert linked and sorted((c["repo"], c["pull_number"]) for c in comments) == sorted(linked)
    for comment in comments:
        pull = linked[(comment["repo"], comment["pull_number"])]
        assert comment["user"]["type"] == "Bot"
        assert pull.linear_identifier in comment["body"]
        assert pull.created_at.replace(microsecond=0).isoformat()[:19] <= comment["created_at"]
    ids = [c["id"] for c in box.github.org_data.truth("pr_issue_comments")]
    assert len(ids) == len(set(ids))
