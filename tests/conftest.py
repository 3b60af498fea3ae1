"""Shared test fixtures: the sandbox (`sandbox.pytest_plugin`), and workspaces that run the
pipelines' CLI as real subprocesses against it with a fresh DuckDB file and dlt data dir per
test (`tests.support.workspace`)."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from sandbox import Sandbox
from tests.support.workspace import Workspace, base_env

pytest_plugins = ["sandbox.pytest_plugin"]


@pytest.fixture
def workspace_factory(tmp_path: Path) -> Callable[[Sandbox | None], Workspace]:
    counter = iter(range(1000))

    def make(box: Sandbox | None = None) -> Workspace:
        root = tmp_path / f"ws{next(counter)}"
        root.mkdir()
        return Workspace(root, base_env(root, box))

    return make


@pytest.fixture
def workspace(
    workspace_factory: Callable[[Sandbox | None], Workspace], sandbox: Sandbox
) -> Workspace:
    """A workspace pointed at the (tiny, fresh) sandbox."""
    return workspace_factory(sandbox)
