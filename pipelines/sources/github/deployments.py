"""Deployments, per repository, from where `sources.github.deployments` says they come from:

- `deployments`: GitHub's deployments API, with each deployment's statuses. The listing (newest
  first) stops at the newest deployment already loaded; statuses are read only for new
  deployments and for those not finished at the last run (no success/failure/error/inactive).
- `workflow:<file>`: successful runs of that workflow on the default branch (`status=success`,
  `created>=` the newest run already loaded).
- `releases`: published releases (newest first, stopping at the newest one already loaded).

Whatever the source, the default branch's commits are loaded too (`since` the newest one
already loaded), so the warehouse can tell which pull requests each deployment shipped. Every
row is tagged with its repository; all deployments share `raw_deployments` (column
`deployment_source` says which kind a row is).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from dlt.sources.helpers.requests import Response, Session

from pipelines.sources.github.rate_limits import GitHubRateLimits
from pipelines.sources.http import SourceError, rate_limit_error

RATE_LIMITS = GitHubRateLimits()
SETTING = "sources.github.deployments"
FINAL_STATES = frozenset({"success", "failure", "error", "inactive"})
_WORKFLOW_FILE = re.compile(r"^[A-Za-z0-9_.-]+\.ya?ml$|^\d+$")
_SHA = re.compile(r"^[0-9a-f]{40}$")


@dataclass(frozen=True)
class DeploymentsSetting:
    """A parsed `sources.github.deployments`: `kind` and, for workflows, the workflow file."""

    kind: str  # "deployments", "workflow" or "releases"
    workflow: str | None = None


def parse_deployments_setting(value: object) -> DeploymentsSetting | None:
    """`sources.github.deployments` checked: None when unset or empty; a clear error naming the
    key and the accepted forms otherwise."""
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    text = value.strip() if isinstance(value, str) else value
    if text in ("deployments", "releases"):
        return DeploymentsSetting(str(text))
    if isinstance(text, str) and text.startswith("workflow:"):
        workflow = text.removeprefix("workflow:").strip()
        if _WORKFLOW_FILE.match(workflow):
            return DeploymentsSetting("workflow", workflow)
    raise SourceError(
        f"{SETTING} (SOURCES__GITHUB__DEPLOYMENTS) is {value!r}: use 'deployments' (GitHub's "
        "deployments API), 'workflow:<file>' (successful runs of that workflow on the default "
        "branch, e.g. 'workflow:deploy.yml') or 'releases'; leave it unset for none."
    )


def _ts(hint: str = "timestamp") -> dict[str, Any]:
    return {"data_type": hint, "nullable": True}


DEPLOYMENT_COLUMNS: dict[str, dict[str, Any]] = {
    "id": {"data_type": "bigint", "nullable": False},
    "repo": _ts("text"),
    "deployment_source": _ts("text"),
    "sha": _ts("text"),
    "ref": _ts("text"),
    "environment": _ts("text"),
    "task": _ts("text"),
    "description": _ts("text"),
    "creator__login": _ts("text"),
    "creator__id": _ts("bigint"),
    "production_environment": _ts("bool"),
    "created_at": _ts(),
    "updated_at": _ts(),
    "run_number": _ts("bigint"),
    "run_started_at": _ts(),
    "status": _ts("text"),
    "conclusion": _ts("text"),
    "workflow_path": _ts("text"),
    "tag_name": _ts("text"),
    "name": _ts("text"),
    "draft": _ts("bool"),
    "prerelease": _ts("bool"),
    "published_at": _ts(),
}
STATUS_COLUMNS: dict[str, dict[str, Any]] = {
    "id": {"data_type": "bigint", "nullable": False},
    "deployment_id": _ts("bigint"),
    "repo": _ts("text"),
    "state": _ts("text"),
    "environment": _ts("text"),
    "description": _ts("text"),
    "creator__login": _ts("text"),
    "created_at": _ts(),
    "updated_at": _ts(),
}
COMMIT_COLUMNS: dict[str, dict[str, Any]] = {
    "sha": {"data_type": "text", "nullable": False},
    "repo": _ts("text"),
    "message": _ts("text"),
    "author__login": _ts("text"),
    "author__id": _ts("bigint"),
    "authored_at": _ts(),
    "committed_at": _ts(),
    "parent_shas": _ts("text"),
}


class GitHubReader:
    """GETs of one repository's endpoints, failing the run with the repo and endpoint named."""

    def __init__(self, session: Session, base_url: str, repo: str, page_size: int = 100) -> None:
        self.session, self.base_url, self.repo = session, base_url, repo
        self.page_size = page_size

    def get(self, path: str, what: str, params: dict[str, Any] | None = None) -> Response:
        url = path if path.startswith("http") else f"{self.base_url}/repos/{self.repo}/{path}"
        response = self.session.get(url, params=params)
        if response.status_code >= 400:
            where = f"github: GET {response.url.split('?')[0]} ({what} of {self.repo})"
            if RATE_LIMITS.is_rate_limited(response):
                raise rate_limit_error("github", where, RATE_LIMITS.seconds_until_reset(response))
            try:
                message = str(response.json().get("message", "")).rstrip(".")
            except ValueError:
                message = response.text[:200]
            hint = ""
            if response.status_code == 404 and "workflows" in url:
                hint = f" Check the workflow file named in {SETTING}."
            elif response.status_code == 404:
                hint = f" Check sources.github.repos: '{self.repo}' is not visible to the token."
            raise SourceError(f"{where}: HTTP {response.status_code}: {message}.{hint}")
        return response

    def pages(
        self, path: str, what: str, params: dict[str, Any], key: str | None = None
    ) -> Iterator[list[dict[str, Any]]]:
        """Pages of a listing, following `Link: rel="next"` (items under `key` if given)."""
        response = self.get(path, what, {**params, "per_page": self.page_size})
        while True:
            body = response.json()
            yield body[key] if key else body
            following = response.links.get("next", {}).get("url")
            if not following:
                return
            response = self.get(following, what)


