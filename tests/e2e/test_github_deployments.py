"""End to end: `python pipelines/github.py` with `sources.github.deployments` set, against the
GitHub sandbox: what each kind loads, and how few requests an incremental run makes."""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable

from sandbox import Sandbox
from tests.support.workspace import Workspace

STATUS_KINDS = ("deployments.list", "deployments.statuses", "commits.list")


def requests_by_kind(box: Sandbox) -> Counter[str]:
    """Requests per operation kind (e.g. "deployments.statuses")."""
    return Counter(r.operation.split(" ", 1)[0] for r in box.github.log)


def assert_deployments_match(ws: Workspace, box: Sandbox) -> None:
    """raw_deployments, raw_deployment_statuses and raw_commits hold what the sandbox serves."""
    delivery = box.github.org_data.delivery
    truth = {d.id: (d.repo.full_name, d.environment, d.sha) for d in delivery.deployments}
    rows = ws.query("select id, repo, environment, sha from github.raw_deployments")
    assert {r[0]: r[1:] for r in rows} == truth and len(rows) == len(truth)
    statuses = {s.id: (d.id, s.state) for d in delivery.deployments for s in d.statuses}
    loaded = ws.query("select id, deployment_id, state from github.raw_deployment_statuses")
    assert {r[0]: r[1:] for r in loaded} == statuses and len(loaded) == len(statuses)
    commits = {
        (c.repo.full_name, c.sha)
        for r in box.github.org_data.world.repos
        for c in delivery.branch(r)
    }
    assert set(ws.query("select repo, sha from github.raw_commits")) == commits


def test_deployments_full_then_incremental_reads_statuses_only_where_needed(
    workspace_factory: Callable[[Sandbox | None], Workspace],
    sandbox_factory: Callable[..., Sandbox],
) -> None:
    box = sandbox_factory()
    ws = workspace_factory(box)
    ws.env["SOURCES__GITHUB__DEPLOYMENTS"] = "deployments"
    org, repos = box.github.org_data, box.github.repo_names
    total = len(org.delivery.deployments)

    result = ws.run("github", "--no-dbt")
    assert result.returncode == 0, result.output
    assert_deployments_match(ws, box)
    counts = requests_by_kind(box)
    # One page of deployments and of commits per repository, one status list per deployment.
    assert counts["deployments.list"] == counts["commits.list"] == len(repos)
    assert counts["deployments.statuses"] == total

    # New merges get deployed: only the new deployments' statuses are read.
    org.merge_pulls(3)
    new = org.deploy()
    assert new
    box.github.clear_log()
    result = ws.run("github", "--no-dbt")
    assert result.returncode == 0, result.output
    assert_deployments_match(ws, box)
    counts = requests_by_kind(box)
    assert counts["deployments.list"] == counts["commits.list"] == len(repos)
    assert counts["deployments.statuses"] == len(new)

    # They were still in progress: the next run reads their statuses again, and only theirs.
    org.finish_deployments("failure")
    box.github.clear_log()
    result = ws.run("github", "--no-dbt")
    assert result.returncode == 0, result.output
    assert_deployments_match(ws, box)
    statuses = [r for r in box.github.log if r.operation.startswith("deployments.statuses")]
    assert sorted(int(r.operation.rsplit("#", 1)[1]) for r in statuses) == sorted(new)

    # Nothing changed: no statuses, nothing loaded.
    box.github.clear_log()
    result = ws.run("github", "--no-dbt")
    assert result.returncode == 0, result.output
    assert requests_by_kind(box)["deployments.statuses"] == 0
    assert "raw_deployments" not in result.stdout and "raw_commits" not in result.stdout


def test_workflow_runs_and_releases(
    workspace_factory: Callable[[Sandbox | None], Workspace],
    sandbox_factory: Callable[..., Sandbox],
) -> None:
    box = sandbox_factory()
    delivery = box.github.org_data.delivery
    production = [d for d in delivery.deployments if d.is_production]
    for setting, expected in (
        ("workflow:deploy.yml", {d.run_id for d in production if d.state == "success"}),
        (
            "releases",
            {8_800_000_000 + d.id % 1_000_000 for d in production if d.state == "success"},
        ),
    ):
        ws = workspace_factory(box)
        box.github.clear_log()
        result = ws.run("github", "--no-dbt", extra_env={"SOURCES__GITHUB__DEPLOYMENTS": setting})
        assert result.returncode == 0, result.output
        rows = ws.query(
            "select id, deployment_source, environment, sha from github.raw_deployments"
        )
        assert {r[0] for r in rows} == expected and len(rows) == len(expected), setting
        kind = setting.split(":")[0]
        assert {r[1] for r in rows} == {"workflow" if kind == "workflow" else "releases"}
        assert {r[2] for r in rows} == {"production"}
        if kind == "workflow":
            runs = [r for r in box.github.log if r.operation.startswith("actions.workflow_runs")]
            assert len(runs) == len(box.github.repo_names)
            assert all(
                r.query["branch"] == ["main"] and r.query["status"] == ["success"] for r in runs
            )
            assert all(r[3] for r in rows)  # a run's head commit
        else:
            assert all(r[3] is None for r in rows)  # releases target the branch
        assert requests_by_kind(box)["deployments.statuses"] == 0


def test_a_bad_deployments_value_fails_naming_the_key(
    workspace: Workspace, sandbox: Sandbox
) -> None:
    result = workspace.run(
        "github", "--no-dbt", extra_env={"SOURCES__GITHUB__DEPLOYMENTS": "workflows"}
    )
    assert result.returncode == 1, result.output
    assert "sources.github.deployments" in result.output and "'workflows'" in result.output
    assert "workflow:<file>" in result.output
    assert not [r for r in sandbox.github.log if r.charged]
