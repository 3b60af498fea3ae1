"""Sync Linear into dataset `linear`, then build the dbt models that depend on it.

python pipelines/linear.py --help
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # run as a script

from pipelines.paths import REPO_ROOT

os.environ.setdefault("DLT_PROJECT_DIR", str(REPO_ROOT))  # find .dlt/ from any directory

from dlt.extract.source import DltSource

from pipelines.cli import make_app
from pipelines.runner import RunOptions, SourceSpec
from pipelines.settings import default_since, require_secret, setting
from pipelines.sources.linear import DEFAULT_API_URL, linear_source


def make_linear_source(options: RunOptions) -> DltSource:
    """The Linear source, with its key checked before any request."""
    api_key = require_secret(
        "sources.linear.api_key", env_fallback="LINEAR_API_KEY", what="Linear API key"
    )
    return linear_source(
        api_key=api_key,
        api_url=setting("sources.linear.api_url", DEFAULT_API_URL),
        since=options.since or default_since(),
        backfill=options.since is not None,
        full_refresh=options.full_refresh,
        # A full refresh reloads only what the API has now: nothing to reconcile.
        reconcile=options.reconcile and not options.full_refresh,
    )


LINEAR = SourceSpec(
    name="linear",
    title="Linear",
    make_source=make_linear_source,
    endpoint=lambda: setting("sources.linear.api_url", DEFAULT_API_URL),
)
app = make_app(LINEAR)

if __name__ == "__main__":
    app()
