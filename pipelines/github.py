"""Sync GitHub into dataset `github`, then build the dbt models that depend on it.

python pipelines/github.py --help
"""

from __future__ import annotations

import os
import re
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # run as a script

from pipelines.paths import REPO_ROOT

os.environ.setdefault("DLT_PROJECT_DIR", str(REPO_ROOT))  # find .dlt/ from any directory

from dlt.extract.source import DltSource

from pipelines.cli import make_app
from pipelines.errors import MissingCredential, RunFailed
from pipelines.runner import RunOptions, SourceSpec
from pipelines.settings import default_since, require_secret, setting
from pipelines.sources.github import DEFAULT_BASE_URL, github_source
from pipelines.sources.github.deployments import parse_deployments_setting
from pipelines.sources.http import SourceError

REPO_NAME = re.compile(r"^[A-Za-z0-9_.-]+/([A-Za-z0-9_.-]+|\*)$")  # owner/name or owner/*


def configured_repos() -> list[str]:
    """`sources.github.repos` as a list of `owner/name`, checked."""
    repos = setting("sources.github.repos", expected_type=list)
    if not repos:
        raise MissingCredential(
            "no repositories configured: set SOURCES__GITHUB__REPOS to a JSON list such as "
            '\'["acme/api", "acme/web"]\' (or sources.github.repos in .dlt/config.toml).'
        )
    bad = [r for r in repos if not isinstance(r, str) or not REPO_NAME.match(r)]
    if bad:
        raise RunFailed(f"sources.github.repos: {bad} are not of the form owner/name (or owner/*).")
    return list(repos)


def make_github_source(options: RunOptions) -> DltSource:
    """The GitHub source, with its token and settings checked before any request."""
    token = require_secret(
        "sources.github.access_token", env_fallback="GITHUB_TOKEN", what="GitHub token"
    )
    org = setting("sources.github.org")
    if not org:
        raise MissingCredential(
            "no organisation configured: set SOURCES__GITHUB__ORG (or sources.github.org)."
        )
    deployments = setting("sources.github.deployments")
    try:
        parse_deployments_setting(deployments)
    except SourceError as exc:
        raise RunFailed(str(exc)) from None
    return github_source(
        deployments=deployments,
        org=org,
        repos=configured_repos(),
        access_token=token,
        base_url=setting("sources.github.base_url", DEFAULT_BASE_URL),
        since=options.since or default_since(),
        backfill=options.since is not None,
        # A full refresh reloads only what the API has now: nothing to reconcile.
        reconcile=options.reconcile and not options.full_refresh,
        full_refresh=options.full_refresh,
    )


GITHUB = SourceSpec(
    name="github",
    title="GitHub",
    make_source=make_github_source,
    endpoint=lambda: setting("sources.github.base_url", DEFAULT_BASE_URL),
)
app = make_app(GITHUB)

if __name__ == "__main__":
    app()
