"""The delivery endpoints, in GitHub's shapes: `GET /repos/{o}/{r}/deployments` (filters `sha`,
`ref`, `task`, `environment`; newest first), `.../deployments/{id}/statuses` (newest first),
`.../actions/workflows/{file}/runs` (`branch`, `status`, `event`, `head_sha`, `created`),
`.../releases` (newest first) and `.../commits` (`sha`, `since`, `until`; newest first)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Any

from sandbox.core import Request
from sandbox.github.clock import gh_time, parse_gh_time
from sandbox.github.delivery import WORKFLOW_FILE, WORKFLOW_ID, Commit, Delivery, Deployment
from sandbox.github.models import Repo
from sandbox.github.responses import (
    GitHubResponse,
    error,
    link_header,
    not_found,
    page_args,
    paginate,
    validation_failed,
)
from sandbox.github.shapes import API, WEB, Json, Renderer, node_id

RUNS_DOCS = "https://docs.github.com/rest/actions/workflow-runs#list-workflow-runs-for-a-workflow"
COMMITS_DOCS = "https://docs.github.com/rest/commits/commits#list-commits"
#: Values of the workflow runs' `status` filter that name a conclusion.
CONCLUSIONS = ("success", "failure", "cancelled", "neutral", "skipped", "stale", "timed_out")
RUN_STATES = ("completed", "in_progress", "queued", "requested", "waiting", "pending")

Page = Callable[[list[Json]], GitHubResponse]


def commit_shape(render: Renderer, commit: Commit) -> Json:
    """An item of `GET /repos/{o}/{r}/commits`."""
    full, pull = commit.repo.full_name, commit.pull
    merger = pull.merged_by or pull.user
    when = gh_time(commit.committed_at)
    person = {"name": merger.name or merger.login, "email": merger.email or "", "date": when}
    api = f"{API}/repos/{full}"
    return {
        "sha": commit.sha,
        "node_id": node_id("Commit", int(commit.sha[:8], 16)),
        "commit": {
            "author": person,
            "committer": person,
            "message": f"Merge pull request #{pull.number} from "
            f"{pull.head_repo.owner.login}/{pull.head_ref}\n\n{pull.title}",
            "tree": {"sha": commit.sha[::-1], "url": f"{api}/git/trees/{commit.sha[::-1]}"},
            "url": f"{api}/git/commits/{commit.sha}",
            "comment_count": 0,
            "verification": {
                "verified": False,
                "reason": "unsigned",
                "signature": None,
                "payload": None,
                "verified_at": None,
            },
        },
        "url": f"{api}/commits/{commit.sha}",
        "html_url": f"{WEB}/{full}/commit/{commit.sha}",
        "comments_url": f"{api}/commits/{commit.sha}/comments",
        "author": render.user(merger),
        "committer": render.user(merger),
        "parents": [
            {
                "sha": commit.parent,
                "url": f"{api}/commits/{commit.parent}",
                "html_url": f"{WEB}/{full}/commit/{commit.parent}",
            }
        ]
        if commit.parent
        else [],
    }


def deployment_shape(render: Renderer, d: Deployment) -> Json:
    api = f"{API}/repos/{d.repo.full_name}"
    return {
        "url": f"{api}/deployments/{d.id}",
        "id": d.id,
        "node_id": node_id("Deployment", d.id),
        "sha": d.sha,
        "ref": d.repo.default_branch,
        "task": "deploy",
        "payload": {},
        "original_environment": d.environment,
        "environment": d.environment,
        "description": f"Deploy {d.sha[:7]} to {d.environment}",
        "creator": render.user(d.creator),
        "created_at": gh_time(d.created_at),
        "updated_at": gh_time(d.updated_at),
        "statuses_url": f"{api}/deployments/{d.id}/statuses",
        "repository_url": api,
        "transient_environment": False,
        "production_environment": d.is_production,
    }


def statuses_shape(render: Renderer, d: Deployment) -> list[Json]:
    api = f"{API}/repos/{d.repo.full_name}"
    return [
        {
            "url": f"{api}/deployments/{d.id}/statuses/{s.id}",
            "id": s.id,
            "node_id": node_id("DeploymentStatus", s.id),
            "state": s.state,
            "creator": render.user(s.creator),
            "description": f"Deployment {s.state.replace('_', ' ')}",
            "environment": d.environment,
            "target_url": f"https://deploy.example.com/{d.id}",
            "created_at": gh_time(s.created_at),
            "updated_at": gh_time(s.created_at),
            "deployment_url": f"{api}/deployments/{d.id}",
            "repository_url": api,
            "environment_url": f"https://{d.environment}.example.com",
            "log_url": f"https://deploy.example.com/{d.id}",
        }
        for s in reversed(d.statuses)
    ]


def run_shape(render: Renderer, d: Deployment, branch: str) -> Json:
    full = d.repo.full_name
    api = f"{API}/repos/{full}"
    done = d.state in CONCLUSIONS
    return {
        "id": d.run_id,
        "name": "Deploy",
        "node_id": node_id("WorkflowRun", d.run_id),
        "head_branch": branch,
        "head_sha": d.sha,
        "path": f".github/workflows/{WORKFLOW_FILE}",
        "display_title": f"Deploy {d.sha[:7]}",
        "run_number": d.run_number,
        "event": "push",
        "status": "completed" if done else "in_progress",
        "conclusion": d.state if done else None,
        "workflow_id": WORKFLOW_ID,
        "check_suite_id": d.run_id + 7,
        "url": f"{api}/actions/runs/{d.run_id}",
        "html_url": f"{WEB}/{full}/actions/runs/{d.run_id}",
        "pull_requests": [],
        "created_at": gh_time(d.created_at),
        "updated_at": gh_time(d.updated_at),
        "actor": render.user(d.creator),
        "run_attempt": 1,
        "run_started_at": gh_time(d.created_at),
        "triggering_actor": render.user(d.creator),
        "jobs_url": f"{api}/actions/runs/{d.run_id}/jobs",
        "logs_url": f"{api}/actions/runs/{d.run_id}/logs",
        "workflow_url": f"{api}/actions/workflows/{WORKFLOW_ID}",
        "repository": render.repo(d.repo),
        "head_repository": render.repo(d.repo),
    }


def release_shape(render: Renderer, d: Deployment, number: int) -> Json:
    full = d.repo.full_name
    api, tag = f"{API}/repos/{full}", f"v1.{number}.0"
    release_id = 8_800_000_000 + d.id % 1_000_000
    return {
        "url": f"{api}/releases/{release_id}",
        "html_url": f"{WEB}/{full}/releases/tag/{tag}",
        "assets_url": f"{api}/releases/{release_id}/assets",
        "upload_url": f"https://uploads.github.com/repos/{full}/releases/{release_id}/assets",
        "tarball_url": f"{api}/tarball/{tag}",
        "zipball_url": f"{api}/zipball/{tag}",
        "id": release_id,
        "node_id": node_id("Release", release_id),
        "tag_name": tag,
        "target_commitish": d.repo.default_branch,
        "name": tag,
        "body": f"Release {tag}",
        "draft": False,
        "prerelease": False,
        "created_at": gh_time(d.created_at),
        "published_at": gh_time(d.updated_at),
        "author": render.user(d.creator),
        "assets": [],
    }


def _created_filter(text: str) -> Callable[[datetime], bool] | None:
    """GitHub's `created` search syntax: `>=D`, `>D`, `<=D`, `<D`, `D..D` or `D`."""

    def parse(value: str) -> datetime:
        return parse_gh_time(value if "T" in value else value + "T00:00:00Z")

    try:
        if ".." in text:
            low, high = text.split("..", 1)
            start, end = parse(low), parse(high)
            end += timedelta(days=1) if "T" not in high else timedelta(0)
            return lambda t: start <= t < end if "T" not in high else start <= t <= end
        compare = {
            ">=": lambda t, at: t >= at,
            "<=": lambda t, at: t <= at,
            ">": lambda t, at: t > at,
            "<": lambda t, at: t < at,
        }
        for op, test in compare.items():
            if text.startswith(op):
                bound = parse(text[len(op) :])
                return lambda t: test(t, bound)
        day = parse(text)
        return lambda t: day <= t < day + timedelta(days=1)
    except ValueError:
        return None


