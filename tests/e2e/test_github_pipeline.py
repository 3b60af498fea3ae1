"""End to end: `python pipelines/github.py` against the GitHub sandbox, into a real DuckDB file."""

from __future__ import annotations

import math
from collections import Counter
from typing import Any

from pipelines.sources.github.graphql_queries import FIRST_PAGE_SIZE, PAGE_SIZE
from sandbox import GITHUB_TOKEN, Sandbox
from tests.support.github_truth import (
    assert_github_graphql_matches_truth,
    assert_github_matches_truth,
)
from tests.support.workspace import Workspace


def per_repo(box: Sandbox, kind: str) -> Counter[str]:
    """Requests of one operation kind (e.g. "pulls.list") per repository."""
    return Counter(
        r.operation.split(" ", 1)[1].split("#")[0]
        for r in box.github.log
        if r.operation.startswith(kind + " ")
    )


def pr_pages(box: Sandbox, repo: str) -> list[Any]:
    """The GraphQL pages of pull requests of one repository."""
    return [
        r
        for r in box.github.log
        if r.operation.startswith("graphql") and f"repository {repo}" in r.operation
    ]


def nested_queries(box: Sandbox) -> list[Any]:
    """GraphQL queries that page a nested list on (through `node`)."""
    return [
        r for r in box.github.log if r.operation.startswith("graphql") and "node" in r.operation
    ]


def expected_pages(pulls: int) -> int:
    """A first page of 16 pull requests, then pages of 50 (graphql_queries.py)."""
    return 1 if pulls <= FIRST_PAGE_SIZE else 1 + math.ceil((pulls - FIRST_PAGE_SIZE) / PAGE_SIZE)


def test_full_sync_lands_every_table(workspace: Workspace, sandbox: Sandbox) -> None:
    result = workspace.run("github", "--no-dbt")
    assert result.returncode == 0, result.output
    assert_github_matches_truth(workspace, sandbox)
    assert_github_graphql_matches_truth(workspace, sandbox)
    org = sandbox.github.org_data
    assert all(
        "per_page=100" in _query(r)
        for r in sandbox.github.log
        if "list" in r.operation or "comments" in r.operation or "members" in r.operation
    )
    # Pull requests and reviews come through GraphQL: no REST pulls or reviews at all.
    assert not per_repo(sandbox, "pulls.list") and not per_repo(sandbox, "pulls.reviews")
    pulls = org.truth("pull_requests")
    for repo in sandbox.github.repo_names:
        in_repo = sum(1 for p in pulls if p["base"]["repo"]["full_name"] == repo)
        pages = pr_pages(sandbox, repo)
        assert len(pages) == expected_pages(in_repo)
        # GitHub's formula: 1 point for the first page of 16, 3 for each page of 50.
        assert sum(r.cost for r in pages) == 1 + 3 * (len(pages) - 1)
    assert "GraphQL points" in result.stdout


def _query(entry: object) -> str:
    query = entry.query
    return "&".join(f"{k}={v[0]}" for k, v in query.items())


def test_incremental_sync_is_economical(workspace: Workspace, sandbox: Sandbox) -> None:
    assert workspace.run("github", "--no-dbt").returncode == 0
    org = sandbox.github.org_data
    org.add_reviews(3)
    org.add_review_comments(2)
    org.add_issue_comments(2)
    org.merge_pulls(2)
    renamed = org.update_users(1)
    sandbox.github.clear_log()

    result = workspace.run("github", "--no-dbt")
    assert result.returncode == 0, result.output
    assert_github_matches_truth(workspace, sandbox)
    assert_github_graphql_matches_truth(workspace, sandbox)
    members = len(org.truth("users"))
    for repo in sandbox.github.repo_names:
        # <= 16 changed pull requests: the first page, 1 point (issue 11's bound).
        pages = pr_pages(sandbox, repo)
        assert len(pages) == 1 and sum(r.cost for r in pages) == 1
        assert per_repo(sandbox, "pulls.comments")[repo] == 1
        assert per_repo(sandbox, "issues.comments")[repo] == 1
    assert not nested_queries(sandbox)  # nothing overflowed
    # Members and profiles are re-read conditionally: only the renamed profile is charged.
    profiles = [r for r in sandbox.github.log if r.operation.startswith("users.get")]
    assert len(profiles) == members
    assert sum(r.status == 200 for r in profiles) == len(renamed)
    assert all(r.status == 304 and not r.charged for r in profiles if r.status != 200)
    assert "304" in result.stdout

    # A rerun with no change loads nothing: one 1-point page per repository.
    sandbox.github.clear_log()
    result = workspace.run("github", "--no-dbt")
    assert result.returncode == 0, result.output
    assert "rows loaded: none" in result.stdout
    assert_github_matches_truth(workspace, sandbox)
    charged = [r for r in sandbox.github.log if r.charged]
    assert len(charged) == 3 * len(sandbox.github.repo_names)  # a PR page + two comment pages
    assert sum(r.cost or 0 for r in charged if r.operation.startswith("graphql")) == len(
        sandbox.github.repo_names
    )


