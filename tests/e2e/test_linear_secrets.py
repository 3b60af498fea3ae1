"""The Linear API key never appears in any output, log, trace or file a run leaves."""

from __future__ import annotations

from pathlib import Path

from sandbox import LINEAR_API_KEY, Sandbox
from tests.support.workspace import Workspace


def files_containing(root: Path, needle: bytes) -> list[Path]:
    return [p for p in root.rglob("*") if p.is_file() and needle in p.read_bytes()]


def test_api_key_leaves_no_trace(workspace: Workspace, sandbox: Sandbox) -> None:
    outputs = []
    for args in (["--no-dbt"], ["--no-dbt", "--log-level", "debug"]):
        result = workspace.run("linear", *args)
        assert result.returncode == 0, result.output
        outputs.append(result.output)
    sandbox.linear.inject("status", status=500, times=-1, match="teams")
    failed = workspace.run("linear", "--no-dbt", "--log-level", "debug")
    assert failed.returncode == 1
    outputs.append(failed.output)
    for text in outputs:
        assert LINEAR_API_KEY not in text
    assert files_containing(workspace.root, LINEAR_API_KEY.encode()) == []
    assert (workspace.root / "dlt").exists(), "the dlt data dir should be inside the workspace"
