"""The demo, step by step: check the warehouse is the demo's, start the sandbox in this process
(on a later run, apply a small batch of changes first), run both syncs and the full dbt build as
subprocesses pointed at it, print the summary, and stop everything, whatever happens."""

from __future__ import annotations

import json
import os
import sys
import tempfile
import textwrap
import time
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import duckdb

from demo import warehouse
from demo.processes import Children, Interrupted, StepResult, StopSignals
from demo.state import DemoState, RunRecord, UnreadableState, load, save, state_path
from sandbox import GITHUB_TOKEN, LINEAR_API_KEY, SIZES, Sandbox

REPO_ROOT = Path(__file__).resolve().parents[1]
SEED = 7
#: Variables that could carry real credentials or point elsewhere: never passed to the steps.
SCRUBBED = ("LINEAR_API_KEY", "GITHUB_TOKEN", "GCP_SA_KEY", "GCP_SA_KEY_FILE", "GCP_PROJECT_ID")
STDERR_TAIL = 15


@dataclass(frozen=True)
class Changes:
    """The batch of changes a later run applies in the sandbox before syncing. The sandbox's
    mutations draw from seeded random streams, so every run changes the same rows."""

    issues: int = 25
    comments: int = 10
    reviews: int = 5
    merges: int = 3


@dataclass(frozen=True)
class Step:
    key: str
    title: str
    script: str
    args: tuple[str, ...]

    @property
    def command(self) -> str:
        return " ".join(["python", f"pipelines/{self.script}", *self.args])


QUIET = ("--destination", "duckdb", "--log-level", "warning")
STEPS = (
    Step("linear", "Linear sync", "linear.py", ("--no-dbt", *QUIET)),
    Step("github", "GitHub sync", "github.py", ("--no-dbt", *QUIET)),
    Step("dbt", "dbt build", "transform.py", QUIET),
)


@dataclass(frozen=True)
class Applied:
    """What `apply_changes` changed: Linear issue and comment ids, GitHub (repo, number)s."""

    issues: list[str]
    comments: list[str]
    reviewed: list[tuple[str, int]]
    merged: list[tuple[str, int]]


def apply_changes(box: Sandbox, changes: Changes) -> Applied:
    """Apply the batch to a sandbox (started or not): the same rows every time for the same
    company, each with a new timestamp."""
    linear, github = box.linear.workspace, box.github.org_data
    return Applied(
        issues=linear.mutate_issues(changes.issues),
        comments=linear.add_comments(changes.comments),
        reviewed=github.add_reviews(changes.reviews),
        merged=github.merge_pulls(changes.merges),
    )


class DemoError(Exception):
    """The demo cannot run (or a step failed); the message says why and what to do."""


def say(text: str = "") -> None:
    print(text, flush=True)


def default_as_of() -> datetime:
    """Today at 00:00 UTC: the same company all day, so a second run is incremental."""
    return datetime.now(UTC).replace(hour=0, minute=0, second=0, microsecond=0)


def warehouse_path() -> Path:
    """The DuckDB file, as the pipelines find it (DESTINATION__DUCKDB__CREDENTIALS, dlt config,
    else warehouse.duckdb at the repository root), made absolute for the steps and dbt."""
    os.environ.setdefault("DLT_PROJECT_DIR", str(REPO_ROOT))
    import dlt  # here: importing dlt takes a moment, and only this needs it

    from pipelines.paths import DEFAULT_DUCKDB_FILE

    configured = dlt.config.get("destination.duckdb.credentials")
    return Path(str(configured or DEFAULT_DUCKDB_FILE)).expanduser().resolve()


