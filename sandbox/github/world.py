"""The generated org as one record (`World`), what the Linear half hands over (`IssueRef`), and
the small factories both generation and mutations use."""

from __future__ import annotations

import random
import re
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Protocol

from sandbox.github.models import (
    Account,
    Issue,
    IssueComment,
    Label,
    Milestone,
    Pull,
    Repo,
    Review,
    ReviewComment,
    Team,
)
from sandbox.github.vocab import COMMENT_BODIES, FILES, REVIEW_BODIES


class IssueRef(Protocol):
    """What the Linear half tells us about one of its issues (read-only attributes)."""

    @property
    def id(self) -> str: ...
    @property
    def identifier(self) -> str: ...
    @property
    def branch_name(self) -> str: ...
    @property
    def title(self) -> str: ...
    @property
    def team_key(self) -> str: ...
    @property
    def created_at(self) -> datetime: ...
    @property
    def started_at(self) -> datetime | None: ...
    @property
    def completed_at(self) -> datetime | None: ...
    @property
    def assignee_github_login(self) -> str | None: ...


def sha(rng: random.Random) -> str:
    """A random 40-hex-digit commit id."""
    return f"{rng.getrandbits(160):040x}"


def between(rng: random.Random, start: datetime, end: datetime) -> datetime:
    """A whole-second instant in [start, end] (start when the range is empty)."""
    span = (end - start).total_seconds()
    if span <= 0:
        return start
    return start + timedelta(seconds=int(rng.random() * span))


def slug(text: str, words: int = 5) -> str:
    return "-".join(re.findall(r"[a-z0-9]+", text.lower())[:words]) or "change"


@dataclass
class World:
    """Everything generated, plus the id counters that mutations continue from."""

    org: Account
    accounts: dict[str, Account]  # by lower-cased login
    members: list[Account]
    repos: list[Repo]
    labels: dict[int, list[Label]]  # repo id -> labels
    milestones: dict[int, list[Milestone]]
    teams: list[Team]
    pulls: list[Pull]
    reviews: list[Review]
    review_comments: list[ReviewComment]
    issues: list[Issue]
    issue_comments: list[IssueComment]
    unused_refs: list[IssueRef]
    forks: dict[tuple[int, int], Repo] = field(default_factory=dict)
    next_ids: dict[str, int] = field(default_factory=dict)
    next_number: dict[int, int] = field(default_factory=dict)  # repo id -> next issue number


def bot_account(login: str, id_: int, created: datetime) -> Account:
    """A GitHub App's account: type Bot, not a member, an empty profile, never updated since
    `created`."""
    return Account(
        login=login,
        id=id_,
        type="Bot",
        member=False,
        name=None,
        email=None,
        company=None,
        blog="",
        location=None,
        bio=None,
        twitter_username=None,
        hireable=None,
        public_repos=0,
        public_gists=0,
        followers=0,
        following=0,
        created_at=created,
        updated_at=created,
    )


def fork_of(world: World, repo: Repo, owner: Account) -> Repo:
    """The outside contributor's fork of `repo` (made on first use)."""
    key = (owner.id, repo.id)
    if key not in world.forks:
        world.forks[key] = Repo(
            id=700_000_000 + owner.id % 100_000 * 1000 + world.repos.index(repo),
            owner=owner,
            name=repo.name,
            description=repo.description,
            language=repo.language,
            topics=[],
            created_at=repo.created_at + timedelta(days=10),
            updated_at=repo.updated_at,
            pushed_at=repo.pushed_at,
            size=repo.size,
            stargazers=0,
            forks=0,
            open_issues=0,
            fork=True,
        )
    return world.forks[key]


def new_review(
    rng: random.Random, pull: Pull, user: Account, state: str, at: datetime, id_: int = 0
) -> Review:
    """A review of `pull` by `user`; PENDING ones are never submitted."""
    return Review(
        id=id_,
        pull=pull,
        user=user,
        body=rng.choice(REVIEW_BODIES[state]),
        state=state,
        created_at=at,
        submitted_at=None if state == "PENDING" else at,
        commit_id=pull.head_sha,
    )


def new_review_comment(
    rng: random.Random,
    review: Review,
    at: datetime,
    parent: ReviewComment | None,
    id_: int = 0,
) -> ReviewComment:
    """An inline comment of `review`, replying to `parent` when given (same place in the diff)."""
    pull = review.pull
    if parent is not None:
        path, line, start = parent.path, parent.line, parent.start_line
        side, hunk, position = parent.side, parent.diff_hunk, parent.position
    else:
        path, line = rng.choice(FILES), rng.randint(5, 400)
        start = line - rng.randint(1, 4) if rng.random() < 0.2 else None
        side = "RIGHT" if rng.random() < 0.9 else "LEFT"
        first = max(line - 3, 1)
        hunk = f"@@ -{first},6 +{first},7 @@\n context\n-old line\n+new line"
        position = line - first + 2
    return ReviewComment(
        id=id_,
        pull=pull,
        review=review,
        user=review.user,
        body=rng.choice(COMMENT_BODIES),
        path=path,
        diff_hunk=hunk,
        position=position,
        line=line,
        original_line=line,
        start_line=start,
        side=side,
        commit_id=pull.head_sha,
        original_commit_id=pull.head_sha if rng.random() < 0.7 else sha(rng),
        created_at=at,
        updated_at=at,
        in_reply_to=parent,
    )


def bump_pull(pull: Pull) -> None:
    """Move a pull request's `updated_at` past its latest activity, as GitHub does."""
    activity = [pull.created_at, pull.closed_at, pull.merged_at]
    activity += [r.submitted_at for r in pull.reviews]
    activity += [c.updated_at for c in pull.inline] + [c.updated_at for c in pull.conversation]
    pull.updated_at = max([pull.updated_at, *(t for t in activity if t is not None)])
