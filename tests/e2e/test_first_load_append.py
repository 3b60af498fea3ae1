"""No merge where nothing can match: a Linear table's first load appends (no staging copy),
every later run merges; a retried copy of an appended file does not double rows."""

from __future__ import annotations

import json
import shutil
from typing import Any

import duckdb

from sandbox import Sandbox
from tests.support.linear_truth import TABLES, assert_linear_matches_truth
from tests.support.workspace import Workspace

ENTITY_TABLES = {*TABLES.values(), "raw_attachments"}
HISTORY_TABLES = {"raw_issue_state_spans", "raw_issue_history"}
FIRST_LOAD_TABLES = ENTITY_TABLES | HISTORY_TABLES


def run_summary(ws: Workspace, *args: str) -> dict[str, Any]:
    file = ws.root / "summary.json"
    result = ws.run("linear", "--no-dbt", *args, extra_env={"PIPELINES_SUMMARY_FILE": str(file)})
    assert result.returncode == 0, result.output
    assert '"dedup_sort" column hint' not in result.stderr  # dlt's warning, expected on append
    return json.loads(file.read_text())  # type: ignore[no-any-return]


def staging_tables(ws: Workspace) -> set[str]:
    return set(
        ws.column(
            "select table_name from information_schema.tables where table_schema = 'linear_staging'"
        )
    )


def test_a_first_load_appends_and_the_next_run_merges(
    workspace: Workspace, sandbox: Sandbox
) -> None:
    first = run_summary(workspace)
    assert set(first["appended"]) == FIRST_LOAD_TABLES
    # Nothing went through the staging dataset: the history's two tables append too.
    assert not staging_tables(workspace) & FIRST_LOAD_TABLES
    assert_linear_matches_truth(workspace, sandbox)
    # The child tables of appended tables keep the root key the merges rely on.
    assert workspace.column(
        "select count(*) from linear.raw_issues__labels where _dlt_root_id is null"
    ) == [0]

    sandbox.linear.workspace.mutate_issues(10)  # labels change too: old children must go
    sandbox.linear.workspace.add_comments(5)
    second = run_summary(workspace)
    assert second["appended"] == []
    assert {"raw_issues", "raw_comments", *HISTORY_TABLES} <= staging_tables(workspace)
    assert_linear_matches_truth(workspace, sandbox)


def test_a_full_refresh_appends_again(workspace: Workspace, sandbox: Sandbox) -> None:
    run_summary(workspace)
    sandbox.linear.workspace.mutate_issues(5)
    refreshed = run_summary(workspace, "--full-refresh")
    assert set(refreshed["appended"]) == FIRST_LOAD_TABLES
    assert_linear_matches_truth(workspace, sandbox)


def _reopen_jobs(ws: Workspace, *tables: str) -> str:
    """Make the last load look killed after the copies of `tables` committed but before dlt
    marked their jobs completed: the package back among the normalized ones, those jobs new
    again, its load not recorded."""
    load_dir = ws.root / "dlt" / "pipelines" / "linear" / "load"
    packages = sorted(p for p in (load_dir / "loaded").iterdir() if p.is_dir())
    package = packages[-1]
    (package / "package_completed.json").unlink()
    (load_dir / "normalized").mkdir(exist_ok=True)
    pending = load_dir / "normalized" / package.name
    package.rename(pending)
    for table in tables:
        (job,) = [
            p for p in (pending / "completed_jobs").iterdir() if p.name.startswith(table + ".")
        ]
        shutil.move(job, pending / "new_jobs" / job.name)
    with duckdb.connect(str(ws.duckdb_file)) as con:
        con.execute(f"delete from linear._dlt_loads where load_id = '{package.name}'")
    return package.name


def test_a_retried_append_copy_does_not_double_rows(workspace: Workspace, sandbox: Sandbox) -> None:
    """A table without child tables, a child table and an Arrow table without `_dlt_id`
    (the history): each copied twice, each repaired."""
    assert {"raw_comments", "raw_issues", "raw_issue_history"} <= set(
        run_summary(workspace)["appended"]
    )
    count = "select (select count(*) from linear.raw_comments), "
    count += "(select count(*) from linear.raw_issues__labels), "
    count += "(select count(*) from linear.raw_issue_history)"
    before = workspace.query(count)
    load_id = _reopen_jobs(workspace, "raw_comments", "raw_issues__labels", "raw_issue_history")

    rerun = run_summary(workspace)
    assert rerun["pending_finished"] == 1
    assert workspace.query(count) == before
    assert_linear_matches_truth(workspace, sandbox)
    loads = workspace.column(f"select count(*) from linear._dlt_loads where load_id = '{load_id}'")
    assert loads == [1]