class Demo:
    """One run of the demo: `run()` returns the exit code."""

    def __init__(self, size: str, as_of: datetime, changes: Changes = Changes()) -> None:
        self.size = size
        self.as_of = as_of
        self.changes = changes
        self.children = Children()
        self.box: Sandbox | None = None
        self.state: DemoState | None = None
        self.record: RunRecord | None = None
        self.warehouse = Path()
        self.state_file = Path()
        self.started = time.monotonic()

    # -- the run ---------------------------------------------------------------------------------
    def run(self) -> int:
        outcome: BaseException | None = None
        with StopSignals() as signals:
            try:
                self._prepare()
                self._start_sandbox()
                with tempfile.TemporaryDirectory(prefix="demo-") as tmp:
                    figures = self._run_steps(Path(tmp))
                self._stop_sandbox()  # the summary reads the warehouse only
                self._summarize(figures)
                self._report()
            except BaseException as exc:
                outcome = exc
            finally:
                signals.stopping()
                self._clean_up(outcome)
        if outcome is None:
            return 0
        if isinstance(outcome, Interrupted):
            print(
                f"\ninterrupted ({outcome.name}): the running step and the sandbox were stopped. "
                "The warehouse keeps what was loaded before; a pending load is finished by the "
                "next run.",
                file=sys.stderr,
                flush=True,
            )
            return outcome.exit_code
        if isinstance(outcome, DemoError):
            print(f"\nerror: {outcome}", file=sys.stderr, flush=True)
            return 1
        raise outcome

    def _clean_up(self, outcome: BaseException | None) -> None:
        stopped = self.children.stop_all()
        if stopped:
            say(f"stopped the running step (process group {', '.join(map(str, stopped))})")
        self._stop_sandbox()
        if self.record is not None and self.state is not None:
            self.record.seconds = round(time.monotonic() - self.started, 1)
            self.record.result = (
                "ok"
                if outcome is None
                else "interrupted"
                if isinstance(outcome, Interrupted)
                else "failed"
            )
            save(self.state_file, self.state)
        if outcome is None:
            say(f"done in {time.monotonic() - self.started:.1f} s")

    # -- before the sandbox ----------------------------------------------------------------------
    def _prepare(self) -> None:
        self.warehouse = warehouse_path()
        self.state_file = state_path(self.warehouse)
        size = SIZES[self.size]
        say("make demo: Linear + GitHub -> dlt -> DuckDB -> dbt, against the local sandbox")
        say(f"  warehouse: {self.warehouse}")
        say(
            f"  company:   '{self.size}' (seed {SEED}) as of {self.as_of:%Y-%m-%d %H:%M} UTC: "
            f"{size.issues:,} issues, {size.pulls:,} pull requests in {size.repos} repos"
        )
        try:
            has_data = warehouse.has_source_data(self.warehouse)
        except duckdb.Error as exc:
            raise DemoError(
                f"cannot read {self.warehouse}: {exc}. If another process (a pipeline run, dbt "
                "or a SQL client) has it open, wait for it to finish, then rerun."
            ) from None
        state = self._load_state(has_data)
        notes = []
        if not has_data:
            if state is not None and state.runs:
                notes.append("the warehouse holds no data of earlier runs: starting over.")
            state = DemoState(self.size, SEED, ports=state.ports if state else {})
        elif state is None:
            raise DemoError(
                f"{self.warehouse} already holds Linear or GitHub data that the demo did not load "
                f"(there is no {self.state_file.name} next to it). The demo will not merge its "
                "synthetic company into it. Point it at another file, e.g. "
                "`DESTINATION__DUCKDB__CREDENTIALS=$PWD/demo.duckdb make demo`, or delete the "
                "file if it is a leftover of an earlier demo."
            )
        elif (state.size, state.seed) != (self.size, SEED):
            raise DemoError(
                f"{self.warehouse} holds the demo's '{state.size}' company (seed {state.seed}); "
                f"size '{self.size}' needs a warehouse of its own: delete {self.warehouse} and "
                f"{self.state_file}, or set DESTINATION__DUCKDB__CREDENTIALS to another file."
            )
        elif state.as_of and state.as_of != self.as_of.isoformat():
            notes.append(self._anchor_moved(datetime.fromisoformat(state.as_of)))
        self.state = state
        self.record = RunRecord(
            number=state.next_number,
            started_at=datetime.now(UTC).isoformat(timespec="seconds"),
            as_of=self.as_of.isoformat(),
            changes=has_data,
        )
        state.runs.append(self.record)
        state.as_of = self.as_of.isoformat()
        save(self.state_file, state)  # before loading: the warehouse is the demo's from now on
        if has_data:
            say(
                f"  run {self.record.number}: the warehouse already holds this company, so the "
                "sandbox first applies a small batch\n    of changes and both syncs are "
                "incremental."
            )
        else:
            say(f"  run {self.record.number}: a fresh warehouse, so both syncs load everything.")
        for note in notes:
            say(textwrap.fill(note, 98, initial_indent="  note: ", subsequent_indent="    "))

    def _load_state(self, has_data: bool) -> DemoState | None:
        try:
            return load(self.state_file)
        except UnreadableState as exc:
            say(f"  note: ignoring a damaged demo state file ({exc})")
            return DemoState(self.size, SEED) if has_data else None

    def _anchor_moved(self, before: datetime) -> str:
        days = (self.as_of - before).total_seconds() / 86400
        direction = "later (a new day)" if days > 0 else "earlier"
        return (
            f"the company's time anchor moved from {before:%Y-%m-%d %H:%M} to "
            f"{self.as_of:%Y-%m-%d %H:%M} UTC: every timestamp in the sandbox is "
            f"{abs(days):g} day(s) {direction}, so this sync also reloads the rows that now look "
            "changed since the last one. Ids stay the same, and the merge on primary keys keeps "
            "one row per id: the warehouse stays consistent."
        )

    # -- the sandbox -----------------------------------------------------------------------------
    def _start_sandbox(self) -> None:
        assert self.state is not None and self.record is not None
        ports = self.state.ports
        # The last run's ports when free: GitHub's payloads carry the API's URL, so the same
        # ports keep unchanged rows unchanged (and their ETags valid: 304s).
        self.box = box = Sandbox(
            seed=SEED,
            size=self.size,
            now=self.as_of,
            linear_port=ports.get("linear", 0),
            github_port=ports.get("github", 0),
            incidents=True,  # Linear incidents after some deployments: DORA's failures
        )
        if self.record.changes:
            self._apply_changes(box)
        try:
            box.start()
        except OSError:  # a port is taken: any free one will do
            box.stop()
            box.linear.port = box.github.port = 0
            box.start()
        self.state.ports = {"linear": _port(box.linear.url), "github": _port(box.github.url)}
        save(self.state_file, self.state)
        say(f"  sandbox up: Linear {box.linear.url}/graphql, GitHub {box.github.api_url}")

    def _stop_sandbox(self) -> None:
        if self.box is not None:
            self.box.stop()
            self.box = None
            say("sandbox stopped")

    def _apply_changes(self, box: Sandbox) -> None:
        applied = apply_changes(box, self.changes)
        say(
            f"  changes applied in the sandbox: Linear {len(applied.issues)} issues moved on, "
            f"{len(applied.comments)} comments added;\n    GitHub {len(applied.reviewed)} pull "
            f"requests reviewed, {len(applied.merged)} merged"
        )

    def _env(self, summary_file: Path) -> dict[str, str]:
        assert self.box is not None
        env = {
            k: v
            for k, v in os.environ.items()
            if k not in SCRUBBED and not k.startswith(("SOURCES__", "DESTINATION__"))
        }
        env.update(self.box.env())
        env.update(
            SOURCES__LINEAR__API_KEY=LINEAR_API_KEY,  # over any key in .dlt/secrets.toml
            SOURCES__GITHUB__ACCESS_TOKEN=GITHUB_TOKEN,
            DESTINATION__DUCKDB__CREDENTIALS=str(self.warehouse),
            PIPELINES_SUMMARY_FILE=str(summary_file),
            SOURCES__GITHUB__DEPLOYMENTS="deployments",  # fct_deployments and DORA's keys
            RUNTIME__DLTHUB_TELEMETRY="false",
            DBT_SEND_ANONYMOUS_USAGE_STATS="false",
        )
        return env

    # -- the steps -------------------------------------------------------------------------------
    def _run_steps(self, tmp: Path) -> dict[str, dict[str, Any]]:
        """Run every step; returns each sync's summary (PIPELINES_SUMMARY_FILE's JSON)."""
        assert self.record is not None and self.state is not None
        summaries: dict[str, dict[str, Any]] = {}
        say()
        for number, step in enumerate(STEPS, 1):
            summary_file = tmp / f"{step.key}.json"
            say(f"[{number}/{len(STEPS)}] {step.title}: {step.command}")
            result = self.children.run(
                [sys.executable, str(REPO_ROOT / "pipelines" / step.script), *step.args],
                env=self._env(summary_file),
                cwd=REPO_ROOT,
            )
            if result.returncode != 0:
                raise DemoError(_step_failed(number, step, result))
            if step.key == "dbt":
                say(f"      {result.seconds:.1f} s: {_dbt_line(result.stdout)}")
                continue
            summary = json.loads(summary_file.read_text()) if summary_file.exists() else {}
            summaries[step.key] = summary
            figures = _figures(summary)
            self.record.figures[step.key] = figures
            save(self.state_file, self.state)
            say(f"      {result.seconds:.1f} s: {_describe(figures, summary)}")
        return summaries

    # -- the summary -----------------------------------------------------------------------------
    def _summarize(self, summaries: dict[str, dict[str, Any]]) -> None:
        loaded = {
            f"{dataset}.{table}": n
            for dataset, summary in summaries.items()
            for table, n in (summary.get("rows") or {}).items()
        }
        with warehouse.connect(self.warehouse) as con:
            raw = warehouse.raw_counts(con)
            marts = warehouse.mart_counts(con)
            answers = [(q, *warehouse.answer(con, q)) for q in warehouse.QUESTIONS]
        say()
        say("Raw tables: rows loaded by this run, rows in the warehouse")
        rows = [(name, loaded.get(name, 0), n) for name, n in raw.items()]
        for line in warehouse.render_table(["table", "loaded now", "in warehouse"], rows, "  "):
            say(line)
        say()
        say("Marts (tables dbt built from them)")
        missing = [name for name, n in marts.items() if n is None]
        for line in warehouse.render_table(
            ["mart", "rows"], [(n, c) for n, c in marts.items() if c is not None], "  "
        ):
            say(line)
        if missing:
            raise DemoError(f"dbt reported success but these marts are missing: {missing}")
        for number, (question, columns, result) in enumerate(answers, 1):
            say()
            say(f"Q{number}. {question.title}")
            for line in question.sql.strip().splitlines():
                say(f"    {line}")
            say()
            for line in warehouse.render_table(columns, result, "    "):
                say(line)
        say()
        self._history()

    def _report(self) -> None:
        from demo.report import write_report  # the charting library loads only here

        say()
        say(f"Report: {write_report(self.warehouse)} (open it in a browser)")

    def _history(self) -> None:
        assert self.state is not None
        say("Runs of the demo on this warehouse (rows loaded / API requests per sync)")
        rows = []
        for run in self.state.runs[-5:]:
            lin, gh = run.figures.get("linear", {}), run.figures.get("github", {})
            current = run is self.record
            rows.append(
                (
                    run.number,
                    run.as_of[:10],
                    run.started_at[:16].replace("T", " "),
                    "this run" if current else run.result,
                    "yes" if run.changes else "no",
                    lin.get("rows"),
                    lin.get("requests"),
                    gh.get("rows"),
                    gh.get("requests"),
                    round(time.monotonic() - self.started, 1) if current else run.seconds,
                )
            )
        columns = [
            "run",
            "as of",
            "started (UTC)",
            "result",
            "changes",
            "linear rows",
            "req",
            "github rows",
            "req",
            "seconds",
        ]
        for line in warehouse.render_table(columns, rows, "  "):
            say(line)
        say()
        say(
            "Next: `make demo` again for an incremental run; `.venv/bin/dlt pipeline linear "
            "info`\nshows the pipeline's state; the marts are tables in the DuckDB file above. "
            "The file now holds\nthe synthetic company and the pipelines' cursors into it: "
            "delete it before syncing real data there."
        )


