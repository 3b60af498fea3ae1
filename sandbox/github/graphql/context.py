"""What every resolver sees (`info.context`): the org, the viewer, the query's measured
limits and rate-limit state, and the switches faults set for one execution."""

from __future__ import annotations

import base64
from dataclasses import dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING, Any

from sandbox.github.models import Account, Commit, Pull, Team
from sandbox.github.shapes import node_id

if TYPE_CHECKING:
    from sandbox.github.data import GitHubOrg

WEB = "https://github.com"


@dataclass
class RateState:
    """`rateLimit` as this query sees it (after its own cost was charged)."""

    cost: int
    limit: int
    node_count: int
    remaining: int
    reset_at: datetime
    used: int


@dataclass
class Context:
    org: GitHubOrg
    viewer: Account
    rate: RateState
    #: A fault armed for this execution: the first nested connection of a pull request fails.
    fail_one_nested: bool = False
    _nodes: dict[str, Any] | None = field(default=None, repr=False)

    def node(self, global_id: str) -> Any:
        """The object a global node id names, or None."""
        if self._nodes is None:
            self._nodes = _node_index(self.org)
        return self._nodes.get(global_id)


@dataclass(frozen=True)
class ReviewRequest:
    """A pending review request of `pull` for a user or a team."""

    pull: Pull
    requested: Account | Team

    @property
    def database_id(self) -> int:
        return (self.pull.id * 31 + self.requested.id) % 2_000_000_000


@dataclass(frozen=True)
class PullCommit:
    """A commit as part of a pull request (`PullRequestCommit`)."""

    pull: Pull
    commit: Commit


def commit_node_id(commit: Commit) -> str:
    """GitHub's legacy id of a commit: base64 of `06:Commit{repository id}:{oid}`."""
    return base64.b64encode(f"06:Commit{commit.pull.repo.id}:{commit.oid}".encode()).decode()


def pull_commit_node_id(item: PullCommit) -> str:
    raw = f"017:PullRequestCommit{item.pull.id}:{item.commit.oid}"
    return base64.b64encode(raw.encode()).decode()


def account_paths(account: Account) -> tuple[str, str]:
    """(resourcePath, url) of an account (bots live under /apps/)."""
    if account.type == "Bot":
        path = "/apps/" + account.login.removesuffix("[bot]")
    else:
        path = f"/{account.login}"
    return path, WEB + path


def pull_path(pull: Pull) -> str:
    return f"/{pull.repo.full_name}/pull/{pull.number}"


def _node_index(org: GitHubOrg) -> dict[str, Any]:
    world = org.world
    index: dict[str, Any] = {}
    for account in world.accounts.values():
        index[node_id(account.type, account.id)] = account
    for repo in world.repos:
        index[node_id("Repository", repo.id)] = repo
    for pull in world.pulls:
        index[node_id("PullRequest", pull.id)] = pull
        for event in pull.timeline:
            index[node_id(event.kind, event.id)] = event
        for commit in pull.commit_list:
            index[pull_commit_node_id(PullCommit(pull, commit))] = PullCommit(pull, commit)
            index[commit_node_id(commit)] = commit
    for review in world.reviews:
        index[node_id("PullRequestReview", review.id)] = review
    for comment in world.issue_comments:
        if comment.pull is not None:
            index[node_id("IssueComment", comment.id)] = comment
    for labels in world.labels.values():
        for label in labels:
            index[node_id("Label", label.id)] = label
    for milestones in world.milestones.values():
        for milestone in milestones:
            index[node_id("Milestone", milestone.id)] = milestone
    for team in world.teams:
        index[node_id("Team", team.id)] = team
    return index
