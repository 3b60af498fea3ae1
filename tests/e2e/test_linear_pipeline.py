"""End to end: `python pipelines/linear.py` against the Linear sandbox, into a real DuckDB file."""

from __future__ import annotations

import json

from pipelines.sources.linear.entities import ENTITIES
from sandbox import Sandbox
from tests.support.history_windows import (
    EARLIEST,
    expected_pages,
    history_bodies,
    pages_by_window,
)
from tests.support.linear_truth import TABLES, assert_linear_matches_truth
from tests.support.workspace import Workspace

# One request per declared entity, and one for the history of the changed issues.
ENTITY_COUNT = len(ENTITIES) + 1


def linear_requests(box: Sandbox) -> list[str]:
    return [r.operation for r in box.linear.log]


def test_full_sync_lands_the_whole_workspace(workspace: Workspace, sandbox: Sandbox) -> None:
    result = workspace.run("linear", "--no-dbt")
    assert result.returncode == 0, result.output
    assert_linear_matches_truth(workspace, sandbox)
    truth_issues = sandbox.linear.workspace.truth("issues")
    assert any(i["archivedAt"] for i in truth_issues), "the sandbox should archive some issues"
    assert "raw_issues" in result.stdout and "requests" in result.stdout
    # A tiny workspace fits in 250-node pages, no retries: one page per entity; the windowed
    # ones (issues, comments) and the history in the same four createdAt windows (one each,
    # from the one earliest-issue request): a page per window, an empty one included, so
    # issues take 4 pages instead of 1 and comments (300) 4 instead of 2; the history pages
    # of 40 issues per window.
    log = sandbox.linear.log
    windows = pages_by_window(log)
    assert len(windows) == 4 and windows == expected_pages(windows, truth_issues)
    assert len(history_bodies(log, EARLIEST)) == 1
    windowed = {e.name: pages_by_window(log, e.name) for e in ENTITIES if e.windowed}
    assert set(windowed) == {"issues", "comments"}
    for name, pages in windowed.items():
        rows = sandbox.linear.workspace.truth(name)
        assert pages == expected_pages(windows, rows, 250) == dict.fromkeys(windows, 1), name
    single = sum(len(sandbox.linear.workspace.truth(e)) // 250 for e in TABLES if e not in windowed)
    assert len(linear_requests(sandbox)) == len(ENTITIES) - len(windowed) + single + sum(
        sum(pages.values()) for pages in windowed.values()
    ) + 1 + sum(windows.values())


def test_incremental_sync_reads_only_changes(workspace: Workspace, sandbox: Sandbox) -> None:
    assert workspace.run("linear", "--no-dbt").returncode == 0
    before = workspace.query("select count(*) from linear.raw_issues")[0][0]

    changed = sandbox.linear.workspace.mutate_issues(7)
    added = sandbox.linear.workspace.add_comments(3)
    archived = sandbox.linear.workspace.archive_issues(2)  # updatedAt does not move
    sandbox.linear.clear_log()
    result = workspace.run("linear", "--no-dbt")
    assert result.returncode == 0, result.output
    assert_linear_matches_truth(workspace, sandbox)
    # One request per entity; the issue and comment requests were filtered server-side.
    assert len(sandbox.linear.log) == ENTITY_COUNT
    bodies = {r.operation: json.loads(r.body) for r in sandbox.linear.log}
    assert bodies["issues"]["variables"]["filter"]["or"][0]["updatedAt"]["gte"]
    assert bodies["comments"]["variables"]["filter"]["updatedAt"]["gte"]
    loaded = workspace.query(
        "select count(*) from linear.raw_issues where _dlt_load_id = "
        "(select max(load_id) from linear._dlt_loads)"
    )[0][0]
    assert loaded == len(set(changed) | set(archived))
    assert workspace.query("select count(*) from linear.raw_issues")[0][0] == before
    assert len(added) == 3

    # A rerun with no change loads nothing and duplicates nothing.
    loads_before = workspace.query("select count(*) from linear._dlt_loads")[0][0]
    result = workspace.run("linear", "--no-dbt")
    assert result.returncode == 0, result.output
    assert "rows loaded: none" in result.stdout
    assert_linear_matches_truth(workspace, sandbox)
    new_rows = workspace.query(
        "select count(*) from linear.raw_issues where _dlt_load_id > "
        f"(select max(load_id) from (select load_id from linear._dlt_loads "
        f"order by load_id limit {loads_before}))"
    )[0][0]
    assert new_rows == 0


def test_equal_timestamps_and_late_rows_inside_the_overlap(
    workspace: Workspace, sandbox: Sandbox
) -> None:
    """Rows sharing the cursor's timestamp, or showing up late with an older one, still land."""
    data = sandbox.linear.workspace
    first = data.mutate_issues(3)
    stamp = next(i["updatedAt"] for i in data.truth("issues") if i["id"] == first[0])
    data.set_updated_at("issues", first, stamp)
    assert workspace.run("linear", "--no-dbt").returncode == 0
    # Another change committed with the same timestamp, visible only after our run.
    late = data.mutate_issues(2)
    data.set_updated_at("issues", late, stamp)
    result = workspace.run("linear", "--no-dbt")
    assert result.returncode == 0, result.output
    assert_linear_matches_truth(workspace, sandbox)
    assert result.stdout.count("raw_issues ") == 1


def test_since_bounds_issues_but_not_reference_entities(
    workspace: Workspace, sandbox: Sandbox
) -> None:
    issues = sandbox.linear.workspace.truth("issues")
    stamps = sorted(i["updatedAt"] for i in issues)
    since = stamps[len(stamps) // 2][:10]
    result = workspace.run("linear", "--no-dbt", "--since", since)
    assert result.returncode == 0, result.output
    loaded = set(workspace.column("select id from linear.raw_issues"))
    expected = {
        i["id"]
        for i in issues
        if i["updatedAt"][:10] >= since or (i["archivedAt"] or "")[:10] >= since
    }
    assert loaded == expected
    users = sandbox.linear.workspace.truth("users")
    assert workspace.query("select count(*) from linear.raw_users")[0][0] == len(users)

    # --full-refresh drops the tables and the state, and reloads from the default start.
    result = workspace.run("linear", "--no-dbt", "--full-refresh")
    assert result.returncode == 0, result.output
    assert_linear_matches_truth(workspace, sandbox)


def test_missing_api_key_fails_before_any_request(workspace: Workspace, sandbox: Sandbox) -> None:
    env = {k: v for k, v in workspace.env.items() if k != "LINEAR_API_KEY"}
    workspace.env = env
    result = workspace.run("linear", "--no-dbt")
    assert result.returncode == 1
    assert "LINEAR_API_KEY" in result.stderr
    assert "Traceback" not in result.output
    assert sandbox.linear.log == []


def test_wrong_api_key_names_the_status_and_endpoint(
    workspace: Workspace, sandbox: Sandbox
) -> None:
    result = workspace.run("linear", "--no-dbt", extra_env={"LINEAR_API_KEY": "lin_api_wrong"})
    assert result.returncode == 1
    assert "HTTP 401" in result.stderr and "/graphql" in result.stderr
    assert "LINEAR_API_KEY" in result.stderr
    assert "lin_api_wrong" not in result.output


def test_bad_since_is_a_usage_error(workspace: Workspace) -> None:
    result = workspace.run("linear", "--since", "last tuesday")
    assert result.returncode == 2
    assert "last tuesday" in result.stderr


def test_a_failed_load_is_finished_by_the_next_run(workspace: Workspace, sandbox: Sandbox) -> None:
    """The load fails after extract succeeded (here: a column someone retyped in the
    warehouse): the next run loads that package first, then syncs; nothing lost or doubled."""
    import duckdb

    assert workspace.run("linear", "--no-dbt").returncode == 0
    retype = "alter table linear.raw_issues drop column title; alter table linear.raw_issues "
    with duckdb.connect(str(workspace.duckdb_file)) as con:
        con.execute(retype + "add column title integer")
    sandbox.linear.workspace.mutate_issues(4)
    result = workspace.run("linear", "--no-dbt")
    assert result.returncode == 1
    assert "load step failed" in result.stderr and "title" in result.stderr
    assert "the next run loads it first" in result.stderr
    with duckdb.connect(str(workspace.duckdb_file)) as con:
        con.execute(retype + "add column title varchar")
    sandbox.linear.workspace.mutate_issues(3)
    result = workspace.run("linear", "--no-dbt")
    assert result.returncode == 0, result.output
    assert "finished 1 pending load package" in result.stdout
    assert_linear_matches_truth(workspace, sandbox)
    titled = workspace.query("select count(*) from linear.raw_issues where title is not null")
    assert titled[0][0] == 7  # the 4 from the failed load and the 3 from this run


def test_a_second_concurrent_run_stops_with_our_message(
    workspace: Workspace, sandbox: Sandbox
) -> None:
    """DuckDB has one writer: while another process holds the file, a run stops before
    reading anything, with a message instead of a stack trace."""
    import duckdb

    assert workspace.run("linear", "--no-dbt").returncode == 0
    sandbox.linear.clear_log()
    with duckdb.connect(str(workspace.duckdb_file)):
        result = workspace.run("linear", "--no-dbt")
    assert result.returncode == 1
    assert "locked by another process" in result.stderr
    assert "Traceback" not in result.stderr
    assert sandbox.linear.log == []


def test_dlt_cli_inspects_the_pipeline(workspace: Workspace, sandbox: Sandbox) -> None:
    """`dlt pipeline linear info|trace` work after a run (same DLT_DATA_DIR)."""
    import subprocess
    import sys
    from pathlib import Path

    assert workspace.run("linear", "--no-dbt").returncode == 0
    dlt_cli = Path(sys.executable).parent / "dlt"
    for command in ("info", "trace"):
        proc = subprocess.run(
            [str(dlt_cli), "pipeline", "linear", command],
            env=workspace.env,
            cwd=workspace.root,
            capture_output=True,
            text=True,
            timeout=120,
        )
        assert proc.returncode == 0, proc.stderr
        assert "linear" in proc.stdout
    assert "raw_issues" in proc.stdout or "extract" in proc.stdout


def test_state_is_restored_from_the_destination_on_a_fresh_machine(
    workspace: Workspace, sandbox: Sandbox
) -> None:
    """A CI runner starts with no dlt working dir: cursors come back from the warehouse."""
    import shutil

    assert workspace.run("linear", "--no-dbt").returncode == 0
    shutil.rmtree(workspace.root / "dlt")
    changed = sandbox.linear.workspace.mutate_issues(3)
    sandbox.linear.clear_log()
    result = workspace.run("linear", "--no-dbt")
    assert result.returncode == 0, result.output
    assert_linear_matches_truth(workspace, sandbox)
    issues_line = next(line for line in result.stdout.splitlines() if "raw_issues " in line)
    assert issues_line.split()[-1] == str(len(changed))
    body = json.loads(next(r.body for r in sandbox.linear.log if r.operation == "issues"))
    assert "filter" in body["variables"]


def test_rate_limit_budgets_feed_the_summary(workspace: Workspace, sandbox: Sandbox) -> None:
    result = workspace.run("linear", "--no-dbt")
    assert result.returncode == 0, result.output
    remaining = sandbox.linear.requests_window.remaining
    assert f"rate-limit budget requests: {remaining:,} of 2,500 left" in result.stdout
    assert "rate-limit budget complexity:" in result.stdout


def test_a_dataset_from_another_api_is_not_continued(
    workspace: Workspace, sandbox: Sandbox
) -> None:
    """After the sandbox (or `make demo`) filled the file, a sync from the real API must not
    resume the sandbox's cursors and silently skip older data."""
    assert workspace.run("linear", "--no-dbt").returncode == 0
    elsewhere = {"SOURCES__LINEAR__API_URL": "http://localhost:9/graphql"}
    result = workspace.run("linear", "--no-dbt", extra_env=elsewhere)
    assert result.returncode == 1
    assert "was loaded from http://127.0.0.1" in result.stderr
    assert "--full-refresh" in result.stderr
