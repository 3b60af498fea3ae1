"""Under Targets: where Linear's wall time goes at a latency (its chains of pages, the work of
reading), beside the target's ideal of requests × latency / concurrency."""

from __future__ import annotations

from typing import Any

from bench.report.figures import base_latency, latencies_of, scenario, sizes_of
from bench.report.format import div, ratio, secs
from bench.report.prose import prose


def why_linear_wall(results: dict[str, Any]) -> list[str]:
    concurrency = (results.get("settings") or {}).get("linear_concurrency")
    lines = ["### Linear wall time at latency: where it goes", ""]
    found = False
    for size, entry in sizes_of(results):
        base = (scenario(entry, base_latency(entry), "linear") or {}).get("full") or {}
        for lat in latencies_of(entry):
            full = (scenario(entry, lat, "linear") or {}).get("full") or {}
            if float(lat) <= 0 or not concurrency or not full.get("ok") or "chains" not in full:
                continue
            found = True
            run, seconds = full["run"], float(lat) / 1000
            stages = run.get("stage_seconds") or {}
            ideal = full["requests"] * seconds / concurrency
            chain = full["longest_chain"]
            windowed = {
                name: e for name, e in full["entities"].items() if (e.get("windows") or 0) > 1
            }
            base_ok = float(base_latency(entry)) <= 0 and base.get("ok")
            lines += prose(
                "targets",
                "linear_wall",
                size=size,
                latency=lat,
                wall=secs(run["wall_s"]),
                extract=secs(stages.get("extract")),
                normalize=secs(stages.get("normalize")),
                load=secs(stages.get("load")),
                outside=secs(run["wall_s"] - sum(stages.values())),
                requests=f"{full['requests']:,}",
                concurrency=concurrency,
                ideal=secs(ideal),
                windows=max((e["windows"] for e in windowed.values()), default=0),
                windowed=", ".join(f"`{name}`" for name in windowed),
                window_price=sum(e.get("window_price", 0) for e in windowed.values()),
                chain=f"{chain:,}",
                chain_name=full["longest_chain_name"],
                chain_s=secs(chain * seconds),
                mean=f"{full['server']['mean']:.1f}",
                peak=full["server"]["peak"],
                of_ideal=ratio(div(stages.get("extract"), max(ideal, chain * seconds))),
                extract_base=secs((base.get("run") or {}).get("stage_seconds", {}).get("extract"))
                if base_ok
                else "",
            )
    if not found:
        return []
    return [*lines, "", *prose("targets", "linear_wall_remedy"), ""]
