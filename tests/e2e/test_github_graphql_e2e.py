"""End to end on the GraphQL path: a pull request with more than 100 reviews (bots' among
them) is paged to its end without re-reading the list, and a partial GraphQL result loads what
came, names what failed, and heals on the next run."""

from __future__ import annotations

from typing import Any

from sandbox import Sandbox
from sandbox.github.world import new_review
from tests.e2e.test_github_pipeline import expected_pages
from tests.support.github_truth import (
    assert_github_graphql_matches_truth,
    assert_github_matches_truth,
)
from tests.support.workspace import Workspace


def add_many_reviews(box: Sandbox, count: int) -> Any:
    """`count` new reviews on one pull request, every other one by a bot."""
    org = box.github.org_data
    with org.lock:
        world = org.world
        pull = world.pulls[0]
        bot = next(a for a in world.accounts.values() if a.type == "Bot")
        people = [m for m in world.members if m is not pull.user]
        for i in range(count):
            at = org.clock.tick()
            reviewer = bot if i % 2 else people[i % len(people)]
            state = ("APPROVED", "COMMENTED", "CHANGES_REQUESTED")[i % 3]
            review = new_review(org.rng, pull, reviewer, state, at, org._next_id("review", 7))
            world.reviews.append(review)
            pull.reviews.append(review)
            pull.updated_at = max(pull.updated_at, at)
        org._changed()
    return pull


def graphql(box: Sandbox, root: str) -> list[Any]:
    return [r for r in box.github.log if r.operation.startswith("graphql") and root in r.operation]


def test_a_pull_request_with_more_than_100_reviews(workspace_factory, sandbox_factory) -> None:  # type: ignore[no-untyped-def]
    # As on github.com, GraphQL spells a bot's login without REST's "[bot]".
    sandbox = sandbox_factory(github_options={"graphql_bot_logins_without_suffix": True})
    workspace = workspace_factory(sandbox)
    assert workspace.run("github", "--no-dbt").returncode == 0
    pull = add_many_reviews(sandbox, 150)
    assert len(pull.reviews) > 150
    sandbox.github.clear_log()

    result = workspace.run("github", "--no-dbt")
    assert result.returncode == 0, result.output
    assert_github_matches_truth(workspace, sandbox)
    assert_github_graphql_matches_truth(workspace, sandbox)
    loaded = workspace.query(
        "select count(*) from github.raw_pr_reviews "
        f"where repo = '{pull.repo.full_name}' and pull_number = {pull.number}"
    )[0][0]
    assert loaded == len(pull.reviews)
    # The first 100 came with the page; the rest by node(id:), 100 a query, 1 point each.
    nested = graphql(sandbox, "node")
    assert len(nested) == (len(pull.reviews) - 1) // 100
    assert all(r.cost == 1 for r in nested)
    assert len(graphql(sandbox, f"repository {pull.repo.full_name}")) == 1
    # Bots' reviews: REST's login spelling (`name[bot]`) and type.
    truth = {r["id"]: r["user"]["login"] for r in sandbox.github.org_data.truth("pr_reviews")}
    logins = dict(workspace.query("select id, user__login from github.raw_pr_reviews"))
    assert logins == truth
    assert any(login.endswith("[bot]") for login in logins.values())


def test_a_partial_result_loads_what_came_and_heals(workspace: Workspace, sandbox: Sandbox) -> None:
    assert workspace.run("github", "--no-dbt").returncode == 0
    org = sandbox.github.org_data
    org.add_reviews(3)
    org.merge_pulls(2)
    fault = sandbox.github.inject("graphql_partial", times=1, match="repository acme/")

    result = workspace.run("github", "--no-dbt")
    assert fault.hits == 1
    assert result.returncode == 0, result.output
    assert "partial errors" in result.stdout
    assert "partial result: pull request #" in result.stderr

    sandbox.github.clear_log()
    result = workspace.run("github", "--no-dbt")
    assert result.returncode == 0, result.output
    assert_github_matches_truth(workspace, sandbox)
    assert_github_graphql_matches_truth(workspace, sandbox)


def test_a_force_push_replaces_a_pull_requests_commits(
    workspace: Workspace, sandbox: Sandbox
) -> None:
    """Every commit of a pull request is loaded; after a rebase and force-push the next run
    loads the new ones and the old ones (kept in the raw table, merged on their own id) stay
    behind with the older read of the pull request, so current commits match GitHub's."""
    assert workspace.run("github", "--no-dbt").returncode == 0
    before = set(workspace.column("select id from github.raw_pr_commits"))
    pushed = sandbox.github.org_data.force_push_pulls(2)
    assert len(pushed) == 2

    result = workspace.run("github", "--no-dbt")
    assert result.returncode == 0, result.output
    assert_github_graphql_matches_truth(workspace, sandbox)
    after = set(workspace.column("select id from github.raw_pr_commits"))
    assert before < after  # the old commits stay in the raw table, the new ones came


def test_every_repository_of_the_org(workspace: Workspace, sandbox: Sandbox) -> None:
    """`owner/*`: the org's non-archived repositories, discovered each run; a new one starts
    its own backfill, an archived one is reported, not fatal."""
    org = sandbox.github.org_data
    env = {"SOURCES__GITHUB__REPOS": '["acme/*"]'}
    result = workspace.run("github", "--no-dbt", extra_env=env)
    assert result.returncode == 0, result.output
    assert_github_matches_truth(workspace, sandbox)
    assert len(graphql(sandbox, "organization")) == 1

    archived = org.archive_repos(1)
    added = org.add_repos(1, pulls=3)
    result = workspace.run("github", "--no-dbt", extra_env=env)
    assert result.returncode == 0, result.output
    assert "1 repositories gone since the last run" in result.stdout
    assert archived[0] in result.stderr and "gone" in result.stderr
    repos = set(workspace.column("select distinct repo from github.raw_pull_requests"))
    assert set(added) <= repos and set(archived) <= repos  # its rows stay as last loaded


def test_a_spent_points_budget_stops_between_pages_and_resumes(
    workspace: Workspace, sandbox: Sandbox
) -> None:
    """Issue 10 on the GraphQL path: a run stops between complete pages (exit 3); runs an
    hour apart resume per repository until the load is complete and equals the truth."""
    sandbox.github.graphql_window.limit = 4  # two first pages (1 point), then no 3-point page
    statuses = []
    for _ in range(8):
        result = workspace.run("github", "--no-dbt")
        statuses.append(result.returncode)
        assert result.returncode in (0, 3), result.output
        if result.returncode == 0:
            break
        sandbox.advance_clock(3600)
    assert statuses[0] == 3 and statuses[-1] == 0, statuses
    assert_github_matches_truth(workspace, sandbox)
    assert_github_graphql_matches_truth(workspace, sandbox)
    # Counted: no page read twice beyond one first page per repository and run (the plain
    # pass after a resumed one, or a run that found the budget spent before its first page).
    repos = sandbox.github.repo_names
    pulls = sandbox.github.org_data.truth("pull_requests")
    unlimited = sum(
        expected_pages(sum(1 for p in pulls if p["base"]["repo"]["full_name"] == repo))
        for repo in repos
    )
    served = [r for r in sandbox.github.log if "repository " in r.operation and r.charged]
    assert unlimited <= len(served) <= unlimited + len(statuses) * len(repos)
