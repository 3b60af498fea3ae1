"""Allocators that give memory back: a run's peak stays near what it uses, not what it touched.

Two allocators in a pipeline's process keep freed memory for reuse instead of returning it, so
the peak grows with the rows a load passes through even when they are never held at once:
- pyarrow's default pool (mimalloc or jemalloc) holds the pages of every Arrow table the
  extract built and the normalizer wrote; the system allocator frees them as tables go;
- glibc gives each thread that allocates (dlt's extract pool, DuckDB's threads) an arena of its
  own, up to eight per core, each keeping its free memory; two arenas bound that.

Measured by `make bench` (peak RSS of a full sync, the large company beside the small one).
A value the user set (`ARROW_DEFAULT_MEMORY_POOL`, `MALLOC_ARENA_MAX`) is left as it is.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import logging
import os

import pyarrow as pa

log = logging.getLogger("pipelines")

#: glibc's `mallopt` parameter for the most arenas malloc creates (malloc.h: M_ARENA_MAX).
M_ARENA_MAX = -8
MALLOC_ARENAS = 2


def use_returning_allocators() -> dict[str, str | int]:
    """Switch this process to allocators that return freed memory (see the module docstring);
    what was switched (nothing where the user chose, or where glibc is not the C library)."""
    applied: dict[str, str | int] = {}
    if "ARROW_DEFAULT_MEMORY_POOL" not in os.environ:
        pa.set_memory_pool(pa.system_memory_pool())
        applied["arrow_memory_pool"] = pa.default_memory_pool().backend_name
    if "MALLOC_ARENA_MAX" not in os.environ and _glibc_mallopt(M_ARENA_MAX, MALLOC_ARENAS):
        applied["malloc_arena_max"] = MALLOC_ARENAS
    if applied:
        log.debug("allocators: %s", applied)
    return applied


def _glibc_mallopt(param: int, value: int) -> bool:
    """`mallopt(param, value)` where the C library is glibc; whether it took."""
    name = ctypes.util.find_library("c")
    if not name:
        return False
    try:
        libc = ctypes.CDLL(name)
        mallopt = libc.mallopt
        libc.gnu_get_libc_version  # noqa: B018 - glibc only: musl has mallopt as a stub
    except (OSError, AttributeError):
        return False
    mallopt.argtypes = [ctypes.c_int, ctypes.c_int]
    mallopt.restype = ctypes.c_int
    return bool(mallopt(param, value))
