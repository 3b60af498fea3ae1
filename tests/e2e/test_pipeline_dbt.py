"""The pipelines' dbt step, end to end through the CLI: each source builds what depends on it
alone until both have loaded, then everything; a failing dbt test fails the run, named."""

from __future__ import annotations

import duckdb

from sandbox import Sandbox
from tests.support.workspace import Workspace


def relations(ws: Workspace) -> set[str]:
    return {
        f"{schema}.{name}"
        for schema, name in ws.query(
            "select table_schema, table_name from information_schema.tables "
            "where table_schema in ('linear', 'github')"
        )
    }


def test_dbt_runs_after_each_load(workspace: Workspace, sandbox: Sandbox) -> None:
    result = workspace.run("linear")
    assert result.returncode == 0, result.output
    assert "dbt (selector linear)" in result.stdout
    built = relations(workspace)
    assert {"linear.stg_linear__issues", "linear.int_linear__issues_enriched"} <= built
    assert "linear.fct_issues" not in built  # needs GitHub too

    result = workspace.run("github")
    assert result.returncode == 0, result.output
    assert "dbt (all models)" in result.stdout
    assert "tests passed" in result.stdout
    built = relations(workspace)
    marts = {
        "linear.fct_issues",
        "linear.dim_users",
        "github.fct_pull_requests",
        "linear.bridge_issue_pull_requests",
    }
    assert marts <= built
    issues = len(sandbox.linear.workspace.truth("issues"))
    pulls = len(sandbox.github.org_data.truth("pull_requests"))
    assert workspace.query("select count(*) from linear.fct_issues")[0][0] == issues
    assert workspace.query("select count(*) from github.fct_pull_requests")[0][0] == pulls

    # One more build checks two things at once. A child table dlt never created (no PR ever
    # requested a team, no issue had a label) is read as empty: its staging view still builds.
    # And `--dbt-only` reads nothing from the API, while a broken invariant fails the run, named.
    sandbox.linear.clear_log()
    with duckdb.connect(str(workspace.duckdb_file)) as con:
        con.execute("drop table github.raw_pull_requests__requested_teams")
        con.execute("drop table linear.raw_issues__labels")
        con.execute("drop view github.stg_github__pull_request_requested_teams")
        con.execute("drop view linear.stg_linear__issue_labels")
        con.execute("insert into linear.raw_teams select * from linear.raw_teams limit 1")
    result = workspace.run("linear", "--dbt-only")
    assert result.returncode == 1
    assert "dbt build (all models) failed" in result.stderr
    assert "unique" in result.stderr and "team" in result.stderr
    assert sandbox.linear.log == []
    for view in (
        "github.stg_github__pull_request_requested_teams",
        "linear.stg_linear__issue_labels",
    ):
        assert workspace.query(f"select count(*) from {view}")[0][0] == 0, view
