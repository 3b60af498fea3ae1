"""The run's allocators: pyarrow's pool and glibc's arenas switched to return freed memory,
unless the user chose (each case in a fresh interpreter: both are process-wide)."""

from __future__ import annotations

import json
import os
import platform
import subprocess
import sys

import pytest

PROBE = (
    "import json, pyarrow as pa; from pipelines.process_memory import use_returning_allocators;"
    " applied = use_returning_allocators();"
    " print(json.dumps({'applied': applied, 'pool': pa.default_memory_pool().backend_name}))"
)


def _probe(**env: str) -> dict[str, object]:
    clean = {
        k: v
        for k, v in os.environ.items()
        if k not in ("ARROW_DEFAULT_MEMORY_POOL", "MALLOC_ARENA_MAX")
    }
    out = subprocess.run(
        [sys.executable, "-c", PROBE],
        env={**clean, **env},
        capture_output=True,
        text=True,
        check=True,
    )
    return json.loads(out.stdout)  # type: ignore[no-any-return]


def test_switches_arrow_to_the_system_pool_and_caps_glibc_arenas() -> None:
    result = _probe()
    assert result["pool"] == "system"
    expected = {"arrow_memory_pool": "system"}
    if platform.libc_ver()[0] == "glibc":
        expected["malloc_arena_max"] = 2  # type: ignore[assignment]
    assert result["applied"] == expected


@pytest.mark.parametrize(
    ("env", "untouched"),
    [
        ({"ARROW_DEFAULT_MEMORY_POOL": "mimalloc"}, "arrow_memory_pool"),
        ({"MALLOC_ARENA_MAX": "4"}, "malloc_arena_max"),
    ],
)
def test_leaves_what_the_user_chose(env: dict[str, str], untouched: str) -> None:
    result = _probe(**env)
    assert untouched not in result["applied"]
    if "ARROW_DEFAULT_MEMORY_POOL" in env:
        assert result["pool"] == "mimalloc"
