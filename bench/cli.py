"""`python -m bench`: run the benchmark matrix, print the figures as they come, write the
Markdown report (and, with --json, every figure as JSON). `python -m bench --help` lists the
options."""

from __future__ import annotations

import json
import os
import shutil
import tempfile
import time
from dataclasses import asdict
from pathlib import Path
from typing import Annotated, Any, Optional

import typer

from bench.machine import machine_info
from bench.matrix import GITHUB_REQUESTS_PER_HOUR, run_size
from bench.process import REPO_ROOT
from bench.report import render
from bench.workspace import (
    base_env,
    configured_extract_workers,
    configured_github_concurrency,
    configured_linear_concurrency,
    use_bytecode_cache,
)
from sandbox.company import SIZES

DEFAULT_OUT = REPO_ROOT / "bench" / "REPORT.md"
DEFAULT_SIZES = "small,large"
QUICK_SIZES = "tiny"
LINEAR_FIELDS = ("issues", "comments", "teams", "users", "cycles_per_team", "projects", "labels")
GITHUB_FIELDS = ("repos", "pulls", "users")

app = typer.Typer(add_completion=False, pretty_exceptions_enable=False)


def say(text: str) -> None:
    print(text, flush=True)


@app.command()
def main(
    quick: Annotated[
        bool,
        typer.Option(
            "--quick", help=f"Smoke run: size {QUICK_SIZES} only (about a minute or two)."
        ),
    ] = False,
    sizes: Annotated[
        Optional[str],  # noqa: UP045 - typer reads the annotation at run time
        typer.Option(
            help=f"Company sizes, comma-separated, from {', '.join(SIZES)} (default "
            f"{DEFAULT_SIZES}; --quick: {QUICK_SIZES}).",
        ),
    ] = None,
    latencies: Annotated[
        str, typer.Option(help="Simulated API latencies in ms, comma-separated.")
    ] = "0,100",
    out: Annotated[Path, typer.Option(help="The Markdown report.")] = DEFAULT_OUT,
    json_out: Annotated[
        Optional[Path],  # noqa: UP045
        typer.Option("--json", help="Also write every figure to this JSON file."),
    ] = None,
    seed: Annotated[int, typer.Option(help="Sandbox seed.")] = 7,
    dbt: Annotated[
        bool, typer.Option("--dbt/--no-dbt", help="Time the dbt build (per size).")
    ] = True,
    lower_bound: Annotated[
        bool,
        typer.Option(
            "--lower-bound/--no-lower-bound",
            help="Time the straight DuckDB inserts and the gap experiment (per size).",
        ),
    ] = True,
    issue_changes: Annotated[int, typer.Option(help="Linear: mutate_issues(N).")] = 100,
    new_comments: Annotated[int, typer.Option(help="Linear: add_comments(N).")] = 50,
    pr_changes: Annotated[
        int,
        typer.Option(
            help="GitHub: N each of add_reviews, add_review_comments, add_issue_comments and "
            "merge_pulls."
        ),
    ] = 5,
    repeats: Annotated[int, typer.Option(help="Straight inserts: best of N.")] = 3,
    cold: Annotated[
        bool,
        typer.Option(
            "--cold",
            help="Run with the caller's bytecode settings and no warm-up (with "
            "PYTHONDONTWRITEBYTECODE=1, every run then recompiles what it imports).",
        ),
    ] = False,
    render_only: Annotated[
        Optional[Path],  # noqa: UP045
        typer.Option(
            "--render-only",
            metavar="RESULTS_JSON",
            help="Run nothing: write the report (--out) from a results file an earlier run "
            "saved with --json.",
        ),
    ] = None,
    work_dir: Annotated[
        Optional[Path],  # noqa: UP045
        typer.Option(
            help="Keep the runs' DuckDB files, dlt dirs and logs here (default: a temp dir, "
            "removed)."
        ),
    ] = None,
) -> None:
    """Benchmarks of the Linear and GitHub pipelines against the local sandbox, per company
    size and API latency: requests beside the theoretical minimum, time and rows/s per stage,
    peak memory, the dbt build, the straight-DuckDB-insert lower bound, growth from size to
    size, and the targets of issues 6 and 17. Writes a Markdown report."""
    if render_only is not None:
        _render_saved(render_only, out)
        return
    chosen = [s.strip() for s in (sizes or (QUICK_SIZES if quick else DEFAULT_SIZES)).split(",")]
    chosen = [s for s in chosen if s]
    unknown = [s for s in chosen if s not in SIZES]
    if unknown or not chosen:
        raise typer.BadParameter(f"unknown sizes {unknown}; choose from {', '.join(SIZES)}")
    chosen.sort(key=lambda s: SIZES[s].issues)
    try:
        lat = sorted({float(x) for x in latencies.split(",") if x.strip()})
    except ValueError:
        raise typer.BadParameter(f"latencies: numbers in ms, not {latencies!r}") from None
    if not lat:
        raise typer.BadParameter("give at least one latency")

    started = time.monotonic()
    root = work_dir or Path(tempfile.mkdtemp(prefix="bench-"))
    root.mkdir(parents=True, exist_ok=True)
    if not cold:
        use_bytecode_cache(root / "pycache")
    env = base_env(root)
    results: dict[str, Any] = {
        "machine": machine_info(),
        "settings": {
            "quick": quick,
            "command": _command(quick, sizes, latencies, dbt, lower_bound),
            "seed": seed,
            "sizes": chosen,
            "latencies": lat,
            "size_details": {name: _describe(name) for name in chosen},
            "extract_workers": configured_extract_workers(env),
            "github_concurrency": configured_github_concurrency(env),
            "linear_concurrency": configured_linear_concurrency(env),
            "github_requests_per_hour": GITHUB_REQUESTS_PER_HOUR,
            "dbt": dbt,
            "lower_bound": lower_bound,
            "repeats": repeats,
            "cold": cold,
            "caller_dont_write_bytecode": bool(os.environ.get("PYTHONDONTWRITEBYTECODE")),
        },
        "sizes": {},
    }
    say(
        f"bench: sizes {', '.join(chosen)}; latencies {', '.join(f'{x:g}' for x in lat)} ms; "
        f"work dir {root}"
    )
    failures: list[str] = []
    try:
        if not cold:
            from bench.warmup import run_warmup

            results["warmup"] = run_warmup(seed=seed, work_dir=root, say=say)
            failures += [f"warm-up {k}" for k, v in results["warmup"].items() if not v["ok"]]
        for size in chosen:
            size_started = time.monotonic()
            entry = run_size(
                size=size,
                latencies=lat,
                seed=seed,
                work_dir=root,
                say=say,
                dbt=dbt,
                lower_bound=lower_bound,
                mutate_issues=issue_changes,
                add_comments=new_comments,
                per_mutation=pr_changes,
                repeats=repeats,
            )
            entry["elapsed_s"] = time.monotonic() - size_started
            results["sizes"][size] = entry
            failures += entry["failures"]
            say(f"bench: size {size} done in {entry['elapsed_s']:.0f} s")
    finally:
        if work_dir is None:
            shutil.rmtree(root, ignore_errors=True)

    results["elapsed_s"] = time.monotonic() - started
    results["failures"] = failures
    if json_out:  # first: the figures survive a bug in the report
        json_out.parent.mkdir(parents=True, exist_ok=True)
        json_out.write_text(json.dumps(results, indent=2, default=str))
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(render(results))
    say(f"bench: report written to {out} ({results['elapsed_s']:.0f} s)")
    if failures:
        say(f"bench: FAILED runs: {', '.join(failures)}")
        raise typer.Exit(code=1)


def _render_saved(results_file: Path, out: Path) -> None:
    """The report of saved results (editing the report's prose or layout needs no rerun)."""
    try:
        results = json.loads(results_file.read_text())
    except (OSError, ValueError) as exc:
        raise typer.BadParameter(
            f"cannot read results from {results_file}: {exc}", param_hint="'--render-only'"
        ) from None
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(render(results))
    say(f"bench: report written to {out} from {results_file}")


def _command(quick: bool, sizes: str | None, latencies: str, dbt: bool, bound: bool) -> str:
    parts = ["python -m bench"]
    if quick:
        parts.append("--quick")
    if sizes:
        parts.append(f"--sizes {sizes}")
    if latencies != "0,100":
        parts.append(f"--latencies {latencies}")
    if not dbt:
        parts.append("--no-dbt")
    if not bound:
        parts.append("--no-lower-bound")
    return " ".join(parts)


def _describe(name: str) -> dict[str, str]:
    size = asdict(SIZES[name])
    return {
        "linear": ", ".join(f"{k.replace('_', ' ')} {size[k]:,}" for k in LINEAR_FIELDS),
        "github": ", ".join(f"{k} {size[k]:,}" for k in GITHUB_FIELDS),
    }