def _port(url: str) -> int:
    return urlsplit(url).port or 0


def _figures(summary: dict[str, Any]) -> dict[str, int]:
    api = summary.get("api") or {}
    return {
        "rows": sum((summary.get("rows") or {}).values()),
        "tables": len(summary.get("rows") or {}),
        "requests": int(api.get("requests", 0)),
        "not_modified": int(api.get("not_modified", 0)),
    }


def _describe(figures: dict[str, int], summary: dict[str, Any]) -> str:
    if not summary:
        return "done (no summary file was written)"
    rows = (
        f"{figures['rows']:,} rows into {figures['tables']} tables"
        if figures["rows"]
        else "nothing new to load"
    )
    requests = f"{figures['requests']:,} requests"
    if figures["not_modified"]:
        requests += f" ({figures['not_modified']} answered 304 not modified)"
    if summary.get("pending_finished"):
        rows += f", after finishing {summary['pending_finished']} pending load package(s)"
    return f"{rows}, {requests}"


def _dbt_line(stdout: str) -> str:
    """dbt's summary line from transform.py's output, without its prefix."""
    for line in reversed(stdout.splitlines()):
        line = line.strip()
        if line.startswith("dbt ("):
            text = line.split(": ", 1)[-1]
            head, _, last = text.rpartition(", ")
            return head if head and last.endswith(" s") else text  # the step's time is shown
    return "done"


def _step_failed(number: int, step: Step, result: StepResult) -> str:
    stream = result.stderr if result.stderr.strip() else result.stdout
    tail = [line for line in stream.splitlines() if line.strip()][-STDERR_TAIL:]
    where = "stderr" if result.stderr.strip() else "output"
    return "\n".join(
        [
            f"step {number}/{len(STEPS)}, {step.title}, failed (exit {result.returncode}) after "
            f"{result.seconds:.1f} s: {step.command}",
            f"last lines of its {where}:",
            *(f"  | {line}" for line in tail),
            "The sandbox is stopped; the warehouse keeps what earlier steps loaded.",
        ]
    )
