"""Reading the bench results: sizes, latencies, scenarios, runs, and the targets' limits."""

from __future__ import annotations

from typing import Any

#: The memory target's limit: 1 GB read strictly, 10^9 bytes (954 MiB), in KiB.
MEMORY_LIMIT_KIB = 1_000_000_000 / 1024


#: "Not growing": the largest size's peak within this factor of the smallest's.
FLAT_MEMORY = 1.20  # issue 17: peak RSS large / small


NORMALIZE_LOAD_LIMIT = 2.0


GITHUB_WALL_LIMIT = 1.3  # issue 17 (issue 6 asked 1.5)


LINEAR_WALL_LIMIT = 2.0  # issue 17: Linear full sync wall / (requests x latency / concurrency)


SOURCES = (("linear", "Linear"), ("github", "GitHub"))


def sizes_of(results: dict[str, Any]) -> list[tuple[str, dict[str, Any]]]:
    """(size, its results), smallest first."""
    return list((results.get("sizes") or {}).items())


def latencies_of(entry: dict[str, Any]) -> list[str]:
    return list(entry.get("latencies") or {})


def base_latency(entry: dict[str, Any]) -> str:
    return latencies_of(entry)[0]


def scenario(entry: dict[str, Any], latency: str, source: str) -> dict[str, Any] | None:
    return (entry.get("latencies") or {}).get(latency, {}).get(source)


def run_of(entry: dict[str, Any], latency: str, source: str, key: str) -> dict[str, Any] | None:
    """The run dict of one sync (None when it did not run)."""
    found = scenario(entry, latency, source)
    if not found or key not in found:
        return None
    return found[key]["run"]


def normalize_load(run: dict[str, Any] | None) -> float | None:
    stages = (run or {}).get("stage_seconds") or {}
    if "normalize" not in stages or "load" not in stages:
        return None
    return stages["normalize"] + stages["load"]


def peak(run: dict[str, Any] | None) -> int | None:
    return None if not run else run.get("max_rss_kib")


def memory_size(results: dict[str, Any]) -> tuple[str, dict[str, Any]] | None:
    """The size the memory target is judged at: 50,000 issues if it ran, else the largest."""
    found = sizes_of(results)
    if not found:
        return None
    exact = [(s, e) for s, e in found if (e.get("spec") or {}).get("issues") == 50_000]
    return exact[0] if exact else found[-1]


STAGES = ("startup", "extract", "normalize", "load")


def stage_increments(run: dict[str, Any]) -> dict[str, int] | None:
    """How much each stage raised the run's (sampled) memory high-water mark, KiB: start-up's
    own level, then what extract, normalize and load added on top of everything before them
    (memory a stage frees mostly stays with the process, so later stages start from there)."""
    peaks = run.get("stage_peak_rss_kib") or {}
    if "startup" not in peaks:
        return None
    out: dict[str, int] = {"startup": peaks["startup"]}
    high = peaks["startup"]
    for stage in STAGES[1:]:
        now = max(high, peaks.get(stage, 0))
        out[stage] = now - high
        high = now
    return out


def runs_of(entry: dict[str, Any]) -> list[tuple[str, dict[str, Any]]]:
    runs = []
    for lat in latencies_of(entry):
        for source, title in SOURCES:
            found = scenario(entry, lat, source)
            for key in ("full", "incremental", "noop"):
                if found and key in found:
                    runs.append((f"{title} {key}, {lat} ms", found[key]["run"]))
        d = scenario(entry, lat, "dbt")
        if d:
            runs.append((f"dbt build, {lat} ms", d["run"]))
    return runs
