"""`python -m bench [--quick] [--out PATH] [--scenarios ...]`: run the scenarios, print the
figures as they come, write the Markdown report (and, with --json, every figure as JSON)."""

from __future__ import annotations

import argparse
import json
import os
import shutil
import sys
import tempfile
import time
from dataclasses import asdict
from pathlib import Path
from typing import Any

from bench.machine import machine_info
from bench.process import REPO_ROOT
from bench.report import render
from bench.workspace import (
    base_env,
    configured_extract_workers,
    configured_github_concurrency,
    use_bytecode_cache,
)
from sandbox.company import SIZES

SCENARIOS = ("linear", "github", "lower-bound", "scaling")
QUICK_SCENARIOS = ("linear", "github", "lower-bound")
DEFAULT_OUT = REPO_ROOT / "bench" / "REPORT.md"


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        prog="python -m bench",
        description=(
            "Benchmarks of the Linear and GitHub pipelines against the local sandbox: requests "
            "beside the theoretical minimum, time per stage, rows/s, peak memory. Writes a "
            "Markdown report."
        ),
    )
    parser.add_argument(
        "--quick",
        action="store_true",
        help="Tiny sizes and no scaling sweep: a smoke run well under a minute.",
    )
    parser.add_argument(
        "--out", type=Path, default=DEFAULT_OUT, help="Markdown report (default: bench/REPORT.md)."
    )
    parser.add_argument("--json", type=Path, help="Also write every figure to this JSON file.")
    parser.add_argument(
        "--scenarios",
        help=f"Comma-separated, from {', '.join(SCENARIOS)} (default: all; --quick: "
        f"{', '.join(QUICK_SCENARIOS)}).",
    )
    parser.add_argument(
        "--linear-size", choices=list(SIZES), help="Linear workspace size (default medium)."
    )
    parser.add_argument(
        "--github-size",
        choices=list(SIZES),
        help="GitHub org size (default medium; large needs more than the sandbox's 5,000 "
        "requests an hour for one full sync).",
    )
    parser.add_argument(
        "--latencies",
        default="0,100",
        help="Simulated GitHub latencies in ms, comma-separated (default 0,100).",
    )
    parser.add_argument(
        "--scaling-sizes",
        default="tiny,small",
        help="Sizes of the scaling sweep besides the main size (default tiny,small).",
    )
    parser.add_argument("--seed", type=int, default=7, help="Sandbox seed (default 7).")
    parser.add_argument(
        "--issue-changes", type=int, default=100, help="Linear: mutate_issues(N) (default 100)."
    )
    parser.add_argument(
        "--new-comments", type=int, default=50, help="Linear: add_comments(N) (default 50)."
    )
    parser.add_argument(
        "--pr-changes",
        type=int,
        default=5,
        help="GitHub: N each of add_reviews, add_review_comments, add_issue_comments and "
        "merge_pulls (default 5: 20 changes).",
    )
    parser.add_argument(
        "--repeats", type=int, default=3, help="Direct-insert lower bound: best of N (default 3)."
    )
    parser.add_argument(
        "--cold",
        action="store_true",
        help="Run with the caller's bytecode settings and no warm-up (in an environment with "
        "PYTHONDONTWRITEBYTECODE=1, every run then recompiles what it imports).",
    )
    parser.add_argument(
        "--work-dir",
        type=Path,
        help="Keep the runs' DuckDB files, dlt dirs and logs here (default: a temp dir, removed).",
    )
    args = parser.parse_args(argv)
    default_size = "tiny" if args.quick else "medium"
    args.linear_size = args.linear_size or default_size
    args.github_size = args.github_size or default_size
    chosen = (args.scenarios or ",".join(QUICK_SCENARIOS if args.quick else SCENARIOS)).split(",")
    chosen = [s.strip() for s in chosen if s.strip()]
    unknown = [s for s in chosen if s not in SCENARIOS]
    if unknown:
        parser.error(f"unknown scenarios {unknown}; choose from {', '.join(SCENARIOS)}")
    args.scenarios = [s for s in SCENARIOS if s in chosen]
    args.latencies = [float(x) for x in args.latencies.split(",") if x.strip()]
    args.scaling_sizes = [
        s.strip()
        for s in args.scaling_sizes.split(",")
        if s.strip() and s.strip() not in (args.linear_size, args.github_size)
    ]
    bad = [s for s in args.scaling_sizes if s not in SIZES]
    if bad:
        parser.error(f"unknown sizes {bad}; choose from {', '.join(SIZES)}")
    return args


