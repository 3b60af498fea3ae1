"""Helpers of the dbt tests: the tiny company's warehouse and truth, and running dbt in-process
(dbt takes ~10 s to start a command here, so the tests share one build; see conftest.py)."""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import duckdb

from pipelines.paths import REPO_ROOT
from sandbox import Sandbox
from sandbox.company import Person
from tests.support.pr_stage_truth import pull_history
from tests.support.workspace import Workspace, base_env

DBT_DIR = REPO_ROOT / "dbt"
SEED = 7
SIZE = "tiny"
LINEAR_ENTITIES = (
    "users",
    "teams",
    "workflowStates",
    "cycles",
    "projects",
    "issueLabels",
    "issues",
    "comments",
    "attachments",
)
GITHUB_TABLES = ("users", "pull_requests", "pr_reviews", "pr_comments", "pr_issue_comments")
SELECTORS = ("linear", "github", "cross_source")
DUPLICATES = 2  # issues the tiny company marks as duplicates (Linear's `duplicate` state type)


@dataclass
class Truth:
    """What the sandbox served, captured while it ran."""

    linear: dict[str, list[dict[str, Any]]]
    github: dict[str, list[dict[str, Any]]]
    people: list[Person]
    # GitHub pull request id -> (how the generator linked it to Linear, the issue identifier)
    pull_links: dict[int, tuple[str, str | None]]
    # The sandbox's deployments (`Delivery.truth()`) and the incidents that followed some
    deployments: list[dict[str, Any]] = field(default_factory=list)
    incidents: list[Any] = field(default_factory=list)
    # Issue history: every state span and history entry (sandbox.linear.history)
    state_spans: list[dict[str, Any]] = field(default_factory=list)
    history: list[dict[str, Any]] = field(default_factory=list)
    # GitHub pull request id -> (the link Linear itself keeps, issue id), see sandbox.pr_links
    linear_pull_links: dict[int, tuple[str, str]] = field(default_factory=dict)
    # GitHub pull request id -> draft events, first commit and size (tests.support.pr_stage_truth)
    pull_history: dict[int, dict[str, Any]] = field(default_factory=dict)


@dataclass
class DbtRun:
    """The built warehouse and what dbt reported building it."""

    duckdb_file: Path
    root: Path
    truth: Truth
    build_success: bool
    build_statuses: dict[str, str]  # unique_id -> status
    build_messages: dict[str, str]
    freshness_success: bool
    freshness_statuses: dict[str, str]
    selected: dict[str, set[str]] = field(default_factory=dict)  # selector -> node names

    def query(self, sql: str) -> list[tuple[Any, ...]]:
        with duckdb.connect(str(self.duckdb_file), read_only=True) as con:
            return con.execute(sql).fetchall()

    def records(self, sql: str) -> list[dict[str, Any]]:
        with duckdb.connect(str(self.duckdb_file), read_only=True) as con:
            cursor = con.execute(sql)
            names = [d[0] for d in cursor.description]
            return [dict(zip(names, row, strict=True)) for row in cursor.fetchall()]


@contextmanager
def dbt_env(duckdb_file: Path) -> Iterator[None]:
    """The environment of an in-process dbt call: our DuckDB file, the duckdb target."""
    saved = {k: os.environ.get(k) for k in ("DESTINATION__DUCKDB__CREDENTIALS", "DBT_TARGET")}
    os.environ["DESTINATION__DUCKDB__CREDENTIALS"] = str(duckdb_file)
    os.environ.pop("DBT_TARGET", None)
    try:
        yield
    finally:
        for key, value in saved.items():
            if value is None:
                os.environ.pop(key, None)
            else:
                os.environ[key] = value


def release_duckdb() -> None:
    """dbt-duckdb keeps its DuckDB instance open in-process after a command; close it so the
    tests can open the file read-only."""
    from dbt.adapters.duckdb.connections import DuckDBConnectionManager

    env = DuckDBConnectionManager._ENV
    if env is not None:
        try:
            env.close()
        finally:
            DuckDBConnectionManager.close_all_connections()


def invoke_dbt(root: Path, *args: str) -> Any:
    """`dbt ARGS` in-process against the test project, target and logs kept under `root`."""
    from dbt.cli.main import dbtRunner

    return dbtRunner().invoke(
        [
            *args,
            "--project-dir",
            str(DBT_DIR),
            "--profiles-dir",
            str(DBT_DIR),
            "--target",
            "duckdb",
            "--target-path",
            str(root / "target"),
            "--log-path",
            str(root / "logs"),
            "--no-use-colors",
        ]
    )


def load_tiny_company(root: Path) -> tuple[Workspace, Truth]:
    """Both pipelines, as the user runs them, against a fresh tiny sandbox company."""
    box = Sandbox(seed=SEED, size=SIZE, incidents=True, linear_linkbacks=True).start()
    try:
        # Real workspaces have `duplicate` states; a build must take them in its stride.
        box.linear.workspace.add_state_type("duplicate", "Duplicate")
        box.linear.workspace.move_issues_to_state_type("duplicate", DUPLICATES)
        env = base_env(root, box)
        env["SOURCES__GITHUB__DEPLOYMENTS"] = "deployments"  # fct_deployments and DORA
        workspace = Workspace(root, env)
        for script in ("linear", "github"):
            result = workspace.run(script, "--no-dbt", timeout=240)
            assert result.returncode == 0, f"{script} pipeline failed:\n{result.output}"
        truth = Truth(
            linear={e: box.linear.workspace.truth(e) for e in LINEAR_ENTITIES},
            github={t: box.github.org_data.truth(t) for t in GITHUB_TABLES},
            people=list(box.company.people),
            pull_links={
                p.id: (p.link_kind, p.linear_identifier) for p in box.github.org_data.world.pulls
            },
            deployments=box.github.org_data.delivery.truth(),
            incidents=list(box.github.org_data.delivery.incidents),
            state_spans=box.linear.workspace.state_spans_truth(),
            history=box.linear.workspace.history_truth(),
            linear_pull_links=dict(box.linear.workspace.pull_request_links),
            pull_history=pull_history(box.github.org_data.world),
        )
    finally:
        box.stop()
    return workspace, truth
