"""`make demo` end to end, in a copy of the working tree with its own `.venv` (`make install`
through uv's cache): two runs (the second incremental), a run on the next day's data, and
Ctrl-C / SIGTERM in the middle. The expected figures come from the sandbox's own truth."""

from __future__ import annotations

import contextlib
import json
import os
import queue
import re
import shutil
import signal
import socket
import subprocess
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import duckdb
import pytest

from demo.run import Changes, apply_changes
from pipelines.paths import REPO_ROOT
from sandbox import Sandbox
from sandbox.environment import scrubbed_env

# One pytest-xdist worker runs this module: its tests share a module fixture, in order.
pytestmark = pytest.mark.xdist_group("demo")

SANDBOX_UP = re.compile(
    r"sandbox up: Linear http://127[.]0[.]0[.]1:(\d+)/graphql, GitHub \S+:(\d+)"
)
RAW_ROW = re.compile(r"^  ((?:linear|github)\.raw_\w+)\s+([\d,]+)\s+([\d,]+)$")
RUN_TIMEOUT = 240


@dataclass
class Clone:
    """A copy of the working tree, and where its demo keeps the warehouse and dlt's data."""

    root: Path
    env: dict[str, str]
    anchor: datetime

    @property
    def warehouse(self) -> Path:
        return self.root.parent / "work" / "warehouse.duckdb"

    @property
    def state(self) -> dict[str, Any]:
        path = self.warehouse.with_name(self.warehouse.name + ".demo-state.json")
        return json.loads(path.read_text())

    def make_demo(self, **env: str) -> subprocess.CompletedProcess[str]:
        started = time.monotonic()
        proc = subprocess.run(
            ["make", "demo"],
            cwd=self.root,
            env={**self.env, **env},
            capture_output=True,
            text=True,
            timeout=RUN_TIMEOUT,
        )
        print(f"make demo: {time.monotonic() - started:.1f} s\n{proc.stdout}\n{proc.stderr}")
        return proc

    def query(self, sql: str) -> list[tuple[Any, ...]]:
        with duckdb.connect(str(self.warehouse), read_only=True) as con:
            return con.execute(sql).fetchall()

    def count(self, table: str) -> int:
        return int(self.query(f"select count(*) from {table}")[0][0])


@pytest.fixture(scope="module")
def clone(tmp_path_factory: pytest.TempPathFactory) -> Clone:
    """The working tree's tracked and new files (not its .venv or warehouse), copied."""
    base = tmp_path_factory.mktemp("demo")
    root = base / "repo"
    listed = subprocess.run(
        ["git", "ls-files", "-co", "--exclude-standard", "-z"],
        cwd=REPO_ROOT,
        capture_output=True,
        check=True,
    ).stdout.decode()
    for name in filter(None, listed.split("\0")):
        source = REPO_ROOT / name
        if source.is_file():
            (root / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source, root / name, follow_symlinks=False)
    (base / "work").mkdir()
    env = {k: v for k, v in scrubbed_env().items() if k not in ("VIRTUAL_ENV", "DEMO_AS_OF")}
    anchor = datetime.now(UTC).replace(hour=0, minute=0, second=0, microsecond=0)
    env.update(
        DESTINATION__DUCKDB__CREDENTIALS=str(base / "work" / "warehouse.duckdb"),
        DLT_DATA_DIR=str(base / "work" / "dlt"),
        DEMO_AS_OF=anchor.isoformat(),  # no flake at midnight: both runs serve the same data
    )
    # Its own .venv (uv's cache; bytecode compiled) before any timed `make demo`.
    subprocess.run(["make", "install"], cwd=root, env=env, check=True, timeout=900)
    return Clone(root, env, anchor)


def raw_rows(stdout: str) -> dict[str, tuple[int, int]]:
    """The summary's raw-table lines: table -> (loaded by this run, rows in the warehouse)."""
    rows = {}
    for line in stdout.splitlines():
        match = RAW_ROW.match(line)
        if match:
            loaded, total = (int(g.replace(",", "")) for g in match.groups()[1:])
            rows[match.group(1)] = (loaded, total)
    return rows


def sandbox_ports(stdout: str) -> list[int]:
    match = SANDBOX_UP.search(stdout)
    assert match, stdout
    return [int(p) for p in match.groups()]


def assert_all_stopped(clone: Clone, ports: list[int]) -> None:
    """Nothing listens on the sandbox's ports and no process runs from the clone."""
    for port in ports:
        with pytest.raises(ConnectionRefusedError):
            socket.create_connection(("127.0.0.1", port), timeout=2).close()
    assert processes_under(clone.root) == []


