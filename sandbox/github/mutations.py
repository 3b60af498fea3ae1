"""Changes tests apply to the org between pipeline runs. Each call stamps what it changes with
one new `MutationClock` tick (whole seconds, strictly increasing across calls) and bumps the
pull requests' `updated_at`, as GitHub does."""

from __future__ import annotations

import random
import threading
from collections.abc import Iterable
from datetime import datetime
from typing import TYPE_CHECKING, TypeVar

from sandbox.github.history import new_commits, rebased_commits, record
from sandbox.github.models import Account, IssueComment, Pull, Repo, ReviewComment
from sandbox.github.vocab import COMMENT_BODIES, UNRELATED_BRANCHES, UNRELATED_TITLES
from sandbox.github.world import World, new_review, new_review_comment, sha, slug

if TYPE_CHECKING:
    from sandbox.github.clock import MutationClock
    from sandbox.github.late_changes import LateChanges

T = TypeVar("T")
PullKey = tuple[str, int]


class Mutations:
    """Mutation methods of `GitHubOrg` (a mixin: the attributes below live there)."""

    world: World
    rng: random.Random
    clock: MutationClock
    lock: threading.RLock

    def _index_pull(self, pull: Pull) -> None: ...
    def _index_repo(self, repo: Repo) -> None: ...
    def _index_review_comment(self, comment: ReviewComment) -> None: ...
    def _index_issue_comment(self, comment: IssueComment) -> None: ...
    def _changed(self) -> None: ...

    # -- helpers -------------------------------------------------------------------------------
    def _pick(self, rows: list[T], k: int) -> list[T]:
        return self.rng.sample(rows, min(k, len(rows)))

    def _open(self) -> list[Pull]:
        return [p for p in self.world.pulls if p.state == "open"]

    def _pick_pulls(self, k: int, *, open_first: bool = True) -> list[Pull]:
        """k pull requests, open ones first when `open_first`."""
        chosen = self._pick(self._open() if open_first else [], k)
        if len(chosen) < k:
            taken = set(chosen)
            rest = [p for p in self.world.pulls if p not in taken]
            chosen += self._pick(rest, k - len(chosen))
        return chosen

    def _next_id(self, kind: str, step: int) -> int:
        value = self.world.next_ids[kind]
        self.world.next_ids[kind] = value + step
        return value

    def _someone_but(self, author: Account) -> Account:
        pool = [m for m in self.world.members if m is not author] or self.world.members
        return self.rng.choice(pool)

    @staticmethod
    def _key(pull: Pull) -> PullKey:
        return (pull.repo.full_name, pull.number)

    def _touch(self, pull: Pull, at: datetime) -> None:
        pull.updated_at = max(pull.updated_at, at)

    def _stamp(self, listing: str, at: datetime, current: datetime) -> datetime:
        """`at`, or an older stamp when late visibility is switched on (`late_changes.py`)."""
        late: LateChanges | None = getattr(self, "late", None)
        return at if late is None else late.stamp(listing, at, current)

    def _stamp_pull(self, pull: Pull, at: datetime) -> None:
        self._touch(pull, self._stamp(f"pulls {pull.repo.full_name}", at, pull.updated_at))

    # -- mutations -----------------------------------------------------------------------------
    def add_reviews(self, k: int = 1) -> list[PullKey]:
        """Submit a review on k pull requests (open ones first); returns (repo, number)."""
        with self.lock:
            at, out = self.clock.tick(), []
            for pull in self._pick_pulls(k):
                state = self.rng.choice(["APPROVED", "COMMENTED", "CHANGES_REQUESTED"])
                review = new_review(
                    self.rng,
                    pull,
                    self._someone_but(pull.user),
                    state,
                    at,
                    self._next_id("review", 7),
                )
                self.world.reviews.append(review)
                pull.reviews.append(review)
                self._fulfil_request(pull, review.user)
                self._touch(pull, at)
                out.append(self._key(pull))
            self._changed()
            return out

    @staticmethod
    def _fulfil_request(pull: Pull, reviewer: Account) -> None:
        """A review answers its reviewer's pending request, as on GitHub."""
        pull.requested_reviewers = [a for a in pull.requested_reviewers if a is not reviewer]

    def add_review_comments(self, k: int = 1) -> list[tuple[str, int, int]]:
        """Add one inline comment (in a new COMMENTED review, as GitHub makes for a single
        comment) on k pull requests; some reply to an earlier thread. Returns
        (repo, number, comment id)."""
        with self.lock:
            at, out = self.clock.tick(), []
            for pull in self._pick_pulls(k):
                user = self._someone_but(pull.user)
                review = new_review(
                    self.rng, pull, user, "COMMENTED", at, self._next_id("review", 7)
                )
                roots = [c for c in pull.inline if c.in_reply_to is None and c.user is not user]
                parent = self.rng.choice(roots) if roots and self.rng.random() < 0.3 else None
                comment = new_review_comment(
                    self.rng, review, at, parent, self._next_id("review_comment", 5)
                )
                self.world.reviews.append(review)
                pull.reviews.append(review)
                self.world.review_comments.append(comment)
                pull.inline.append(comment)
                self._index_review_comment(comment)
                self._touch(pull, at)
                out.append((*self._key(pull), comment.id))
            self._changed()
            return out

    def add_issue_comments(self, k: int = 1) -> list[tuple[str, int, int]]:
        """Add a conversation comment on k pull requests; returns (repo, number, comment id)."""
        with self.lock:
            at, out = self.clock.tick(), []
            for pull in self._pick_pulls(k):
                comment = IssueComment(
                    id=self._next_id("issue_comment", 3),
                    repo=pull.repo,
                    number=pull.number,
                    pull=pull,
                    user=self.rng.choice(self.world.members),
                    body=self.rng.choice(COMMENT_BODIES),
                    created_at=at,
                    updated_at=at,
                )
                self.world.issue_comments.append(comment)
                pull.conversation.append(comment)
                self._index_issue_comment(comment)
                self._touch(pull, at)
                out.append((*self._key(pull), comment.id))
            self._changed()
            return out

    def edit_comments(
        self, k: int = 1, *, which: Iterable[tuple[str, int, int]] | None = None
    ) -> list[tuple[str, int, int]]:
        """Edit k existing comments on pull requests (review or issue comments), or those
        `which` names (as returned here): only their `updated_at` moves. Returns (repo,
        number, comment id)."""
        with self.lock:
            at, out = self.clock.tick(), []
            pool: list[ReviewComment | IssueComment] = [
                *self.world.review_comments,
                *(c for c in self.world.issue_comments if c.pull is not None),
            ]
            if which is not None:
                wanted = set(which)
                chosen = [c for c in pool if c.pull and (*self._key(c.pull), c.id) in wanted]
            else:
                chosen = self._pick(pool, k)
            for comment in chosen:
                assert comment.pull is not None
                kind = "pulls" if isinstance(comment, ReviewComment) else "issues"
                listing = f"{kind}.comments {comment.pull.repo.full_name}"
                comment.body += " (edited)"
                comment.updated_at = self._stamp(listing, at, comment.updated_at)
                self._stamp_pull(comment.pull, at)
                out.append((*self._key(comment.pull), comment.id))
            self._changed()
            return out

    def merge_pulls(self, k: int = 1) -> list[PullKey]:
        """Merge k open pull requests (fewer when fewer are open)."""
        with self.lock:
            at, out = self.clock.tick(), []
            for pull in self._pick(self._open(), k):
                if pull.draft:
                    record(pull, "ReadyForReviewEvent", pull.user, at)
                pull.state, pull.draft = "closed", False
                pull.closed_at = pull.merged_at = at
                pull.merge_commit_sha = sha(self.rng)
                pull.merged_by = self._someone_but(pull.user)
                pull.mergeable, pull.mergeable_state = None, "unknown"
                pull.requested_reviewers, pull.requested_teams = [], []
                record(pull, "MergedEvent", pull.merged_by, at)
                record(pull, "ClosedEvent", pull.merged_by, at)
                self._touch(pull, at)
                out.append(self._key(pull))
            self._changed()
            return out

    def close_pulls(self, k: int = 1) -> list[PullKey]:
        """Close k open pull requests without merging them."""
        with self.lock:
            at, out = self.clock.tick(), []
            for pull in self._pick(self._open(), k):
                pull.state, pull.closed_at = "closed", at
                pull.mergeable, pull.mergeable_state = None, "unknown"
                record(pull, "ClosedEvent", pull.user, at)
                self._touch(pull, at)
                out.append(self._key(pull))
            self._changed()
            return out

    def open_pulls(self, k: int = 1) -> list[PullKey]:
        """Open k new pull requests (half on a still unused Linear issue's branch, when any)."""
        with self.lock:
            at, out = self.clock.tick(), []
            for _ in range(k):
                out.append(self._key(self._add_pull(at)))
            self._changed()
            return out

    def force_push_pulls(self, k: int = 1) -> list[PullKey]:
        """Rebase and force-push k open pull requests, dropping a commit where there are
        several: every commit is new (new oids, committed now), the old ones are gone."""
        with self.lock:
            at, out = self.clock.tick(), []
            for pull in self._pick(self._open(), k):
                pull.commits = max(1, pull.commits - 1)
                pull.head_sha = sha(self.rng)
                pull.commit_list = rebased_commits(pull, at)
                self._touch(pull, at)
                out.append(self._key(pull))
            self._changed()
            return out

    def archive_repos(self, k: int = 1) -> list[str]:
        """Archive k repositories (GraphQL `isArchived`, REST `archived`); returns their names."""
        with self.lock:
            at, out = self.clock.tick(), []
            for repo in self._pick([r for r in self.world.repos if not r.archived], k):
                repo.archived, repo.updated_at = True, at
                self._index_repo(repo)
                out.append(repo.full_name)
            self._changed()
            return out

    def add_repos(self, k: int = 1, *, pulls: int = 0) -> list[str]:
        """Create k repositories in the org, each with `pulls` new open pull requests."""
        with self.lock:
            at, out = self.clock.tick(), []
            for _ in range(k):
                index = len(self.world.repos)
                owner = self.world.org
                repo = Repo(
                    id=600_000_000 + index * 104_729 + 500,
                    owner=owner,
                    name=f"service-{index}",
                    description=f"The service-{index} of {owner.login}",
                    language="Go",
                    topics=[owner.login],
                    created_at=at,
                    updated_at=at,
                    pushed_at=at,
                    size=0,
                    stargazers=0,
                    forks=0,
                    open_issues=pulls,
                )
                self.world.repos.append(repo)
                self.world.next_number[repo.id] = 1
                self._index_repo(repo)
                for _ in range(pulls):
                    self._add_pull(at, repo)
                out.append(repo.full_name)
            self._changed()
            return out

    def _add_pull(self, at: datetime, repo: Repo | None = None) -> Pull:
        """A new open pull request (with its commits) in `repo` (default: any), in the org."""
        pull = self._new_pull(at, repo)
        pull.commit_list = new_commits(pull)
        self.world.pulls.append(pull)
        self._index_pull(pull)
        return pull

    def _new_pull(self, at: datetime, repo: Repo | None = None) -> Pull:
        rng, world = self.rng, self.world
        repo = repo or rng.choice(world.repos)
        ref = world.unused_refs.pop() if world.unused_refs and rng.random() < 0.5 else None
        author = rng.choice(world.members)
        if ref is not None:
            login = (ref.assignee_github_login or "").lower()
            author = next((m for m in world.members if m.login.lower() == login), author)
            branch, title = ref.branch_name, ref.title
        else:
            branch = f"{rng.choice(UNRELATED_BRANCHES)}-{slug(rng.choice(UNRELATED_TITLES), 2)}"
            title = rng.choice(UNRELATED_TITLES)
        number = world.next_number[repo.id]
        world.next_number[repo.id] = number + 1
        return Pull(
            repo=repo,
            number=number,
            id=self._next_id("pull", 3),
            title=title,
            body=f"## Summary\n\n{title}.",
            user=author,
            head_repo=repo,
            head_ref=branch,
            head_sha=sha(rng),
            base_sha=sha(rng),
            state="open",
            draft=False,
            created_at=at,
            updated_at=at,
            merge_commit_sha=sha(rng),
            mergeable=True,
            mergeable_state="clean",
            commits=rng.randint(1, 5),
            additions=rng.randint(1, 200),
            deletions=rng.randint(0, 50),
            changed_files=rng.randint(1, 8),
            link_kind="branch" if ref else "none",
            linear_identifier=ref.identifier if ref else None,
        )

    def update_pulls(self, k: int = 1, *, which: Iterable[PullKey] | None = None) -> list[PullKey]:
        """Retitle or relabel k pull requests (any state), or those `which` names."""
        with self.lock:
            at, out = self.clock.tick(), []
            wanted = set(which or ())
            chosen = (
                [p for p in self.world.pulls if self._key(p) in wanted]
                if which is not None
                else self._pick_pulls(k, open_first=False)
            )
            for pull in chosen:
                labels = self.world.labels[pull.repo.id]
                missing = [label for label in labels if label not in pull.labels]
                if missing and self.rng.random() < 0.5:
                    pull.labels = [*pull.labels, self.rng.choice(missing)]
                else:
                    pull.title = f"{pull.title} (updated)"
                self._stamp_pull(pull, at)
                out.append(self._key(pull))
            self._changed()
            return out

    def update_users(self, k: int = 1) -> list[str]:
        """Change k members' profile name or public email; returns their logins."""
        with self.lock:
            at, out = self.clock.tick(), []
            for account in self._pick(self.world.members, k):
                if self.rng.random() < 0.5:
                    account.name = f"{account.name or account.login} (new name)"
                else:
                    account.email = f"{account.login}@mail.example.org"
                account.updated_at = at
                out.append(account.login)
            self._changed()
            return out
