"""One company size at every latency: a fresh sandbox (both APIs, one seed) per latency; Linear
(full, incremental, no-change) and GitHub (full, incremental) into one DuckDB file, each source
with its own dlt data dir, as `make sync` does. At the lowest latency also: the dbt build on
both sources, the straight-insert lower bound of each source's full sync, and the gap
experiment on the Linear issues; last, what `--reconcile` costs (`reconcile.py`)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import asdict
from pathlib import Path
from typing import Any

from bench.dbt import run_dbt
from bench.footprint import sync_window_kib
from bench.github import run_github
from bench.linear import run_linear
from bench.lower_bound import export_tables, run_direct, run_gap
from bench.reconcile import reconcile_failures, run_reconcile
from bench.report_html import run_report
from bench.workspace import Workspace
from sandbox import SIZES, Sandbox

Say = Callable[[str], None]

#: The GitHub sandbox's hourly request budget. Its default (5,000, GitHub's own) is less than
#: one full sync of the large org (~10,500 requests); raised so the syncs measure speed, not
#: waiting for a reset; Linear's likewise.
GITHUB_REQUESTS_PER_HOUR = 100_000
LINEAR_REQUESTS_PER_HOUR = 100_000
#: Linear's complexity budget, raised likewise: the large workspace's first load with issue
#: history needs more than Linear's 3,000,000 points an hour (the windows it needs at the real
#: budgets are in the report: windows.py).
LINEAR_COMPLEXITY_PER_HOUR = 100_000_000


def run_size(
    *,
    size: str,
    latencies: list[float],
    seed: int,
    work_dir: Path,
    say: Say,
    dbt: bool = True,
    lower_bound: bool = True,
    mutate_issues: int = 100,
    add_comments: int = 50,
    per_mutation: int = 5,
    repeats: int = 3,
) -> dict[str, Any]:
    out: dict[str, Any] = {"size": size, "spec": asdict(SIZES[size]), "latencies": {}}
    base = min(latencies)
    failures: list[str] = []
    for latency in latencies:
        key = f"{latency:g}"
        name = f"{size} {key} ms"
        root = work_dir / size / f"{key}ms"
        warehouse = root / "warehouse.duckdb"
        exports: dict[str, list[dict[str, Any]]] = {}
        measure_extras = latency == base

        def exporter(
            dataset: str,
            root: Path = root,
            warehouse: Path = warehouse,
            exports: dict[str, list[dict[str, Any]]] = exports,
        ) -> None:
            exports[dataset] = export_tables(warehouse, dataset, root / "export" / dataset)

        box = Sandbox(
            seed=seed,
            size=size,
            latency_ms=latency,
            github_options={"requests_per_hour": GITHUB_REQUESTS_PER_HOUR},
            # The bench measures one whole sync: no budget window may stop it (the windows a
            # first load needs at the real budgets are computed from its counts: windows.py).
            linear_options={
                "requests_per_hour": LINEAR_REQUESTS_PER_HOUR,
                "complexity_per_hour": LINEAR_COMPLEXITY_PER_HOUR,
            },
        ).start()
        try:
            entry: dict[str, Any] = {}
            linear_ws = Workspace(root / "linear", box, shared_duckdb=warehouse)
            github_ws = Workspace(root / "github", box, shared_duckdb=warehouse)
            entry["linear"] = run_linear(
                box=box,
                ws=linear_ws,
                say=say,
                name=f"{name} linear",
                mutate_issues=mutate_issues,
                add_comments=add_comments,
                after_full=(lambda: exporter("linear")) if lower_bound and measure_extras else None,
            )
            failures += [
                f"{name} linear {k}"
                for k in ("full", "incremental", "noop")
                if k in entry["linear"] and not entry["linear"][k]["ok"]
            ]
            entry["github"] = run_github(
                box=box,
                ws=github_ws,
                latency_ms=latency,
                say=say,
                name=f"{name} github",
                per_mutation=per_mutation,
                after_full=(lambda: exporter("github")) if lower_bound and measure_extras else None,
            )
            failures += [
                f"{name} github {k}"
                for k in ("full", "incremental")
                if not entry["github"][k]["ok"]
            ]
            if dbt and measure_extras:
                dbt_workspace = Workspace(root / "dbt", box, shared_duckdb=warehouse)
                entry["dbt"] = run_dbt(dbt_workspace, say, name)
                if not entry["dbt"]["ok"]:
                    failures.append(f"{name} dbt build")
                else:
                    out["report"] = run_report(
                        warehouse, dbt_workspace.env, root / "report.html", say, name
                    )
                    if not out["report"]["ok"]:
                        failures.append(f"{name} report")
            truth_issues = box.linear.workspace.truth("issues") if lower_bound else []
            if measure_extras:
                data = box.linear.workspace
                out["sync_window_kib"] = sync_window_kib(
                    {e: data.truth(e) for e in ("issues", "comments")}
                )
                # Last: its deletes must not change what the figures above measured.
                entry["reconcile"] = run_reconcile(
                    box=box, linear=linear_ws, github=github_ws, say=say, name=name
                )
                failures += reconcile_failures(entry["reconcile"], name)
        finally:
            box.stop()
        out["latencies"][key] = entry

        if lower_bound and measure_extras:
            bound: dict[str, Any] = {"latency": key}
            for dataset, tables in exports.items():
                result = run_direct(tables, root / "direct" / dataset, f"direct-{dataset}", repeats)
                bound[dataset] = result
                if not result["ok"]:
                    failures.append(f"{name} direct insert {dataset}")
                    say(f"{name} direct insert {dataset}: FAILED\n{result['output_tail']}")
                    continue
                full = entry[dataset]["full"]["run"]["stage_seconds"]
                ours = full.get("normalize", 0.0) + full.get("load", 0.0)
                say(
                    f"{name} lower bound {dataset}: {result['rows']:,} rows in "
                    f"{len(tables)} tables straight into DuckDB in {result['best_s']:.2f} s "
                    f"({result['best_method']}); the full sync's normalize + load {ours:.2f} s "
                    f"= {ours / result['best_s']:.1f}x"
                )
            out["lower_bound"] = bound
            out["gap"] = run_gap(truth_issues, root / "gap", say, name, repeats)
            if not out["gap"]["ok"]:
                failures.append(f"{name} gap experiment")
    out["failures"] = failures
    return out