def processes_under(root: Path) -> list[str]:
    """Command lines of live processes that run something from `root` (zombies excluded)."""
    found = []
    for proc in Path("/proc").iterdir():
        if not proc.name.isdigit() or int(proc.name) == os.getpid():
            continue
        try:
            cmdline = (proc / "cmdline").read_bytes().replace(b"\0", b" ").decode()
            state = (proc / "stat").read_text().rsplit(")", 1)[1].split()[0]
        except OSError:
            continue
        if str(root) in cmdline and state != "Z":
            found.append(f"{proc.name}: {cmdline}")
    return found


def truth(anchor: datetime, changed: bool) -> Sandbox:
    """The company the demo serves (not started), with the batch of changes when `changed`."""
    box = Sandbox(size="small", now=anchor, incidents=True)
    if changed:
        apply_changes(box, Changes())
    return box


def assert_delivery_questions_answer_every_metric(clone: Clone) -> None:
    """The delivery questions show their metrics: each metric column named here is non-zero in
    some row (the company completes cycle issues and rolls unfinished ones over; in the last
    12 weeks its production deployments include failures, restored later)."""
    from demo.questions import load

    target = Path(clone.env.get("DBT_TARGET_PATH") or clone.root / "dbt" / "target")
    questions = load(target / "manifest.json")

    wanted = {
        "Where does PR time go": ("coding", "pickup", "review", "merge", "deploy"),
        "DORA for the last 12 weeks": (
            "deployments",
            "lead_time_p50_hours",
            "change_failure_rate",
            "time_to_restore_p50_hours",
        ),
        "Did the last cycles finish": (
            "committed",
            "added",
            "removed",
            "completed",
            "carried_over",
            "completed_pct",
        ),
    }
    with duckdb.connect(str(clone.warehouse), read_only=True) as con:
        for prefix, columns in wanted.items():
            [question] = [q for q in questions if q.title.startswith(prefix)]
            cursor = con.execute(question.sql)
            names = [d[0] for d in cursor.description]
            rows = [dict(zip(names, row, strict=True)) for row in cursor.fetchall()]
            assert rows, prefix
            for column in columns:
                assert any(row[column] for row in rows), (prefix, column, rows)


