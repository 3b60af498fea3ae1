"""How many rate-limit windows a first load needs at the real APIs' budgets, and the wall time
a window's worth of work takes, computed from each size's measured full sync (requests, Linear
complexity points, wall time at the base latency)."""

from __future__ import annotations

import math
from typing import Any

#: The budgets the APIs state: Linear for API keys (requests, complexity points an hour);
#: GitHub's REST core budget (requests an hour).
LINEAR_REQUESTS_PER_HOUR = 2_500
LINEAR_COMPLEXITY_PER_HOUR = 3_000_000
GITHUB_REQUESTS_PER_HOUR = 5_000


def windows(source: str, full: dict[str, Any]) -> tuple[int, float | None]:
    """(windows a first load needs, wall seconds to spend one window's budget)."""
    requests = int(full.get("requests") or 0)
    wall = (full.get("run") or {}).get("wall_s")
    if source == "linear":
        points = int(full.get("complexity") or 0)
        by_requests = requests / LINEAR_REQUESTS_PER_HOUR
        by_points = points / LINEAR_COMPLEXITY_PER_HOUR
        share = max(by_requests, by_points)
    else:
        share = requests / GITHUB_REQUESTS_PER_HOUR
    needed = max(math.ceil(share), 1)
    per_window = None if wall is None or share <= 0 else wall / share
    return needed, per_window


def section(results: dict[str, Any]) -> list[str]:
    """The report's section (Markdown lines)."""
    from bench.report.figures import base_latency, sizes_of  # the report imports this module
    from bench.report.format import secs, table
    from bench.report.prose import prose

    rows = []
    for size, entry in sizes_of(results):
        latency = base_latency(entry)
        for source, title in (("linear", "Linear"), ("github", "GitHub")):
            found = (entry.get("latencies") or {}).get(latency, {}).get(source)
            if not found or not (found.get("full") or {}).get("ok", True):
                continue
            needed, per_window = windows(source, found["full"])
            rows.append(
                [size, title, found["full"].get("requests"), needed, secs(per_window, 1), latency]
            )
    if not rows:
        return []
    return [
        "## First loads in rate-limit windows",
        "",
        *prose(
            "sources",
            "windows",
            linear_requests=f"{LINEAR_REQUESTS_PER_HOUR:,}",
            linear_points=f"{LINEAR_COMPLEXITY_PER_HOUR:,}",
            github_requests=f"{GITHUB_REQUESTS_PER_HOUR:,}",
        ),
        "",
        *table(["size", "source", "requests", "windows", "wall s per window", "latency ms"], rows),
        "",
    ]
