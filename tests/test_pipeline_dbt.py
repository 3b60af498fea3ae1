"""The pipelines' dbt step, end to end through the CLI: each source builds what depends on it
alone until both have loaded, then everything; a failing dbt test fails the run, named."""

from __future__ import annotations

import duckdb

from sandbox import Sandbox
from tests.conftest import Workspace


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

    # A child table dlt never created (no PR ever requested a team, no issue had a label) is
    # read as empty: the build goes on.
    with duckdb.connect(str(workspace.duckdb_file)) as con:
        con.execute("drop table github.raw_pull_requests__requested_teams")
        con.execute("drop table linear.raw_issues__labels")
    result = workspace.run("transform")
    assert result.returncode == 0, result.output
    assert (
        workspace.query("select count(*) from github.stg_github__pull_request_requested_teams")[0][
            0
        ]
        == 0
    )
    assert workspace.query("select count(*) from linear.fct_issues")[0][0] == issues

    # --dbt-only reads nothing from the API; a broken invariant fails the run, named.
    sandbox.linear.clear_log()
    with duckdb.connect(str(workspace.duckdb_file)) as con:
        con.execute("insert into linear.raw_teams select * from linear.raw_teams limit 1")
    result = workspace.run("linear", "--dbt-only")
    assert result.returncode == 1
    assert "dbt build (all models) failed" in result.stderr
    assert "unique" in result.stderr and "team" in result.stderr
    assert sandbox.linear.log == []