class DeliveryEndpoints:
    """Answers the delivery routes for one org (the server passes its paging helper)."""

    def __init__(self, delivery: Delivery, render: Renderer) -> None:
        self.delivery = delivery
        self.render = render

    def answer(
        self,
        kind: str,
        request: Request,
        repo: Repo,
        number: int | None,
        workflow: str | None,
        page: Page,
        ok: Callable[[Any], GitHubResponse],
        base: str,
        link_path: str,
    ) -> GitHubResponse:
        d, render = self.delivery, self.render
        if kind == "deployments.list":
            rows = d.of_repo(repo)[::-1]
            for name, value in (
                ("sha", lambda x: x.sha),
                ("environment", lambda x: x.environment),
                ("ref", lambda x: x.repo.default_branch),
                ("task", lambda x: "deploy"),
            ):
                wanted = request.arg(name)
                if wanted:
                    rows = [x for x in rows if value(x) == wanted]
            return page([deployment_shape(render, x) for x in rows])
        if kind == "deployments.statuses":
            found = next((x for x in d.of_repo(repo) if x.id == number), None)
            return not_found() if found is None else page(statuses_shape(render, found))
        if kind == "releases.list":
            releases = d.releases(repo)
            shaped = [release_shape(render, x, i + 1) for i, x in enumerate(releases)]
            return page(shaped[::-1])
        if kind == "commits.list":
            return self._commits(request, repo, page)
        return self._runs(request, repo, workflow or "", ok, base, link_path)

    def _commits(self, request: Request, repo: Repo, page: Page) -> GitHubResponse:
        commits = self.delivery.branch(repo)
        ref = request.arg("sha") or repo.default_branch
        if ref != repo.default_branch:
            position = next((i for i, c in enumerate(commits) if c.sha.startswith(ref)), None)
            if position is None:
                return error(404, f"No commit found for SHA: {ref}")
            commits = commits[: position + 1]
        for name, keep in (
            ("since", lambda c, t: c.committed_at >= t),
            ("until", lambda c, t: c.committed_at <= t),
        ):
            value = request.arg(name)
            if value:
                try:
                    at = parse_gh_time(value)
                except ValueError:
                    return validation_failed("Commit", name, COMMITS_DOCS)
                commits = [c for c in commits if keep(c, at)]
        return page([commit_shape(self.render, c) for c in commits[::-1]])

    def _runs(
        self,
        request: Request,
        repo: Repo,
        workflow: str,
        ok: Callable[[Any], GitHubResponse],
        base: str,
        link_path: str,
    ) -> GitHubResponse:
        if workflow not in (WORKFLOW_FILE, str(WORKFLOW_ID)):
            return not_found()
        runs = [(x, repo.default_branch) for x in self.delivery.workflow_runs(repo)][::-1]
        status = request.arg("status")
        if status and status not in CONCLUSIONS + RUN_STATES + ("action_required",):
            return validation_failed("WorkflowRun", "status", RUNS_DOCS)
        if status:
            runs = [
                (x, b)
                for x, b in runs
                if (run_shape(self.render, x, b)["conclusion"] == status)
                or (run_shape(self.render, x, b)["status"] == status)
            ]
        branch = request.arg("branch")
        if branch:
            runs = [(x, b) for x, b in runs if b == branch]
        head_sha = request.arg("head_sha")
        if head_sha:
            runs = [(x, b) for x, b in runs if x.sha == head_sha]
        event = request.arg("event")
        if event and event != "push":
            runs = []
        created = request.arg("created")
        if created:
            test = _created_filter(created)
            if test is None:
                return validation_failed("WorkflowRun", "created", RUNS_DOCS)
            runs = [(x, b) for x, b in runs if test(x.created_at)]
        per_page, number = page_args(request)
        chunk, last = paginate(runs, per_page, number)
        body = {
            "total_count": len(runs),
            "workflow_runs": [run_shape(self.render, x, b) for x, b in chunk],
        }
        response = ok(body)
        link = link_header(base, link_path, request.query, number, last)
        if link is not None:
            response.headers["Link"] = link
        return response
