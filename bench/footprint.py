"""What the Linear sync window holds during a run, rebuilt and weighed.

While an event entity (issues, comments) is read, `SyncWindow.select` records an `id -> (change
time, fingerprint)` entry for every row it sees, and dlt reads the resources round-robin, so the
maps of all entities are alive together until the extract ends. `sync_window_kib` builds the
same maps from the same rows (fresh strings, as parsed JSON would give) and measures them with
tracemalloc: the part of the extract's memory that grows with the rows read.
"""

from __future__ import annotations

import tracemalloc
from collections.abc import Mapping, Sequence
from typing import Any


def sync_window_kib(rows_by_entity: Mapping[str, Sequence[dict[str, Any]]]) -> float:
    from pipelines.sources.linear.sync_window import change_time, fingerprint

    maps: list[dict[str, tuple[str, str]]] = []
    tracemalloc.start()
    try:
        before, _ = tracemalloc.get_traced_memory()
        for entity, rows in rows_by_entity.items():
            fields = ("updatedAt", "archivedAt") if entity == "issues" else ("updatedAt",)
            seen: dict[str, tuple[str, str]] = {}
            for row in rows:
                key = "".join(row["id"])  # a new string, as each parsed page brings
                seen[key] = ("".join(change_time(row, fields)), fingerprint(row))
            maps.append(seen)
        after, _ = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    return (after - before) / 1024
