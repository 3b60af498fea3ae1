"""How the org ships: each repository's default branch (the merge commits of its merged pull
requests, in merge order), deployments of that branch with their statuses (some failing, then
restored by a later deployment), the deploy workflow's runs and the releases.

Deployments are made up once from the generated pull requests; `deploy` and `finish` (the
mutations) add new ones for merges made since, so incremental runs have something to find.
Deployment creation times are spread so that no incident (see `incident_plan`) is followed by
another production deployment of any repository before it was opened.
"""

from __future__ import annotations

import random
from bisect import bisect_right
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from sandbox.company import Company
from sandbox.github.models import Account, Pull, Repo
from sandbox.github.world import World

WORKFLOW_FILE = "deploy.yml"
WORKFLOW_ID = 161_335
FINAL_STATES = ("success", "failure", "error", "inactive")


@dataclass(eq=False)
class Commit:
    """A commit on a repository's default branch: the merge commit of one pull request."""

    repo: Repo
    sha: str
    pull: Pull
    parent: str | None

    @property
    def committed_at(self) -> datetime:
        assert self.pull.merged_at is not None
        return self.pull.merged_at


@dataclass(eq=False)
class DeploymentStatus:
    id: int
    state: str  # queued, in_progress, success, failure, error, inactive
    created_at: datetime
    creator: Account


@dataclass(eq=False)
class Deployment:
    """A deployment of `sha` to `environment`, its statuses newest last."""

    id: int
    repo: Repo
    sha: str
    environment: str
    creator: Account
    created_at: datetime
    statuses: list[DeploymentStatus] = field(default_factory=list)
    shipped: list[Pull] = field(default_factory=list)  # PRs new since the previous one
    run_id: int = 0
    run_number: int = 0

    @property
    def updated_at(self) -> datetime:
        return max([self.created_at, *(s.created_at for s in self.statuses)])

    @property
    def state(self) -> str | None:
        return self.statuses[-1].state if self.statuses else None

    @property
    def is_production(self) -> bool:
        return self.environment == "production"


@dataclass(frozen=True)
class Incident:
    """What the Linear half is asked to open: an incident after a production deployment."""

    deployment_id: int
    repo: str
    created_at: datetime
    resolved_at: datetime


