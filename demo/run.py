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
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import duckdb

from demo import warehouse
from demo.console import DemoError, say
from demo.processes import Children, Interrupted, StopSignals
from demo.state import DemoState, RunRecord, UnreadableState, load, save, state_path
from demo.steps import STEPS, Changes, apply_changes, dbt_line, describe, figures, step_failed
from demo.summary import summarize
from pipelines.paths import REPO_ROOT
from sandbox import GITHUB_TOKEN, LINEAR_API_KEY, SIZES, Sandbox
from sandbox.environment import sandbox_env

SEED = 7


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

    def __init__(self, size: str, as_of: datetime, changes: Changes | None = None) -> None:
        self.size = size
        self.as_of = as_of
        self.changes = changes or Changes()
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
                    summaries = self._run_steps(Path(tmp))
                self._stop_sandbox()  # the summary reads the warehouse only
                assert self.state is not None and self.record is not None
                summarize(self.warehouse, summaries, self.state, self.record, self.started)
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
        return sandbox_env(
            self.box,
            duckdb_file=self.warehouse,
            extra={
                "SOURCES__LINEAR__API_KEY": LINEAR_API_KEY,  # over any key in .dlt/secrets.toml
                "SOURCES__GITHUB__ACCESS_TOKEN": GITHUB_TOKEN,
                "PIPELINES_SUMMARY_FILE": str(summary_file),
                "SOURCES__GITHUB__DEPLOYMENTS": "deployments",  # fct_deployments and DORA's keys
            },
        )

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
                raise DemoError(step_failed(number, step, result))
            if step.key == "dbt":
                say(f"      {result.seconds:.1f} s: {dbt_line(result.stdout)}")
                continue
            summary = json.loads(summary_file.read_text()) if summary_file.exists() else {}
            summaries[step.key] = summary
            counts = figures(summary)
            self.record.figures[step.key] = counts
            save(self.state_file, self.state)
            say(f"      {result.seconds:.1f} s: {describe(counts, summary)}")
        return summaries

    def _report(self) -> None:
        from demo.report import write_report  # the charting library loads only here

        say()
        say(f"Report: {write_report(self.warehouse)} (open it in a browser)")


def _port(url: str) -> int:
    return urlsplit(url).port or 0


__all__ = ["Changes", "Demo", "DemoError", "apply_changes", "default_as_of"]