def test_demo_twice_the_second_run_incremental(clone: Clone) -> None:
    first = clone.make_demo()
    assert first.returncode == 0, first.stderr
    out = first.stdout
    for text in ("run 1: a fresh warehouse", "[3/3] dbt build", "Marts", "sandbox stopped"):
        assert text in out
    for number in (1, 2, 3, 4, 5, 6):
        assert f"\nQ{number}. " in out
    # where PR time goes: a row per repository with each stage's median
    stages = out.split("Where does PR time go, per repository?", 1)[1].split("\nQ", 1)[0]
    assert "coding  pickup  review" in re.sub(r" +", "  ", stages), stages
    assert "(no rows)" not in stages
    assert "from github.metrics_weekly_repository" in out
    assert "from linear.fct_cycles" in out and "Did the last cycles finish" in out
    assert out.count("from linear.fct_issues") + out.count("from github.fct_pull_requests") >= 2
    assert_all_stopped(clone, sandbox_ports(out))

    box = truth(clone.anchor, changed=False)
    linear, github = box.linear.workspace, box.github.org_data
    expected_raw = {
        "linear.raw_issues": len(linear.truth("issues")),
        "linear.raw_comments": len(linear.truth("comments")),
        "linear.raw_users": len(linear.truth("users")),
        "linear.raw_teams": len(linear.truth("teams")),
        "github.raw_pull_requests": len(github.truth("pull_requests")),
        "github.raw_pr_reviews": len(github.truth("pr_reviews")),
        "github.raw_pr_comments": len(github.truth("pr_comments")),
        "github.raw_pr_issue_comments": len(github.truth("pr_issue_comments")),
        "github.raw_users": len(github.truth("users")),
    }
    assert expected_raw["linear.raw_issues"] == 3000 + len(github.delivery.incidents)
    assert expected_raw["github.raw_pull_requests"] == 400
    rows = raw_rows(out)
    for table, n in expected_raw.items():
        assert rows[table] == (n, n), table
        assert clone.count(table) == n, table
    people = box.company.people
    expected_marts = {
        "linear.fct_issues": expected_raw["linear.raw_issues"],
        "github.fct_pull_requests": expected_raw["github.raw_pull_requests"],
        "linear.dim_users": sum(1 for p in people if p.in_linear or p.github_login),
    }
    for mart, n in expected_marts.items():
        assert clone.count(mart) == n, mart
        assert re.search(rf"^  {re.escape(mart)}\s+{n:,}$", out, re.M), mart
    assert clone.count("linear.bridge_issue_pull_requests") > 0
    assert_delivery_questions_answer_every_metric(clone)
    run = clone.state["runs"][-1]
    assert (run["number"], run["result"], run["changes"]) == (1, "ok", False)
    for source in ("linear", "github"):
        loaded = sum(n for table, (n, _) in rows.items() if table.startswith(f"{source}."))
        assert run["figures"][source]["rows"] == loaded, source

    # The second run: the same company plus one batch of changes, loaded incrementally.
    second = clone.make_demo()
    assert second.returncode == 0, second.stderr
    out = second.stdout
    assert "run 2: the warehouse already holds this company" in out
    assert "changes applied in the sandbox" in out
    assert_all_stopped(clone, sandbox_ports(out))

    box = truth(clone.anchor, changed=False)
    applied = apply_changes(box, Changes())
    linear, github = box.linear.workspace, box.github.org_data
    touched = set(applied.reviewed) | set(applied.merged)
    reviews_of_touched = sum(
        len(github.reviews(github.pull(github.repo(*repo.split("/")), number)))
        for repo, number in touched
    )
    rows = raw_rows(out)
    loaded = {table: n for table, (n, _) in rows.items() if n}
    assert loaded["linear.raw_issues"] == len(applied.issues) == Changes().issues
    assert loaded["linear.raw_comments"] == len(applied.comments) == Changes().comments
    assert loaded["github.raw_pull_requests"] == len(touched)
    assert loaded["github.raw_pr_reviews"] == reviews_of_touched
    for table in ("linear.raw_users", "linear.raw_teams", "linear.raw_workflow_states"):
        assert table not in loaded, table
    # A changed issue's whole history is read and merged again (its spans and entries).
    history_tables = ("linear.raw_issue_state_spans", "linear.raw_issue_history")
    changed_issues = set(applied.issues)
    assert loaded["linear.raw_issue_state_spans"] == sum(
        s["issue_id"] in changed_issues for s in linear.state_spans_truth()
    )
    assert loaded["linear.raw_issue_history"] == sum(
        e["issue_id"] in changed_issues for e in linear.history_truth()
    )
    assert sum(n for t, n in loaded.items() if t not in history_tables) < 200, loaded
    assert rows["linear.raw_comments"][1] == len(linear.truth("comments"))
    assert rows["github.raw_pr_reviews"][1] == len(github.truth("pr_reviews"))
    assert clone.count("linear.fct_issues") == 3000 + len(github.delivery.incidents)
    assert clone.count("github.fct_pull_requests") == 400

    first_run, second_run = clone.state["runs"][-2:]
    assert (second_run["number"], second_run["result"], second_run["changes"]) == (2, "ok", True)
    assert (
        second_run["figures"]["linear"]["requests"] * 5 < first_run["figures"]["linear"]["requests"]
    )
    assert second_run["figures"]["linear"]["requests"] <= 10
    # GitHub (pull requests through GraphQL): per repository one pull request page, one page
    # per comment endpoint, and (deployments configured) one deployments page, one default-
    # branch commits page and the statuses of deployments unfinished at the first run; the
    # member page and every profile re-read conditionally.
    members = len(github.truth("users"))
    repos = len(box.github.repo_names)
    unfinished = sum(1 for d in github.delivery.truth() if d["state"] in ("queued", "in_progress"))
    bound = 5 * repos + unfinished + 1 + members
    assert second_run["figures"]["github"]["requests"] <= bound
    assert second_run["figures"]["github"]["requests"] < first_run["figures"]["github"]["requests"]

    # The warehouse agrees with the changed company: states of moved issues, merged PRs.
    states = {s["id"]: s["type"] for s in linear.truth("workflowStates")}
    expected_states = {
        i["id"]: states[i["state"]["id"]]
        for i in linear.truth("issues")
        if i["id"] in set(applied.issues)
    }
    actual = dict(
        clone.query(
            "select issue_id, state_type from linear.fct_issues where issue_id in "
            f"({', '.join(repr(i) for i in applied.issues)})"
        )
    )
    assert actual == expected_states
    merged = clone.query(
        "select repo_full_name, pull_request_number from github.fct_pull_requests where is_merged"
    )
    assert set(applied.merged) <= {(repo, int(n)) for repo, n in merged}

    # dlt's own CLI finds the pipeline in its normal data dir.
    info = subprocess.run(
        [str(clone.root / ".venv" / "bin" / "dlt"), "pipeline", "linear", "info"],
        cwd=clone.root,
        env=clone.env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert info.returncode == 0, info.stderr
    assert "linear" in info.stdout


def test_demo_on_the_next_day_stays_consistent(clone: Clone) -> None:
    """The anchor moves (a new day): said so, loads what now looks newer, stays consistent."""
    if not clone.warehouse.exists():
        # Run alone, the module's clone is fresh: give it today's warehouse first. In the
        # suite it follows the two runs above (one demo run fewer).
        first = clone.make_demo()
        assert first.returncode == 0, first.stderr
    tomorrow = clone.anchor + timedelta(days=1)
    result = clone.make_demo(DEMO_AS_OF=tomorrow.isoformat())
    assert result.returncode == 0, result.stderr
    assert "the company's time anchor moved" in result.stdout
    box = truth(tomorrow, changed=True)
    linear, github = box.linear.workspace, box.github.org_data
    ids = {r[0] for r in clone.query("select id from linear.raw_issues")}
    assert ids == {i["id"] for i in linear.truth("issues")}
    assert clone.count("linear.raw_comments") == len(linear.truth("comments"))
    assert clone.count("github.raw_pr_reviews") == len(github.truth("pr_reviews"))
    assert clone.count("linear.fct_issues") == len(ids)
    assert clone.count("github.fct_pull_requests") == len(github.truth("pull_requests"))
    assert clone.state["runs"][-1]["result"] == "ok"


def test_demo_names_a_failing_step(clone: Clone) -> None:
    """A step that fails stops the demo with exit 1, its stderr's tail, and the sandbox down."""
    warehouse = clone.warehouse.with_name("failing.duckdb")
    result = clone.make_demo(
        DESTINATION__DUCKDB__CREDENTIALS=str(warehouse),
        NORMALIZE__WORKERS="many",  # dlt's config check fails the Linear step
    )
    assert result.returncode != 0
    assert "error: step 1/3, Linear sync, failed (exit 1)" in result.stderr
    assert "last lines of its stderr:" in result.stderr
    assert "`workers` cannot be coerced" in result.stderr
    assert "[2/3]" not in result.stdout
    assert_all_stopped(clone, sandbox_ports(result.stdout))


def _lines(proc: subprocess.Popen[str]) -> queue.Queue[str | None]:
    lines: queue.Queue[str | None] = queue.Queue()

    def pump() -> None:
        assert proc.stdout is not None
        for line in proc.stdout:
            lines.put(line)
        lines.put(None)

    threading.Thread(target=pump, daemon=True).start()
    return lines


def _read_until(lines: queue.Queue[str | None], prefix: str, timeout: float) -> list[str]:
    seen: list[str] = []
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            line = lines.get(timeout=max(deadline - time.monotonic(), 0.01))
        except queue.Empty:
            break
        if line is None:
            break
        seen.append(line)
        if line.startswith(prefix):
            return seen
    raise AssertionError(f"no line starting with {prefix!r} in:\n{''.join(seen)}")


@pytest.fixture
def kill_leftovers(clone: Clone) -> Iterator[None]:
    yield
    for entry in processes_under(clone.root):  # never leave a stray process behind a failure
        with contextlib.suppress(ProcessLookupError):
            os.kill(int(entry.split(":", 1)[0]), signal.SIGKILL)


@pytest.mark.parametrize(
    ("how", "sig"),
    [("make", signal.SIGINT), ("python", signal.SIGTERM)],
    ids=["ctrl-c-on-make-demo", "sigterm-to-the-demo"],
)
@pytest.mark.usefixtures("kill_leftovers")
def test_demo_interrupted_stops_everything(clone: Clone, how: str, sig: int) -> None:
    """Ctrl-C (SIGINT to make's process group) or SIGTERM (to the demo's process) during the
    Linear sync: the step and the sandbox stop, the exit is quick and non-zero."""
    command = ["make", "demo"] if how == "make" else [".venv/bin/python", "-m", "demo"]
    if how == "python":
        subprocess.run(["make", "install"], cwd=clone.root, env=clone.env, check=True)
    proc = subprocess.Popen(
        command,
        cwd=clone.root,
        env=clone.env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        start_new_session=True,  # its own process group, as a terminal's foreground job
    )
    try:
        lines = _lines(proc)
        seen = _read_until(lines, "[1/3] Linear sync", timeout=120)
        ports = sandbox_ports("".join(seen))
        time.sleep(1.0)  # the sync is under way
        signalled = time.monotonic()
        if how == "make":
            os.killpg(proc.pid, sig)
        else:
            proc.send_signal(sig)
        proc.wait(timeout=15)
        stopped_after = time.monotonic() - signalled
    finally:
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait()
    rest = []
    while (line := lines.get(timeout=5)) is not None:
        rest.append(line)
    output = "".join(seen + rest)
    print(output)
    assert proc.returncode != 0
    assert stopped_after < 8, stopped_after
    assert "sandbox stopped" in output
    assert f"interrupted ({signal.Signals(sig).name})" in output
    if how == "python":
        assert proc.returncode == 128 + sig
    assert_all_stopped(clone, ports)
    assert clone.state["runs"][-1]["result"] == "interrupted"