def test_repositories_are_read_concurrently(workspace_factory, sandbox_factory) -> None:  # type: ignore[no-untyped-def]
    """Every repository's pull requests (GraphQL) and listings (REST) are read beside the other
    repositories': requests of different repositories are in flight at the same time."""
    box = sandbox_factory(latency_ms=40)
    ws = workspace_factory(box)
    ws.env["SOURCES__GITHUB__PAGE_SIZE"] = "10"  # several listing pages per repository
    result = ws.run("github", "--no-dbt", extra_env={"EXTRACT__WORKERS": "4"})
    assert result.returncode == 0, result.output
    assert_github_matches_truth(ws, box)
    names = box.github.repo_names
    spans = sorted(
        (r.started_at, r.started_at + r.duration_ms / 1000, repo, r.operation.split(" ")[0])
        for r in box.github.log
        for repo in [next((n for n in names if n in r.operation), None)]
        if repo is not None
    )
    overlapping: set[tuple[str, str]] = set()  # (kind, kind) of requests of two repositories
    for i, (_, end, repo, kind) in enumerate(spans):
        for other_start, _, other_repo, other_kind in spans[i + 1 :]:
            if other_start >= end:
                break
            if other_repo != repo:
                overlapping.add(tuple(sorted((kind, other_kind))))  # type: ignore[arg-type]
    kinds = {kind for *_, kind in spans}
    assert {"pulls.comments", "issues.comments"} <= kinds and any("graphql" in k for k in kinds)
    # Two repositories' REST listings overlap each other, not only the GraphQL pages.
    assert any("comments" in a and "comments" in b for a, b in overlapping), overlapping


