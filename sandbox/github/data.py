"""`GitHubOrg`: the GitHub org the sandbox serves, its queries (as the REST endpoints filter and
sort them), its JSON rendering, the truth tests compare against, and mutations."""

from __future__ import annotations

import json
import threading
from collections.abc import Callable, Iterable
from datetime import datetime
from typing import Any

from sandbox.company import Company
from sandbox.github.clock import MutationClock
from sandbox.github.delivery import Delivery
from sandbox.github.generate import WorldBuilder
from sandbox.github.late_changes import LateChanges
from sandbox.github.models import Account, IssueComment, Pull, Repo, Review, ReviewComment
from sandbox.github.mutations import Mutations
from sandbox.github.removals import Removals
from sandbox.github.shapes import API, Json, Renderer
from sandbox.github.world import IssueRef

TABLES = ("users", "pull_requests", "pr_reviews", "pr_comments", "pr_issue_comments")


class GitHubOrg(Mutations, Removals):
    """Deterministic synthetic GitHub data for one company: an org, its members, repositories,
    pull requests, reviews and comments. Thread-safe through `lock`."""

    def __init__(
        self, company: Company, linear_issue_refs: Iterable[IssueRef], org: str = "acme"
    ) -> None:
        self.company = company
        self.login = org
        self.lock = threading.RLock()
        #: Base URL used by `truth()`; the server sets it to its own URL when it starts.
        self.base_url = "https://api.github.com"
        self.world = WorldBuilder(company, list(linear_issue_refs), org).build()
        self.render = Renderer()
        self.rng = company.rng("github-mutations")
        latest = max([company.now, *(p.updated_at for p in self.world.pulls)])
        self.clock = MutationClock(latest)
        #: Backdates changes when late visibility is switched on (`late_changes.py`).
        self.late: LateChanges | None = None
        self._repos = {r.full_name.lower(): r for r in self.world.repos}
        self._repo_ids = {r.id: r for r in self.world.repos}
        self._pulls: dict[tuple[int, int], Pull] = {}
        self._by_repo: dict[str, dict[int, list[Any]]] = {
            "pulls": {r.id: [] for r in self.world.repos},
            "review_comments": {r.id: [] for r in self.world.repos},
            "issue_comments": {r.id: [] for r in self.world.repos},
        }
        for pull in self.world.pulls:
            self._index_pull(pull)
        for comment in self.world.review_comments:
            self._index_review_comment(comment)
        for issue_comment in self.world.issue_comments:
            self._index_issue_comment(issue_comment)
        self._cache: dict[tuple[Any, ...], list[Any]] = {}
        #: Default branches, deployments, workflow runs and releases (see `delivery.py`).
        self.delivery = Delivery(company, self.world)

    # -- lookups -------------------------------------------------------------------------------
    @property
    def repo_names(self) -> list[str]:
        """The org's repositories as "owner/name"."""
        return [r.full_name for r in self.world.repos]

    @property
    def org(self) -> Account:
        """The organization's own account."""
        return self.world.org

    def repo(self, owner: str, name: str) -> Repo | None:
        """A repository by owner and name (case-insensitive), or None."""
        return self._repos.get(f"{owner}/{name}".lower())

    def repo_by_id(self, repo_id: int) -> Repo | None:
        """A repository by numeric id (the `/repositories/{id}` form), or None."""
        return self._repo_ids.get(repo_id)

    def account(self, login: str) -> Account | None:
        """Any known account (member, bot, outside contributor, the org) by login."""
        return self.world.accounts.get(login.lower())

    def pull(self, repo: Repo, number: int) -> Pull | None:
        """A pull request by repository and number, or None."""
        return self._pulls.get((repo.id, number))

    def members(self, role: str = "all") -> list[Account]:
        """Org members by id, optionally only one role ("admin" or "member")."""
        people = sorted(self.world.members, key=lambda a: a.id)
        return people if role == "all" else [a for a in people if a.role == role]

    # -- list queries, as the endpoints sort and filter ----------------------------------------
    def pulls(
        self,
        repo: Repo,
        *,
        state: str = "open",
        sort: str = "created",
        direction: str | None = None,
        head: str | None = None,
        base: str | None = None,
        now: datetime | None = None,
    ) -> list[Pull]:
        """`GET /repos/{o}/{r}/pulls` ordering: direction defaults to desc for `created`."""
        desc = (direction or ("desc" if sort == "created" else "asc")) == "desc"
        keys: dict[str, Callable[[Pull], Any]] = {
            "created": lambda p: (p.created_at, p.id),
            "updated": lambda p: (p.updated_at, p.id),
            "popularity": lambda p: (p.comments + p.review_comments, p.id),
            "long-running": lambda p: (p.created_at, p.id),
        }
        rows = self._sorted(("pulls", repo.id, sort, desc), "pulls", repo, keys[sort], desc)
        if state != "all":
            rows = [p for p in rows if p.state == state]
        if sort == "long-running":
            now = now or self.clock.peek()
            month = 30 * 86400
            rows = [
                p
                for p in rows
                if p.state == "open"
                and (now - p.created_at).total_seconds() > month
                and (now - p.updated_at).total_seconds() < month
            ]
        if head:
            rows = [p for p in rows if f"{p.head_repo.owner.login}:{p.head_ref}" == head]
        if base:
            rows = [p for p in rows if p.repo.default_branch == base]
        return rows

    def reviews(self, pull: Pull) -> list[Review]:
        """A pull request's reviews in chronological order (by id)."""
        return sorted(pull.reviews, key=lambda r: r.id)

    def review_comments(
        self,
        repo: Repo,
        *,
        since: datetime | None = None,
        sort: str | None = None,
        direction: str | None = None,
    ) -> list[ReviewComment]:
        """`GET /repos/{o}/{r}/pulls/comments`: by id unless `sort`; `since` on updated_at."""
        return self._comments("review_comments", repo, since, sort, direction)

    def issue_comments(
        self,
        repo: Repo,
        *,
        since: datetime | None = None,
        sort: str | None = None,
        direction: str | None = None,
    ) -> list[IssueComment]:
        """`GET /repos/{o}/{r}/issues/comments` (pull requests' and plain issues')."""
        return self._comments("issue_comments", repo, since, sort, direction)

    def _comments(
        self,
        kind: str,
        repo: Repo,
        since: datetime | None,
        sort: str | None,
        direction: str | None,
    ) -> list[Any]:
        if sort is None:  # direction is ignored without sort
            sort, direction = "id", "asc"
        desc = direction == "desc"
        key: Callable[[Any], Any] = {
            "id": lambda c: c.id,
            "created": lambda c: (c.created_at, c.id),
            "created_at": lambda c: (c.created_at, c.id),
            "updated": lambda c: (c.updated_at, c.id),
        }[sort]
        rows = self._sorted((kind, repo.id, sort, desc), kind, repo, key, desc)
        if since is not None:
            rows = [c for c in rows if c.updated_at >= since]
        return rows

    def _sorted(
        self,
        cache_key: tuple[Any, ...],
        kind: str,
        repo: Repo,
        key: Callable[[Any], Any],
        desc: bool,
    ) -> list[Any]:
        rows = self._cache.get(cache_key)
        if rows is None:
            rows = sorted(self._by_repo[kind][repo.id], key=key, reverse=desc)
            self._cache[cache_key] = rows
        return rows

    # -- rendering -----------------------------------------------------------------------------
    @staticmethod
    def dumps(body: Any, base_url: str) -> str:
        """Serialise a rendered body, pointing its API URLs at `base_url`."""
        return json.dumps(body, separators=(",", ":")).replace(API, base_url.rstrip("/"))

    # -- truth for tests -----------------------------------------------------------------------
    def truth(self, table: str) -> list[dict[str, Any]]:
        """Every record of `table` as the API returns it (URLs on `base_url`).

        - users: the org members' `/users/{login}` objects.
        - pull_requests: the list (simple) shape; repo is `base.repo.full_name`.
        - pr_reviews: review objects plus "repo" ("owner/name") and "pull_number".
        - pr_comments: review comments plus "repo" and "pull_number".
        - pr_issue_comments: issue comments on pull requests only, plus "repo" and
          "pull_number".
        """
        with self.lock:
            r = self.render
            rows: list[Json]
            if table == "users":
                rows = [r.public_user(a) for a in self.members()]
            elif table == "pull_requests":
                rows = [r.pull_simple(p) for p in self.world.pulls]
            elif table == "pr_reviews":
                rows = [
                    {**r.review(x), "repo": x.pull.repo.full_name, "pull_number": x.pull.number}
                    for x in sorted(self.world.reviews, key=lambda x: x.id)
                ]
            elif table == "pr_comments":
                rows = [
                    {
                        **r.review_comment(c),
                        "repo": c.pull.repo.full_name,
                        "pull_number": c.pull.number,
                    }
                    for c in sorted(self.world.review_comments, key=lambda c: c.id)
                ]
            elif table == "pr_issue_comments":
                rows = [
                    {**r.issue_comment(c), "repo": c.repo.full_name, "pull_number": c.number}
                    for c in sorted(self.world.issue_comments, key=lambda c: c.id)
                    if c.pull is not None
                ]
            else:
                raise ValueError(f"unknown table {table!r}; one of {TABLES}")
            return json.loads(self.dumps(rows, self.base_url))

    # -- bookkeeping for mutations -------------------------------------------------------------
    def _index_pull(self, pull: Pull) -> None:
        self._pulls[(pull.repo.id, pull.number)] = pull
        self._by_repo["pulls"][pull.repo.id].append(pull)

    def _index_repo(self, repo: Repo) -> None:
        self._repos[repo.full_name.lower()] = repo
        self._repo_ids[repo.id] = repo
        for rows in self._by_repo.values():
            rows.setdefault(repo.id, [])
        self.render.forget_repo(repo)

    def _index_review_comment(self, comment: ReviewComment) -> None:
        self._by_repo["review_comments"][comment.pull.repo.id].append(comment)

    def _index_issue_comment(self, comment: IssueComment) -> None:
        self._by_repo["issue_comments"][comment.repo.id].append(comment)

    def _changed(self) -> None:
        self._cache.clear()

    # -- deployments (see `delivery.py`) -------------------------------------------------------
    def deploy(self) -> list[int]:
        """Deploy (in progress) each repository's default branch where it moved since the last
        production deployment; ids of the new deployments."""
        with self.lock:
            return self.delivery.deploy(self.clock.tick())

    def finish_deployments(self, state: str = "success") -> list[int]:
        """Give every unfinished deployment its final status `state`."""
        with self.lock:
            return self.delivery.finish(self.clock.tick(), state)
