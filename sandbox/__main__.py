"""`python -m sandbox`: serve both imitation APIs until interrupted, and print the environment
that points the pipelines at them."""

from __future__ import annotations

import contextlib
import shlex
import signal
import threading
from pathlib import Path
from typing import Annotated, Optional

import typer

from sandbox import Sandbox
from sandbox.company import SIZES

app = typer.Typer(add_completion=False, pretty_exceptions_enable=False)


@app.command()
def serve(
    size: Annotated[str, typer.Option(help=f"Company size: {', '.join(SIZES)}.")] = "small",
    seed: Annotated[int, typer.Option(help="Seed of the synthetic company.")] = 7,
    linear_port: Annotated[int, typer.Option(help="Linear API port (0: any free port).")] = 0,
    github_port: Annotated[int, typer.Option(help="GitHub API port (0: any free port).")] = 0,
    latency_ms: Annotated[float, typer.Option(help="Simulated latency per request.")] = 0,
    env_file: Annotated[
        Optional[Path],  # noqa: UP045 - typer reads the annotation at run time
        typer.Option(help="Also write the `export` lines to this file once serving."),
    ] = None,
) -> None:
    """Serve the Linear GraphQL and GitHub REST and GraphQL imitations of one synthetic
    company on 127.0.0.1, until Ctrl-C or SIGTERM."""
    if size not in SIZES:
        raise typer.BadParameter(f"unknown size {size!r}; choose from {', '.join(SIZES)}")
    box = Sandbox(
        seed=seed,
        size=size,
        latency_ms=latency_ms,
        linear_port=linear_port,
        github_port=github_port,
    )
    stop = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: stop.set())
    with box:
        exports = "".join(f"export {k}={shlex.quote(v)}\n" for k, v in box.env().items())
        if env_file is not None:
            env_file.write_text(exports)
        typer.echo(f"# sandbox serving ({size}, seed {seed}); Ctrl-C to stop")
        typer.echo(f"# GitHub GraphQL API: {box.github.graphql_url}")
        typer.echo(exports, nl=False)
        with contextlib.suppress(KeyboardInterrupt):
            stop.wait()


if __name__ == "__main__":
    app()