def test_since_and_full_refresh(workspace: Workspace, sandbox: Sandbox) -> None:
    pulls = sandbox.github.org_data.truth("pull_requests")
    stamps = sorted(p["updated_at"] for p in pulls)
    since = stamps[len(stamps) // 2][:10]
    result = workspace.run("github", "--no-dbt", "--since", since)
    assert result.returncode == 0, result.output
    loaded = set(workspace.column("select id from github.raw_pull_requests"))
    assert loaded == {p["id"] for p in pulls if p["updated_at"][:10] >= since}
    result = workspace.run("github", "--no-dbt", "--full-refresh")
    assert result.returncode == 0, result.output
    assert_github_matches_truth(workspace, sandbox)


def test_enterprise_server_base_url(workspace_factory, sandbox_factory) -> None:  # type: ignore[no-untyped-def]
    box = sandbox_factory(github_options={"path_prefix": "/api/v3"})
    ws = workspace_factory(box)
    assert ws.env["SOURCES__GITHUB__BASE_URL"].endswith("/api/v3")
    result = ws.run("github", "--no-dbt")
    assert result.returncode == 0, result.output
    assert_github_matches_truth(ws, box)
    assert all(r.path.startswith("/api/v3/") or r.path == "/api/graphql" for r in box.github.log)
    assert any(r.path == "/api/graphql" for r in box.github.log)


def test_unknown_repo_fails_naming_it(workspace: Workspace, sandbox: Sandbox) -> None:
    result = workspace.run(
        "github", "--no-dbt", extra_env={"SOURCES__GITHUB__REPOS": '["acme/api", "acme/nope"]'}
    )
    assert result.returncode == 1
    assert "acme/nope" in result.stderr and "not found" in result.stderr.lower()
    assert "Traceback" not in result.stderr


def test_missing_settings_fail_before_any_request(workspace: Workspace, sandbox: Sandbox) -> None:
    for missing, named in (
        ("GITHUB_TOKEN", "GITHUB_TOKEN"),
        ("SOURCES__GITHUB__REPOS", "SOURCES__GITHUB__REPOS"),
        ("SOURCES__GITHUB__ORG", "SOURCES__GITHUB__ORG"),
    ):
        env = dict(workspace.env)
        env.pop(missing)
        workspace_env, workspace.env = workspace.env, env
        result = workspace.run("github", "--no-dbt")
        workspace.env = workspace_env
        assert result.returncode == 1, missing
        assert named in result.stderr
    result = workspace.run("github", "--no-dbt", extra_env={"SOURCES__GITHUB__REPOS": '["api"]'})
    assert result.returncode == 1 and "owner/name" in result.stderr
    assert sandbox.github.log == []


def test_token_leaves_no_trace(workspace: Workspace, sandbox: Sandbox) -> None:
    outputs = []
    for args in (["--no-dbt"], ["--no-dbt", "--log-level", "debug"]):
        result = workspace.run("github", *args)
        assert result.returncode == 0, result.output
        outputs.append(result.output)
    sandbox.github.inject("status", status=500, times=-1, match="graphql")
    failed = workspace.run("github", "--no-dbt", "--log-level", "debug", "--full-refresh")
    assert failed.returncode == 1
    outputs.append(failed.output)
    assert not any(GITHUB_TOKEN in text for text in outputs)
    leaked = [
        p
        for p in workspace.root.rglob("*")
        if p.is_file() and GITHUB_TOKEN.encode() in p.read_bytes()
    ]
    assert leaked == []


def test_first_run_with_since_keeps_a_cursor(workspace: Workspace, sandbox: Sandbox) -> None:
    """Issue 12 item 5: a first `--since` run is a first load (it keeps a cursor); a later
    `--since` run is a bounded backfill that leaves the cursor where it was."""
    org = sandbox.github.org_data
    stamps = sorted(p["updated_at"] for p in org.truth("pull_requests"))
    since = stamps[len(stamps) // 2][:10]
    assert workspace.run("github", "--no-dbt", "--since", since).returncode == 0
    merged = org.merge_pulls(1)
    sandbox.github.clear_log()

    result = workspace.run("github", "--no-dbt")
    assert result.returncode == 0, result.output
    # From the cursor: one page of each listing (a 1-point GraphQL page with the reviews).
    assert len(merged) == 1
    charged = [r for r in sandbox.github.log if r.charged]
    assert len(charged) == 3 * len(sandbox.github.repo_names)
    assert not nested_queries(sandbox)
    comment_reads = [r for r in sandbox.github.log if "comments" in r.operation]
    assert all(_query(r).split("since=")[1][:10] >= since for r in comment_reads)
    loaded = set(workspace.column("select id from github.raw_pull_requests"))
    assert loaded == {p["id"] for p in org.truth("pull_requests") if p["updated_at"][:10] >= since}

    # A backfill over a cursor loads the older rows and leaves the cursor alone. It starts at
    # the oldest change of any table: a comment on an issue can be older than every pull.
    oldest = min(
        row["updated_at"]
        for name in ("pull_requests", "pr_comments", "pr_issue_comments")
        for row in org.truth(name)
    )
    result = workspace.run("github", "--no-dbt", "--since", str(oldest)[:10])
    assert result.returncode == 0, result.output
    assert_github_matches_truth(workspace, sandbox)
    sandbox.github.clear_log()
    result = workspace.run("github", "--no-dbt")
    assert result.returncode == 0, result.output
    assert "rows loaded: none" in result.stdout
    assert len([r for r in sandbox.github.log if r.charged]) == 3 * len(sandbox.github.repo_names)
