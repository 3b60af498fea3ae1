"""The GitHub Actions workflows: valid against GitHub's workflow schema, clean under zizmor,
and shaped as the daily sync needs (schedule, no overlap, pinned actions, least privilege)."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
import yaml

from pipelines.paths import REPO_ROOT

WORKFLOWS = sorted((REPO_ROOT / ".github" / "workflows").glob("*.yml"))
BIN = Path(sys.executable).parent


def load(path: Path) -> dict[str, Any]:
    data = yaml.safe_load(path.read_text())
    data["on"] = data.pop(True, data.get("on"))  # YAML 1.1 reads the key `on` as True
    return data


def test_there_is_a_workflow() -> None:
    assert WORKFLOWS


@pytest.mark.parametrize("path", WORKFLOWS, ids=lambda p: p.name)
def test_valid_against_githubs_workflow_schema(path: Path) -> None:
    proc = subprocess.run(
        [str(BIN / "check-jsonschema"), "--builtin-schema", "vendor.github-workflows", str(path)],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert proc.returncode == 0, proc.stdout + proc.stderr


def test_zizmor_finds_nothing() -> None:
    proc = subprocess.run(
        [str(BIN / "zizmor"), "--offline", "--persona", "auditor", *map(str, WORKFLOWS)],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert "No findings" in proc.stdout + proc.stderr


def test_daily_sync_shape() -> None:
    flow = load(REPO_ROOT / ".github" / "workflows" / "daily-sync.yml")
    assert flow["on"]["schedule"] == [{"cron": "0 5 * * *"}]
    assert "workflow_dispatch" in flow["on"]
    assert flow["permissions"] == {}
    assert flow["concurrency"]["cancel-in-progress"] is False
    jobs = flow["jobs"]
    assert set(jobs["dbt"]["needs"]) == {"linear", "github"}
    text = (REPO_ROOT / ".github" / "workflows" / "daily-sync.yml").read_text()
    for name in ("LINEAR_API_KEY", "GCP_SA_KEY", "GCP_PROJECT_ID"):
        assert f"secrets.{name}" in text
    for name, job in jobs.items():
        assert job["timeout-minutes"] <= 60, name
        assert job["permissions"] == {"contents": "read"}, name
        steps = job["steps"]
        uses = [s["uses"] for s in steps if "uses" in s]
        assert all(re.fullmatch(r"[\w.-]+/[\w.-]+@[0-9a-f]{40}", u) for u in uses), uses
        setup_uv = next(s for s in steps if s.get("uses", "").startswith("astral-sh/setup-uv"))
        assert setup_uv["with"]["enable-cache"] is True
        runs = " ".join(s.get("run", "") for s in steps)
        assert "--destination bigquery" in runs or ".ci/sync" in runs, name


def test_daily_sync_can_publish_the_report() -> None:
    """Opt-in (an input or a variable), after the dbt build, from BigQuery, as an artifact."""
    flow = load(REPO_ROOT / ".github" / "workflows" / "daily-sync.yml")
    assert flow["on"]["workflow_dispatch"]["inputs"]["publish_report"]["default"] is False
    job = flow["jobs"]["report"]
    assert job["needs"] == ["dbt"]
    assert "inputs.publish_report" in job["if"] and "vars.PUBLISH_REPORT" in job["if"]
    runs = [s["run"] for s in job["steps"] if "run" in s]
    assert any("pipelines/report.py --destination bigquery --out report.html" in r for r in runs)
    upload = next(s for s in job["steps"] if s.get("uses", "").startswith("actions/upload-"))
    assert upload["with"]["path"] == "report.html"
    assert upload["with"]["if-no-files-found"] == "error"


def test_daily_sync_has_a_max_duration_input_passed_to_both_syncs() -> None:
    flow = load(REPO_ROOT / ".github" / "workflows" / "daily-sync.yml")
    assert "max_duration" in flow["on"]["workflow_dispatch"]["inputs"]
    for name in ("linear", "github"):
        step = next(s for s in flow["jobs"][name]["steps"] if ".ci/sync" in s.get("run", ""))
        assert "inputs.max_duration" in step["env"]["MAX_DURATION"], name


def _fake_sync(tmp_path: Path, status: int) -> subprocess.CompletedProcess[str]:
    """Run `.ci/sync` with a stand-in interpreter that records its arguments and exits
    `status` (the real pipeline's statuses are tested end to end elsewhere)."""
    python = tmp_path / ".venv" / "bin" / "python"
    python.parent.mkdir(parents=True)
    python.write_text(f'#!/usr/bin/env bash\necho "args: $*"\nexit {status}\n')
    python.chmod(0o755)
    env = {"PATH": "/usr/bin:/bin", "MAX_DURATION": "50", "SINCE": "", "FULL_REFRESH": "false"}
    return subprocess.run(
        [str(REPO_ROOT / ".ci" / "sync"), "linear"],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        timeout=30,
    )


def test_sync_script_treats_exit_3_as_success_with_a_warning(tmp_path: Path) -> None:
    proc = _fake_sync(tmp_path, 3)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert "--max-duration 50" in proc.stdout
    assert "::warning" in proc.stdout and "resumes" in proc.stdout


@pytest.mark.parametrize("status", [0, 1, 2])
def test_sync_script_passes_other_statuses_through(tmp_path: Path, status: int) -> None:
    proc = _fake_sync(tmp_path, status)
    assert proc.returncode == status
    assert "::warning" not in proc.stdout


def test_daily_sync_reconciles_weekly_or_on_demand() -> None:
    flow = load(REPO_ROOT / ".github" / "workflows" / "daily-sync.yml")
    assert flow["on"]["workflow_dispatch"]["inputs"]["reconcile"]["type"] == "boolean"
    for name in ("linear", "github"):
        step = next(s for s in flow["jobs"][name]["steps"] if ".ci/sync" in s.get("run", ""))
        assert "inputs.reconcile" in step["env"]["RECONCILE"], name
        assert step["env"]["RECONCILE_WEEKDAY"] == "1", name  # Mondays


def _sync_args(tmp_path: Path, **env: str) -> str:
    """The arguments `.ci/sync` passes to the pipeline with `env` (a stand-in interpreter)."""
    python = tmp_path / ".venv" / "bin" / "python"
    python.parent.mkdir(parents=True, exist_ok=True)
    python.write_text('#!/usr/bin/env bash\necho "args: $*"\n')
    python.chmod(0o755)
    proc = subprocess.run(
        [str(REPO_ROOT / ".ci" / "sync"), "github"],
        cwd=tmp_path,
        env={"PATH": "/usr/bin:/bin", **env},
        capture_output=True,
        text=True,
        timeout=30,
    )
    assert proc.returncode == 0, proc.stdout + proc.stderr
    return proc.stdout


def test_sync_script_reconciles_on_demand_and_on_the_scheduled_weekday(tmp_path: Path) -> None:
    today = subprocess.run(
        ["date", "-u", "+%u"], capture_output=True, text=True, check=True
    ).stdout.strip()
    other = str(int(today) % 7 + 1)
    assert "--reconcile" in _sync_args(tmp_path, RECONCILE="true")
    assert "--reconcile" not in _sync_args(tmp_path, RECONCILE="false")
    scheduled = {"GITHUB_EVENT_NAME": "schedule", "RECONCILE": ""}
    assert "--reconcile" in _sync_args(tmp_path, **scheduled, RECONCILE_WEEKDAY=today)
    assert "--reconcile" not in _sync_args(tmp_path, **scheduled, RECONCILE_WEEKDAY=other)
    manual = {"GITHUB_EVENT_NAME": "workflow_dispatch", "RECONCILE": "false"}
    assert "--reconcile" not in _sync_args(tmp_path, **manual, RECONCILE_WEEKDAY=today)
