"""What every resolver sees (`info.context`): the org, the viewer, the query's measured
limits and rate-limit state, and the switches faults set for one execution."""

from __future__ import annotations

import base64
from dataclasses import dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING, Any

from sandbox.github.history import commits_of, timeline_of
from sandbox.github.models import Account, Commit, Pull, Repo, Team
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
    #: Bots' logins as github.com's GraphQL spells them ("dependabot", REST "dependabot[bot]").
    bot_logins_without_suffix: bool = False
    _nodes: dict[str, dict[str, Any]] = field(default_factory=dict, repr=False)

    def node(self, global_id: str) -> Any:
        """The object a global node id names, or None."""
        decoded = decode_node_id(global_id)
        if decoded is None:
            return None
        kind = decoded[0]
        if kind not in self._nodes:
            self._nodes[kind] = _kind_index(self.org, kind)
        return self._nodes[kind].get(global_id)


@dataclass(frozen=True)
class ReviewRequest:
    """A pending review request of `pull` for a user or a team."""

    pull: Pull
    requested: Account | Team

    @property
    def database_id(self) -> int:
        return (self.pull.id * 31 + self.requested.id) % 2_000_000_000


@dataclass(frozen=True)
class BranchRef:
    """A repository's default branch (`Ref`)."""

    repo: Repo

    @property
    def name(self) -> str:
        return self.repo.default_branch


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


def ref_node_id(repo: Repo) -> str:
    """The id of a repository's default branch ref."""
    return node_id("Ref", repo.id * 1000 + 1)


def account_paths(account: Account) -> tuple[str, str]:
    """(resourcePath, url) of an account (bots live under /apps/)."""
    if account.type == "Bot":
        path = "/apps/" + account.login.removesuffix("[bot]")
    else:
        path = f"/{account.login}"
    return path, WEB + path


def pull_path(pull: Pull) -> str:
    return f"/{pull.repo.full_name}/pull/{pull.number}"


def decode_node_id(global_id: str) -> tuple[str, str] | None:
    """(type name, rest) of a legacy node id (`MDQ6VXNlcjE=` -> ("User", "1")), or None."""
    try:
        raw = base64.b64decode(global_id, validate=True).decode()
        length, _, body = raw.partition(":")
        size = int(length)
    except ValueError:
        return None
    kind, rest = body[:size], body[size:]
    return (kind, rest) if len(kind) == size and rest else None


def _kind_index(org: GitHubOrg, kind: str) -> dict[str, Any]:
    """Every object of one node type by its global id."""
    world = org.world
    objects: list[tuple[str, Any]] = []
    if kind in ("User", "Bot", "Organization", "Mannequin"):
        objects = [(node_id(a.type, a.id), a) for a in world.accounts.values()]
    elif kind == "Repository":
        objects = [(node_id(kind, r.id), r) for r in world.repos]
    elif kind == "PullRequest":
        objects = [(node_id(kind, p.id), p) for p in world.pulls]
    elif kind == "PullRequestReview":
        objects = [(node_id(kind, r.id), r) for r in world.reviews]
    elif kind == "PullRequestReviewComment":
        objects = [(node_id(kind, c.id), c) for c in world.review_comments]
    elif kind == "IssueComment":
        objects = [(node_id(kind, c.id), c) for c in world.issue_comments if c.pull is not None]
    elif kind == "Label":
        objects = [(node_id(kind, x.id), x) for labels in world.labels.values() for x in labels]
    elif kind == "Milestone":
        objects = [(node_id(kind, m.id), m) for ms in world.milestones.values() for m in ms]
    elif kind == "Team":
        objects = [(node_id(kind, t.id), t) for t in world.teams]
    elif kind.endswith("Event"):
        objects = [(node_id(e.kind, e.id), e) for p in world.pulls for e in timeline_of(p)]
    elif kind in ("Commit", "PullRequestCommit"):
        from sandbox.github.graphql.objects import merge_commit

        for pull in world.pulls:
            for commit in commits_of(pull):
                item = PullCommit(pull, commit)
                objects += [(commit_node_id(commit), commit), (pull_commit_node_id(item), item)]
            merged = merge_commit(pull)
            if merged is not None:
                objects.append((commit_node_id(merged), merged))
    elif kind == "Ref":
        objects = [(ref_node_id(r), BranchRef(r)) for r in world.repos]
    elif kind == "PullRequestReviewThread":
        from sandbox.github.graphql.review_comments import threads

        objects = [(node_id(kind, t.root.id), t) for p in world.pulls for t in threads(p)]
    return dict(objects)