class Delivery:
    """The default branches, deployments, workflow runs and releases of one org."""

    def __init__(self, company: Company, world: World) -> None:
        self.world = world
        self.now = company.now
        self.rng = company.rng("github-delivery")
        self.deployments: list[Deployment] = []  # by id (= creation order)
        self.incidents: list[Incident] = []
        self._next_id = 2_400_000_001
        self._next_status = 3_100_000_001
        self._deployers = [m for m in world.members] or [world.org]
        self._troubled: set[int] = set()  # successful deployments an incident will follow
        self._last: dict[tuple[int, str], Deployment] = {}  # (repo id, environment) -> newest
        self._runs: dict[int, int] = {}  # repo id -> deploy workflow runs so far
        self._positions: tuple[list[Commit] | None, dict[str, int]] = (None, {})  # last branch
        for repo in world.repos:
            self._generate(repo)
        self._renumber()
        self._plan_incidents()

    # -- the default branch --------------------------------------------------------------------
    def branch(self, repo: Repo) -> list[Commit]:
        """The default branch's history, oldest first: one merge commit per merged PR."""
        merged = sorted(
            (p for p in self.world.pulls if p.repo is repo and p.merged_at is not None),
            key=lambda p: (p.merged_at, p.id),
        )
        commits: list[Commit] = []
        for pull in merged:
            assert pull.merge_commit_sha is not None
            parent = commits[-1].sha if commits else None
            commits.append(Commit(repo, pull.merge_commit_sha, pull, parent))
        return commits

    def head_at(
        self, repo: Repo, at: datetime, commits: list[Commit] | None = None
    ) -> Commit | None:
        """The newest commit of the default branch (`commits`, when known) at `at`."""
        commits = self.branch(repo) if commits is None else commits
        index = bisect_right([c.committed_at for c in commits], at)
        return commits[index - 1] if index else None

    # -- queries -------------------------------------------------------------------------------
    def of_repo(self, repo: Repo) -> list[Deployment]:
        return [d for d in self.deployments if d.repo is repo]

    def workflow_runs(self, repo: Repo) -> list[Deployment]:
        """The deploy workflow's runs: one per production deployment."""
        return [d for d in self.of_repo(repo) if d.is_production]

    def releases(self, repo: Repo) -> list[Deployment]:
        """One release per successful production deployment."""
        return [d for d in self.workflow_runs(repo) if d.state == "success"]

    # -- generation ----------------------------------------------------------------------------
    def _generate(self, repo: Repo) -> None:
        """Deploy about every other merge; a failed (or troubled) production deployment is
        followed by a fix: the branch's head deployed again one to six hours later."""
        rng = self.rng
        commits = self.branch(repo)
        position = {c.sha: i for i, c in enumerate(commits)}
        times = [c.committed_at for c in commits]
        latest = self.now - timedelta(minutes=20)
        last_at: datetime | None = None
        shipped = -1
        for i, commit in enumerate(commits):
            if i <= shipped or (rng.random() > 0.45 and i != len(commits) - 1):
                continue
            at = commit.committed_at + timedelta(minutes=rng.randint(10, 180))
            following = commits[i + 1].committed_at if i + 1 < len(commits) else None
            if following is not None and at >= following:
                at = following - timedelta(seconds=1)
            tied = following is not None and following == commit.committed_at
            if tied or at >= latest or (last_at and at <= last_at):
                continue
            staged = at - timedelta(minutes=5)
            if staged > commit.committed_at and rng.random() < 0.2:
                self._add(repo, commit.sha, "staging", staged, rng, commits)
            deployment = self._add(repo, commit.sha, "production", at, rng, commits)
            last_at, shipped = at, i
            troubled = deployment.state == "success" and rng.random() < 0.08
            if deployment.state != "failure" and not troubled:
                continue
            self._troubled.add(deployment.id)
            fix_at = deployment.updated_at + timedelta(minutes=rng.randint(60, 360))
            index = bisect_right(times, fix_at)
            head = commits[index - 1] if index else None
            if head is not None and fix_at < latest:
                self._add(repo, head.sha, "production", fix_at, rng, commits, "success")
                last_at, shipped = fix_at, position[head.sha]

    def _add(
        self,
        repo: Repo,
        sha: str,
        environment: str,
        at: datetime,
        rng: random.Random,
        commits: list[Commit],
        state: str | None = None,
    ) -> Deployment:
        creator, at = rng.choice(self._deployers), at.replace(microsecond=0)
        deployment = Deployment(self._next_id, repo, sha, environment, creator, at)
        self._next_id += 1
        self._status(deployment, "in_progress", at + timedelta(seconds=30))
        finished = at + timedelta(minutes=rng.randint(2, 15))
        if finished < self.now:
            state = state or ("failure" if rng.random() < 0.15 else "success")
            self._status(deployment, state, finished)
        self._ship(deployment, commits)
        self.deployments.append(deployment)
        return deployment

    def _status(self, deployment: Deployment, state: str, at: datetime) -> None:
        deployment.statuses.append(
            DeploymentStatus(
                self._next_status, state, at.replace(microsecond=0), deployment.creator
            )
        )
        self._next_status += 1

    def _ship(self, deployment: Deployment, commits: list[Commit]) -> None:
        """The PRs this deployment (the newest of its repository) ships: merged after the
        previous deployment's commit of the same repository and environment, up to its own
        commit of `commits` (the default branch)."""
        if self._positions[0] is not commits:
            self._positions = (commits, {c.sha: i for i, c in enumerate(commits)})
        position = self._positions[1]
        key = (deployment.repo.id, deployment.environment)
        earlier = self._last.get(key)
        start = position[earlier.sha] + 1 if earlier else 0
        deployment.shipped = [c.pull for c in commits[start : position[deployment.sha] + 1]]
        self._last[key] = deployment
        if deployment.is_production:
            self._runs[deployment.repo.id] = self._runs.get(deployment.repo.id, 0) + 1
            deployment.run_id = 9_200_000_000 + deployment.id % 1_000_000
            deployment.run_number = self._runs[deployment.repo.id]

    def _renumber(self) -> None:
        """Ids follow creation time over the whole org, as GitHub's do."""
        self.deployments.sort(key=lambda d: (d.created_at, d.repo.id))
        troubled = {d for d in self.deployments if d.id in self._troubled}
        for i, deployment in enumerate(self.deployments):
            deployment.id = 2_400_000_001 + i
            deployment.run_id = 9_200_000_000 + deployment.id % 1_000_000
        statuses = sorted(
            (s for d in self.deployments for s in d.statuses), key=lambda s: (s.created_at, s.id)
        )
        for i, status in enumerate(statuses):
            status.id = 3_100_000_001 + i
        self._next_id = 2_400_000_001 + len(self.deployments)
        self._troubled = {d.id for d in troubled}
        self._next_status = 3_100_000_001 + len(statuses)

    def _plan_incidents(self) -> None:
        """Incidents after half the failed production deployments and the troubled successful
        ones, opened before any other production deployment, resolved some hours later."""
        production = [d for d in self.deployments if d.is_production]
        for i, deployment in enumerate(production):
            roll = self.rng.random()
            if not (
                (deployment.state == "failure" and roll < 0.5) or deployment.id in self._troubled
            ):
                continue
            opened = deployment.statuses[-1].created_at + timedelta(minutes=self.rng.randint(5, 40))
            after = production[i + 1].created_at if i + 1 < len(production) else self.now
            if opened >= after:
                continue
            resolved = opened + timedelta(hours=self.rng.randint(1, 12))
            self.incidents.append(
                Incident(deployment.id, deployment.repo.full_name, opened, min(resolved, self.now))
            )

    # -- mutations -----------------------------------------------------------------------------
    def deploy(self, at: datetime) -> list[int]:
        """A production deployment (in progress) of each repository whose default branch moved
        since its last deployment. Returns the new ids."""
        out = []
        for repo in self.world.repos:
            commits = self.branch(repo)
            head = self.head_at(repo, at, commits)
            done = [d for d in self.of_repo(repo) if d.is_production]
            if head is None or (done and done[-1].sha == head.sha):
                continue
            creator = done[-1].creator if done else self._deployers[0]
            deployment = Deployment(self._next_id, repo, head.sha, "production", creator, at)
            self._next_id += 1
            self._status(deployment, "in_progress", at)
            self._ship(deployment, commits)
            self.deployments.append(deployment)
            out.append(deployment.id)
        return out

    def finish(self, at: datetime, state: str = "success") -> list[int]:
        """Give every unfinished deployment its final status `state`."""
        out = []
        for deployment in self.deployments:
            if deployment.state not in FINAL_STATES:
                self._status(deployment, state, at)
                out.append(deployment.id)
        return out

    # -- truth for tests -----------------------------------------------------------------------
    def truth(self) -> list[dict[str, object]]:
        """Every deployment: id, repo, environment, sha, final state, created_at, deployed_at
        (its first success, failure or error status) and the ids of the PRs it shipped."""
        out = []
        for d in self.deployments:
            ended = [s.created_at for s in d.statuses if s.state in ("success", "failure", "error")]
            out.append(
                {
                    "id": d.id,
                    "repo": d.repo.full_name,
                    "environment": d.environment,
                    "sha": d.sha,
                    "state": d.state,
                    "created_at": d.created_at,
                    "deployed_at": ended[0] if ended else None,
                    "pull_request_ids": [p.id for p in d.shipped],
                }
            )
        return out
