"""Map request paths onto the GitHub REST operations the sandbox serves."""

from __future__ import annotations

import re
from dataclasses import dataclass
from urllib.parse import unquote

_REPO = r"(?:/repos/(?P<owner>[^/]+)/(?P<name>[^/]+)|/repositories/(?P<repo_id>\d+))"
_PATTERNS = [
    ("rate_limit", r"/rate_limit"),
    ("orgs.members", r"(?:/orgs/(?P<org>[^/]+)|/organizations/(?P<org_id>\d+))/members"),
    ("users.get", r"/users/(?P<login>[^/]+)"),
    ("repos.get", _REPO),
    ("pulls.list", _REPO + r"(?P<suffix>/pulls)"),
    ("pulls.comments", _REPO + r"(?P<suffix>/pulls/comments)"),
    ("pulls.get", _REPO + r"(?P<suffix>/pulls/(?P<number>\d+))"),
    ("pulls.reviews", _REPO + r"(?P<suffix>/pulls/(?P<number>\d+)/reviews)"),
    ("issues.comments", _REPO + r"(?P<suffix>/issues/comments)"),
    ("deployments.list", _REPO + r"(?P<suffix>/deployments)"),
    ("deployments.statuses", _REPO + r"(?P<suffix>/deployments/(?P<number>\d+)/statuses)"),
    ("actions.workflow_runs", _REPO + r"(?P<suffix>/actions/workflows/(?P<workflow>[^/]+)/runs)"),
    ("releases.list", _REPO + r"(?P<suffix>/releases)"),
    ("commits.list", _REPO + r"(?P<suffix>/commits)"),
]
_COMPILED = [(kind, re.compile(pattern + r"/?$")) for kind, pattern in _PATTERNS]


@dataclass(frozen=True)
class Route:
    """A recognised path: the operation kind and its path parameters."""

    kind: str
    owner: str | None = None
    name: str | None = None
    repo_id: int | None = None
    org: str | None = None
    org_id: int | None = None
    login: str | None = None
    number: int | None = None
    suffix: str = ""  # the path after the repository, e.g. "/pulls/12/reviews"
    workflow: str | None = None  # a workflow's file name or id


def parse_route(path: str) -> Route | None:
    """The route of `path`, or None when the sandbox does not serve it."""
    for kind, pattern in _COMPILED:
        match = pattern.match(path)
        if match is None:
            continue
        groups = {k: unquote(v) for k, v in match.groupdict().items() if v is not None}
        return Route(
            kind=kind,
            owner=groups.get("owner"),
            name=groups.get("name"),
            repo_id=int(groups["repo_id"]) if "repo_id" in groups else None,
            org=groups.get("org"),
            org_id=int(groups["org_id"]) if "org_id" in groups else None,
            login=groups.get("login"),
            number=int(groups["number"]) if "number" in groups else None,
            suffix=groups.get("suffix", ""),
            workflow=groups.get("workflow"),
        )
    return None