def deployment_row(repo: str, item: dict[str, Any]) -> dict[str, Any]:
    creator = item.get("creator") or {}
    return {
        "id": item["id"],
        "repo": repo,
        "deployment_source": "deployments",
        "sha": item.get("sha"),
        "ref": item.get("ref"),
        "environment": item.get("environment"),
        "task": item.get("task"),
        "description": item.get("description"),
        "creator__login": creator.get("login"),
        "creator__id": creator.get("id"),
        "production_environment": item.get("production_environment"),
        "created_at": item.get("created_at"),
        "updated_at": item.get("updated_at"),
    }


def status_row(repo: str, deployment_id: int, item: dict[str, Any]) -> dict[str, Any]:
    return {
        "id": item["id"],
        "deployment_id": deployment_id,
        "repo": repo,
        "state": item.get("state"),
        "environment": item.get("environment"),
        "description": item.get("description"),
        "creator__login": (item.get("creator") or {}).get("login"),
        "created_at": item.get("created_at"),
        "updated_at": item.get("updated_at"),
    }


def run_row(repo: str, item: dict[str, Any]) -> dict[str, Any]:
    actor = item.get("actor") or {}
    return {
        "id": item["id"],
        "repo": repo,
        "deployment_source": "workflow",
        "sha": item.get("head_sha"),
        "ref": item.get("head_branch"),
        "environment": "production",
        "task": "deploy",
        "description": item.get("display_title"),
        "creator__login": actor.get("login"),
        "creator__id": actor.get("id"),
        "production_environment": True,
        "created_at": item.get("created_at"),
        "updated_at": item.get("updated_at"),
        "run_number": item.get("run_number"),
        "run_started_at": item.get("run_started_at"),
        "status": item.get("status"),
        "conclusion": item.get("conclusion"),
        "workflow_path": item.get("path"),
    }


def release_row(repo: str, item: dict[str, Any]) -> dict[str, Any]:
    author = item.get("author") or {}
    target = item.get("target_commitish") or ""
    return {
        "id": item["id"],
        "repo": repo,
        "deployment_source": "releases",
        "sha": target if _SHA.match(target) else None,  # else a branch: resolved by time
        "ref": item.get("tag_name"),
        "environment": "production",
        "task": "release",
        "description": item.get("name"),
        "creator__login": author.get("login"),
        "creator__id": author.get("id"),
        "production_environment": True,
        "created_at": item.get("created_at"),
        "updated_at": item.get("published_at"),
        "tag_name": item.get("tag_name"),
        "name": item.get("name"),
        "draft": item.get("draft"),
        "prerelease": item.get("prerelease"),
        "published_at": item.get("published_at"),
    }


def commit_row(repo: str, item: dict[str, Any]) -> dict[str, Any]:
    commit = item.get("commit") or {}
    author = item.get("author") or {}
    return {
        "sha": item["sha"],
        "repo": repo,
        "message": (commit.get("message") or "").split("\n", 1)[0][:500],
        "author__login": author.get("login"),
        "author__id": author.get("id"),
        "authored_at": (commit.get("author") or {}).get("date"),
        "committed_at": (commit.get("committer") or {}).get("date"),
        "parent_shas": ",".join(p["sha"] for p in item.get("parents") or []),
    }
