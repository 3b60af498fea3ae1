"""The delivery endpoints, in GitHub's shapes: `GET /repos/{o}/{r}/deployments` (filters `sha`,
`ref`, `task`, `environment`; newest first), `.../deployments/{id}/statuses` (newest first),
`.../actions/workflows/{file}/runs` (`branch`, `status`, `event`, `head_sha`, `created`),
`.../releases` (newest first) and `.../commits` (`sha`, `since`, `until`; newest first)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Any

from sandbox.core import Request
from sandbox.github.clock import parse_gh_time
from sandbox.github.delivery import WORKFLOW_FILE, WORKFLOW_ID, Delivery
from sandbox.github.delivery_shapes import (
    CONCLUSIONS,
    commit_shape,
    deployment_shape,
    release_shape,
    run_shape,
    statuses_shape,
)
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
from sandbox.github.shapes import Json, Renderer

RUNS_DOCS = "https://docs.github.com/rest/actions/workflow-runs#list-workflow-runs-for-a-workflow"
COMMITS_DOCS = "https://docs.github.com/rest/commits/commits#list-commits"
RUN_STATES = ("completed", "in_progress", "queued", "requested", "waiting", "pending")

Page = Callable[[list[Json]], GitHubResponse]


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
