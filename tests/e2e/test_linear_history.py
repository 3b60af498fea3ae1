"""End to end: the Linear history read (state spans, history entries) and attachments against
the sandbox, into a real DuckDB file: complete, incremental, long histories paged to the end."""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Callable

from sandbox import Sandbox
from sandbox.core import LoggedRequest
from tests.support.history_windows import (
    EARLIEST,
    FOLLOW_UPS,
    created_window,
    expected_pages,
    history_bodies,
    pages_by_window,
)
from tests.support.workspace import Workspace

LONG_HISTORY = 40  # entries added to one issue: more than one history page (25)


def history_requests(box: Sandbox) -> list[dict]:
    bodies = [json.loads(r.body) for r in box.linear.log if r.operation in ("issues", "issue")]
    return [b for b in bodies if b["query"].startswith("query IssueHistory_")]


def assert_history_matches_truth(ws: Workspace, box: Sandbox) -> None:
    spans = {s["id"]: s for s in box.linear.workspace.state_spans_truth()}
    rows = ws.query(
        "select id, issue__id, state_id, epoch_ms(ended_at) from linear.raw_issue_state_spans"
    )
    assert len(rows) == len(spans)
    for span_id, issue_id, state_id, ended in rows:
        span = spans[span_id]
        assert (issue_id, state_id, ended) == (span["issue_id"], span["state_id"], span["ended_ms"])
    entries = {e["id"]: e for e in box.linear.workspace.history_truth()}
    rows = ws.query(
        "select id, issue__id, to_state_id, bot_actor__type from linear.raw_issue_history"
    )
    assert len(rows) == len(entries)
    for entry_id, issue_id, to_state, bot in rows:
        entry = entries[entry_id]
        assert (issue_id, to_state) == (entry["issue_id"], entry["toStateId"])
        assert bot == (entry["botActor"] or {}).get("type")
    attachments = {a["id"]: a for a in box.linear.workspace.truth("attachments")}
    rows = ws.query(
        "select id, issue__id, url, json_extract_string(metadata, '$.linkKind') "
        "from linear.raw_attachments"
    )
    assert len(rows) == len(attachments) > 0
    for attachment_id, issue_id, url, kind in rows:
        attachment = attachments[attachment_id]
        assert (issue_id, url, kind) == (
            attachment["issue"]["id"],
            attachment["url"],
            attachment["metadata"]["linkKind"],
        )


def test_history_is_complete_incremental_and_paged_to_the_end(
    workspace: Workspace, sandbox: Sandbox
) -> None:
    linear = sandbox.linear.workspace
    issues = len(linear.truth("issues"))
    assert workspace.run("linear", "--no-dbt").returncode == 0
    assert_history_matches_truth(workspace, sandbox)
    assert len(set(linear.history_reads)) == issues
    assert any(e["botActor"] for e in linear.history_truth()), "bots move issues too"

    # After k changes, the history of about k issues is read (the overlap may re-read a few).
    changed = linear.mutate_issues(6)
    busy = changed[0]
    linear.churn_issue(busy, LONG_HISTORY)
    linear.history_reads.clear()
    sandbox.linear.clear_log()
    result = workspace.run("linear", "--no-dbt")
    assert result.returncode == 0, result.output
    read = set(linear.history_reads)
    assert set(changed) <= read and len(read) <= len(changed) + 3, len(read)
    requests = history_requests(sandbox)
    assert requests[0]["variables"]["filter"]["or"][0]["updatedAt"]["gte"]
    # one page of changed issues, then the busy issue's history to its end
    follow_ups = [r for r in requests if r["query"].startswith("query IssueHistory_entries")]
    assert len(requests) == 1 + len(follow_ups) and follow_ups
    assert {r["variables"]["id"] for r in follow_ups} == {busy}
    assert_history_matches_truth(workspace, sandbox)
    [(entries,)] = workspace.query(
        f"select count(*) from linear.raw_issue_history where issue__id = '{busy}'"
    )
    assert entries > LONG_HISTORY


def test_a_first_load_reads_the_history_in_concurrent_created_windows(
    sandbox_factory: Callable[..., Sandbox], workspace_factory: Callable[..., Workspace]
) -> None:
    """No cursor yet: the history is read as four chains (`max_concurrency`), one per disjoint
    `createdAt` window, in flight at the same time; every issue's history is read exactly once
    and the load equals the truth. With one request at a time it stays one chain."""
    box = sandbox_factory(latency_ms=30)
    linear = box.linear.workspace
    ws = workspace_factory(box)
    assert ws.run("linear", "--no-dbt").returncode == 0
    log = box.linear.log
    earliest = [r for r in log if b"query Issues_earliest" in r.body[:60]]
    pages = [r for r in log if b"query IssueHistory_sync" in r.body[:60]]
    assert len(earliest) == 1 and earliest[0].started_at < min(r.started_at for r in pages)
    windows = pages_by_window(log)
    assert len(windows) == 4 and windows == expected_pages(windows, linear.truth("issues"))
    follow_ups = Counter(b["variables"]["id"] for b in history_bodies(log, FOLLOW_UPS))
    reads = Counter(linear.history_reads)  # two connections an issue a page, one a follow-up
    assert {i: n - follow_ups[i] for i, n in reads.items()} == {
        i["id"]: 2 for i in linear.truth("issues")
    }
    spans = sorted(
        (r.started_at, r.started_at + r.duration_ms / 1000, created_window(_variables(r)))
        for r in pages
    )
    assert any(
        start < end and window != other
        for n, (_, end, window) in enumerate(spans)
        for start, _, other in spans[n + 1 :]
    ), "no two windows' pages were in flight together"
    assert_history_matches_truth(ws, box)

    one = workspace_factory(box)
    box.linear.clear_log()
    result = one.run("linear", "--no-dbt", extra_env={"SOURCES__LINEAR__MAX_CONCURRENCY": "1"})
    assert result.returncode == 0, result.output
    assert not history_bodies(box.linear.log, EARLIEST)
    assert list(pages_by_window(box.linear.log)) == [(None, None)]
    assert_history_matches_truth(one, box)


def _variables(request: LoggedRequest) -> dict:
    return json.loads(request.body)["variables"]
