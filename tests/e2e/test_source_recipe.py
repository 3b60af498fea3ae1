"""README's "Adding a source", followed by a test: an entry script written from the recipe alone
(a dlt source, a `SourceSpec`, `make_app`) and nothing added to the runner gets the whole CLI:
`--help`, a missing secret refused before any request, a sync into its own dataset that merges
on rerun, the run summary."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from pipelines.paths import REPO_ROOT
from sandbox import GITHUB_ORG, Sandbox
from tests.support.workspace import CliResult, Workspace

#: The recipe's entry script, for a throwaway source reading the sandbox's org members.
ENTRY = f"""
import os
import sys

sys.path.insert(0, {str(REPO_ROOT)!r})
os.environ.setdefault("DLT_PROJECT_DIR", {str(REPO_ROOT)!r})

import dlt
from dlt.sources.helpers import requests

from pipelines.cli import make_app
from pipelines.runner import RunOptions, SourceSpec
from pipelines.settings import require_secret, setting


@dlt.source(name="throwaway")
def throwaway_source(base_url: str, token: str):
    @dlt.resource(table_name="raw_members", primary_key="id", write_disposition="merge")
    def members():
        response = requests.get(
            f"{{base_url}}/orgs/{GITHUB_ORG}/members",
            headers={{"Authorization": f"Bearer {{token}}"}},
            params={{"per_page": 100}},
        )
        response.raise_for_status()
        yield [{{"id": m["id"], "login": m["login"]}} for m in response.json()]

    return members


def make_source(options: RunOptions):
    token = require_secret("sources.github.access_token", env_fallback="GITHUB_TOKEN",
                           what="GitHub token")
    return throwaway_source(setting("sources.github.base_url", ""), token)


SPEC = SourceSpec(name="throwaway", title="Throwaway", make_source=make_source,
                  endpoint=lambda: setting("sources.github.base_url", ""))
app = make_app(SPEC)

if __name__ == "__main__":
    app()
"""


def _run(ws: Workspace, script: Path, *args: str, **env: str) -> CliResult:
    proc = subprocess.run(
        [sys.executable, str(script), *args],
        env={**ws.env, **env},
        cwd=ws.root,
        capture_output=True,
        text=True,
        timeout=300,
    )
    return CliResult(proc.returncode, proc.stdout, proc.stderr)


def test_a_source_added_by_the_recipe_gets_the_whole_cli(
    workspace: Workspace, sandbox: Sandbox
) -> None:
    script = workspace.root / "throwaway.py"
    script.write_text(ENTRY)

    helped = _run(workspace, script, "--help")
    assert helped.returncode == 0 and "Sync Throwaway into dataset 'throwaway'" in helped.stdout

    before = len(sandbox.github.log)
    refused = _run(workspace, script, "--no-dbt", GITHUB_TOKEN="")
    assert refused.returncode != 0 and "GitHub token" in refused.output, refused.output
    assert len(sandbox.github.log) == before  # refused before any request

    summary = workspace.root / "summary.json"
    for _ in range(2):  # the rerun merges: still one row per member
        result = _run(workspace, script, "--no-dbt", PIPELINES_SUMMARY_FILE=str(summary))
        assert result.returncode == 0, result.output
    members = {m["id"]: m["login"] for m in sandbox.github.org_data.truth("users")}
    assert dict(workspace.query("select id, login from throwaway.raw_members")) == members
    reported = json.loads(summary.read_text())
    assert reported["dataset"] == "throwaway" and reported["rows"] == {"raw_members": len(members)}
