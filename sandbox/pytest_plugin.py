"""pytest fixtures for the sandbox: `sandbox` (a started tiny company, fresh per test) and
`sandbox_factory` (build your own size, seed or latency; stopped after the test)."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import pytest

from sandbox import Sandbox


@pytest.fixture
def sandbox_factory() -> Iterator[Callable[..., Sandbox]]:
    started: list[Sandbox] = []

    def make(**options: Any) -> Sandbox:
        box = Sandbox(**options).start()
        started.append(box)
        return box

    yield make
    for box in started:
        box.stop()


@pytest.fixture
def sandbox(sandbox_factory: Callable[..., Sandbox]) -> Sandbox:
    return sandbox_factory()
