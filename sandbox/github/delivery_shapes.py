"""GitHub's JSON shapes of the delivery objects: default-branch commits, deployments and their
statuses, workflow runs and releases."""

from __future__ import annotations

from sandbox.github.clock import gh_time
from sandbox.github.delivery import WORKFLOW_FILE, WORKFLOW_ID, Commit, Deployment
from sandbox.github.shapes import API, WEB, Json, Renderer, node_id

#: Values of the workflow runs' `status` filter that name a conclusion.
CONCLUSIONS = ("success", "failure", "cancelled", "neutral", "skipped", "stale", "timed_out")


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
