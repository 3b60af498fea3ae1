"""The GitHub sandbox's objects against GitHub's official example payloads: every field path of
the example exists with the same JSON type, and no extra top-level fields.

Allowed differences (each is what GitHub itself does):
- a field may be null where the example has a value when GitHub documents it as nullable
  (`NULLABLE` below: e.g. milestone, merged_at, a user's profile fields);
- `submitted_at` is absent on PENDING reviews and `in_reply_to_id` on review comments that are
  not replies (`OPTIONAL` below);
- a null in the example matches anything, and an empty list cannot be checked deeper.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
import requests

from sandbox.company import Company, Size
from sandbox.github import GitHubServer

TOKEN = "ghp_payload_token"
REFERENCE = Path(__file__).resolve().parents[2].parent / "shared" / "reference" / "github"

if not REFERENCE.is_dir():
    reason = f"GitHub reference payloads absent ({REFERENCE}): payload conformance not checked"
    print(reason)
    pytest.skip(reason, allow_module_level=True)

_REPO_NULLABLE = {"mirror_url", "homepage", "language", "license", "description"}
_PULL_NULLABLE = {
    "body",
    "milestone",
    "active_lock_reason",
    "closed_at",
    "merged_at",
    "merge_commit_sha",
    "assignee",
    "milestone.closed_at",
    "milestone.due_on",
    "milestone.description",
    *(f"{side}.repo.{field}" for side in ("head", "base") for field in _REPO_NULLABLE),
}
NULLABLE: dict[str, set[str]] = {
    "pulls_list": _PULL_NULLABLE,
    "pull": _PULL_NULLABLE | {"merged_by", "mergeable", "rebaseable"},
    "pull_reviews": set(),
    "review_comments_repo": {"start_line", "original_start_line", "start_side"},
    "org_members": set(),
    "user": {"name", "company", "location", "email", "hireable", "bio", "twitter_username"},
    "issue_comments_repo": set(),
}
OPTIONAL: dict[str, set[str]] = {
    "pull_reviews": {"submitted_at"},
    "review_comments_repo": {"in_reply_to_id"},
}


def json_type(value: Any) -> str:
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, int):
        return "integer"
    return {float: "number", str: "string", list: "array", dict: "object"}[type(value)]


def mismatches(example: Any, actual: Any, name: str, path: str = "") -> list[str]:
    """Where `actual` lacks a field of `example` or has another JSON type there."""
    if example is None:
        return []
    if actual is None:
        return [] if path in NULLABLE[name] else [f"{path}: null, example has {example!r}"]
    if json_type(example) != json_type(actual):
        return [f"{path}: {json_type(actual)}, example has {json_type(example)}"]
    problems = []
    if isinstance(example, dict):
        for key, value in example.items():
            sub = f"{path}.{key}" if path else key
            if key not in actual:
                if sub not in OPTIONAL.get(name, set()):
                    problems.append(f"{sub}: missing")
                continue
            problems += mismatches(value, actual[key], name, sub)
    elif isinstance(example, list) and example:
        for item in actual:
            problems += mismatches(example[0], item, name, f"{path}[]")
    return problems


def extra_top_level(example: dict, actual: dict) -> set[str]:
    return set(actual) - set(example)


@pytest.fixture(scope="module")
def server() -> Iterator[GitHubServer]:
    company = Company(
        seed=11, size=Size(users=16, repos=2, pulls=150), now=datetime(2026, 3, 1, tzinfo=UTC)
    )
    box = GitHubServer(company, [], token=TOKEN).start()
    yield box
    box.stop()


@pytest.fixture(scope="module")
def http() -> requests.Session:
    session = requests.Session()
    session.headers["Authorization"] = f"token {TOKEN}"
    return session


def every(http: requests.Session, url: str, **params: Any) -> list[dict]:
    items: list[dict] = []
    response = http.get(url, params={"per_page": 100, **params})
    while True:
        assert response.status_code == 200, response.text
        items += response.json()
        if "next" not in response.links:
            return items
        response = http.get(response.links["next"]["url"])


def sandbox_objects(name: str, server: GitHubServer, http: requests.Session) -> list[dict]:
    """Every object the sandbox serves for the operation the example `name` documents."""
    base, repos = server.url, server.repo_names
    if name == "org_members":
        return every(http, f"{base}/orgs/acme/members")
    if name == "user":
        logins = [m["login"] for m in every(http, f"{base}/orgs/acme/members")]
        logins += ["dependabot[bot]", "octo-contractor", "jdoe-oss"]
        return [http.get(f"{base}/users/{login}").json() for login in logins]
    path = {
        "pulls_list": "pulls",
        "review_comments_repo": "pulls/comments",
        "issue_comments_repo": "issues/comments",
    }.get(name)
    if path is not None:
        params = {"state": "all"} if name == "pulls_list" else {}
        return [
            obj for repo in repos for obj in every(http, f"{base}/repos/{repo}/{path}", **params)
        ]
    pulls = [
        (p["base"]["repo"]["full_name"], p["number"])
        for p in server.org_data.truth("pull_requests")
    ]
    if name == "pull":
        return [http.get(f"{base}/repos/{repo}/pulls/{n}").json() for repo, n in pulls]
    assert name == "pull_reviews"
    return [r for repo, n in pulls for r in every(http, f"{base}/repos/{repo}/pulls/{n}/reviews")]


@pytest.mark.parametrize("name", sorted(NULLABLE))
def test_objects_match_the_official_example(
    name: str, server: GitHubServer, http: requests.Session
) -> None:
    example = json.loads((REFERENCE / f"{name}.json").read_text())
    example = example[0] if isinstance(example, list) else example
    objects = sandbox_objects(name, server, http)
    assert objects
    problems = sorted({p for obj in objects for p in mismatches(example, obj, name)})
    assert not problems, problems
    extras = sorted({key for obj in objects for key in extra_top_level(example, obj)})
    assert not extras, extras


def test_variety_is_covered(server: GitHubServer, http: requests.Session) -> None:
    """The conformance run above saw the interesting cases, not just the happy one."""
    pulls = sandbox_objects("pull", server, http)
    assert {p["merged"] for p in pulls} == {True, False}
    assert any(p["draft"] for p in pulls) and any(p["milestone"] for p in pulls)
    for field in ("labels", "assignees", "requested_reviewers", "requested_teams"):
        assert any(p[field] for p in pulls), field
    assert any(p["head"]["repo"]["fork"] for p in pulls)  # an outside contributor's fork
    users = sandbox_objects("user", server, http)
    assert any(u["email"] is None for u in users) and any(u["email"] for u in users)
    assert {u["type"] for u in users} == {"User", "Bot"}
    reviews = sandbox_objects("pull_reviews", server, http)
    assert any("submitted_at" not in r for r in reviews)
    comments = sandbox_objects("review_comments_repo", server, http)
    assert any("in_reply_to_id" in c for c in comments)
    assert any(c["start_line"] is not None for c in comments)