def say(text: str) -> None:
    print(text, flush=True)


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    started = time.monotonic()
    work_dir = args.work_dir or Path(tempfile.mkdtemp(prefix="bench-"))
    work_dir.mkdir(parents=True, exist_ok=True)
    if not args.cold:
        use_bytecode_cache(work_dir / "pycache")
    env = base_env(work_dir)
    results: dict[str, Any] = {
        "machine": machine_info(),
        "settings": {
            "quick": args.quick,
            "scenarios": args.scenarios,
            "seed": args.seed,
            "linear_size": args.linear_size,
            "github_size": args.github_size,
            "latencies": args.latencies,
            "scaling_sizes": args.scaling_sizes,
            "linear_size_details": {name: _describe(name, LINEAR_FIELDS) for name in SIZES},
            "github_size_details": {name: _describe(name, GITHUB_FIELDS) for name in SIZES},
            "extract_workers": configured_extract_workers(env),
            "github_concurrency": configured_github_concurrency(env),
            "cold": args.cold,
            "caller_dont_write_bytecode": bool(os.environ.get("PYTHONDONTWRITEBYTECODE")),
        },
    }
    say(
        f"bench: scenarios {', '.join(args.scenarios)}; Linear {args.linear_size}, GitHub "
        f"{args.github_size}; work dir {work_dir}"
    )
    failures: list[str] = []
    try:
        if not args.cold:
            from bench.warmup import run_warmup

            results["warmup"] = run_warmup(seed=args.seed, work_dir=work_dir, say=say)
            failures += [f"warm-up {k}" for k, v in results["warmup"].items() if not v["ok"]]
        if "linear" in args.scenarios:
            from bench.linear import run_linear

            results["linear"] = run_linear(
                size=args.linear_size,
                seed=args.seed,
                work_dir=work_dir,
                say=say,
                mutate_issues=args.issue_changes,
                add_comments=args.new_comments,
            )
            failures += [
                f"linear {k}"
                for k in ("full", "incremental", "noop")
                if k in results["linear"] and not results["linear"][k]["ok"]
            ]
        if "github" in args.scenarios:
            from bench.github import run_github

            results["github"] = {}
            for latency in args.latencies:
                gh = run_github(
                    size=args.github_size,
                    seed=args.seed,
                    latency_ms=latency,
                    work_dir=work_dir,
                    say=say,
                    per_mutation=args.pr_changes,
                )
                results["github"][f"{latency:g}"] = gh
                failures += [
                    f"github {k} {latency:g} ms" for k in ("full", "incremental") if not gh[k]["ok"]
                ]
        if "lower-bound" in args.scenarios:
            from bench.lower_bound import run_lower_bound

            results["lower_bound"] = run_lower_bound(
                size=args.linear_size,
                seed=args.seed,
                work_dir=work_dir,
                say=say,
                repeats=args.repeats,
            )
            if not results["lower_bound"]["issues_only"]["ok"]:
                failures.append("linear issues only")
        if "scaling" in args.scenarios and args.scaling_sizes:
            from bench.scaling import run_scaling

            results["scaling"] = run_scaling(
                sizes=args.scaling_sizes, seed=args.seed, work_dir=work_dir, say=say
            )
            failures += [
                f"scaling {source} {size}"
                for source, by_size in results["scaling"].items()
                for size, entry in by_size.items()
                if not entry["ok"]
            ]
    finally:
        if args.work_dir is None:
            shutil.rmtree(work_dir, ignore_errors=True)

    results["elapsed_s"] = time.monotonic() - started
    results["failures"] = failures
    report = render(results)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(report)
    if args.json:
        args.json.parent.mkdir(parents=True, exist_ok=True)
        args.json.write_text(json.dumps(results, indent=2, default=str))
    say(f"bench: report written to {args.out} ({results['elapsed_s']:.0f} s)")
    if failures:
        say(f"bench: FAILED runs: {', '.join(failures)}")
        return 1
    return 0


LINEAR_FIELDS = ("issues", "comments", "teams", "users", "cycles_per_team", "projects", "labels")
GITHUB_FIELDS = ("repos", "pulls", "users")


def _describe(name: str, fields: tuple[str, ...]) -> str:
    size = asdict(SIZES[name])
    return ", ".join(f"{k.replace('_', ' ')} {size[k]:,}" for k in fields)


if __name__ == "__main__":
    sys.exit(main())
