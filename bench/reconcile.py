"""What `--reconcile` costs (issue 12 item 7): per source, after the scenario's syncs, a few rows
deleted (and, on Linear, unarchived and restored from the trash: changes no timestamp shows),
then a plain incremental run and a `--reconcile` run of the same workspace. Requests, GraphQL
points (GitHub) or complexity points (Linear), rows loaded and wall of each, and the rows the
reconcile marked deleted beside the number deleted in the sandbox."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import duckdb

from bench.logs import github_counts, graphql_points
from bench.process import RunResult
from bench.workspace import Workspace
from sandbox import Sandbox
from sandbox.core import LoggedRequest

Say = Callable[[str], None]

#: Tables `--reconcile` marks deleted rows in, per source (dataset name = source).
TRUTH = {
    "linear": ("issues", "comments", "attachments"),
    "github": ("pr_comments", "pr_issue_comments"),
}
DELETABLE = {source: tuple(f"raw_{e}" for e in entities) for source, entities in TRUTH.items()}


def run_reconcile(
    *, box: Sandbox, linear: Workspace, github: Workspace, say: Say, name: str, changes: int = 2
) -> dict[str, Any]:
    """Both sources' plain and reconcile runs after `changes` deletes (and more) each."""
    data, org = box.linear.workspace, box.github.org_data
    before = _truth_ids(box)
    data.delete_issues(changes)  # their comments and attachments go with them
    data.delete_comments(changes)
    org.delete_review_comments(changes)
    org.delete_issue_comments(changes)
    after = _truth_ids(box)
    made: dict[str, dict[str, Any]] = {
        "linear": {
            "deleted": sum(len(before[t] - after[t]) for t in DELETABLE["linear"]),
            "unarchived": len(data.unarchive_issues(changes)),
            "restored": len(data.restore_from_trash(changes)),
        },
        "github": {"deleted": sum(len(before[t] - after[t]) for t in DELETABLE["github"])},
    }
    # What a reconcile lists: every row of each entity (Linear: archived too), of each
    # repository's comment listings (GitHub: the conversation listing has issues' comments).
    made["linear"]["listed"] = {e: len(data.truth(e)) for e in TRUTH["linear"]}
    made["github"]["listed"] = {
        name: {
            "pulls.comments": len(org.review_comments(repo)),
            "issues.comments": len(org.issue_comments(repo)),
        }
        for name in box.github.repo_names
        if (repo := org.repo(*name.split("/"))) is not None
    }
    out: dict[str, Any] = {}
    for source, ws in (("linear", linear), ("github", github)):
        entry: dict[str, Any] = {"changes": made[source]}
        for kind, args in (("plain", ()), ("reconcile", ("--reconcile",))):
            run = ws.run(source, f"{source}-{kind}", *args)
            log = box.linear.log if source == "linear" else box.github.log
            entry[kind] = analyse(source, run, list(log), ws)
            say(_line(f"{name} {source} {kind}", entry[kind]))
        out[source] = entry
    return out


def reconcile_failures(result: dict[str, Any], name: str) -> list[str]:
    """The runs of `run_reconcile` that failed, or whose marks differ from the deletes made."""
    out = []
    for source, entry in result.items():
        out += [f"{name} {source} {k}" for k in ("plain", "reconcile") if not entry[k]["ok"]]
        if entry["reconcile"]["marked_deleted"] != entry["changes"]["deleted"]:
            out.append(f"{name} {source} reconcile marked the wrong rows deleted")
    return out


def _truth_ids(box: Sandbox) -> dict[str, set[Any]]:
    """The ids the sandbox holds now, per table of `DELETABLE`."""
    data, org = box.linear.workspace, box.github.org_data
    out = {f"raw_{e}": {r["id"] for r in data.truth(e)} for e in TRUTH["linear"]}
    return out | {f"raw_{e}": {r["id"] for r in org.truth(e)} for e in TRUTH["github"]}


def analyse(source: str, run: RunResult, log: list[LoggedRequest], ws: Workspace) -> dict[str, Any]:
    """The deterministic figures of one run (and its wall, measured)."""
    figures: dict[str, Any] = {
        "ok": run.ok,
        "run": run.to_dict(),
        "requests": len(log),
        "charged": sum(1 for e in log if e.charged),
        "rows_loaded": run.total_rows,
        "wall_s": run.wall_s,
        "marked_deleted": marked_deleted(ws, source),
    }
    if source == "github":
        figures["graphql_points"] = graphql_points(log)
        ops: dict[str, int] = {}
        for counts in github_counts(log).values():
            for op, n in counts.items():
                ops[op] = ops.get(op, 0) + n
        figures["by_op"] = ops
    else:
        figures["complexity"] = sum(
            int(e.response_headers.get("X-Complexity", 0) or 0) for e in log
        )
        figures["by_op"] = {op: sum(1 for e in log if e.operation == op) for op in _ops(log)}
    return figures


def marked_deleted(ws: Workspace, source: str) -> int:
    """Rows of the source's tables marked `is_deleted` (0 before any reconcile)."""
    total = 0
    with duckdb.connect(str(ws.duckdb_file), read_only=True) as con:
        for table in DELETABLE[source]:
            columns = {
                row[0]
                for row in con.execute(
                    "select column_name from information_schema.columns "
                    "where table_schema = ? and table_name = ?",
                    [source, table],
                ).fetchall()
            }
            if "is_deleted" in columns:
                query = f"select count(*) from {source}.{table} where is_deleted"
                total += con.execute(query).fetchone()[0]  # type: ignore[index]
    return total


def _ops(log: list[LoggedRequest]) -> list[str]:
    return sorted({e.operation for e in log})


def _line(name: str, result: dict[str, Any]) -> str:
    if not result["ok"]:
        run = result["run"]
        return f"{name}: FAILED (exit {run['returncode']})\n{run['output_tail']}"
    points = (
        f"{result['graphql_points']:,} GraphQL points"
        if "graphql_points" in result
        else f"{result['complexity']:,} complexity points"
    )
    return (
        f"{name}: {result['requests']:,} requests ({result['charged']:,} charged), {points}, "
        f"{result['rows_loaded']:,} rows, {result['marked_deleted']:,} marked deleted, "
        f"wall {result['wall_s']:.2f} s"
    )
