"""Write the engineering-metrics report from the marts: one self-contained HTML file.

python pipelines/report.py --help
"""

from __future__ import annotations

import os
import sys
from pathlib import Path
from typing import Annotated

REPO_ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO_ROOT))
os.environ.setdefault("DLT_PROJECT_DIR", str(REPO_ROOT))

import typer  # noqa: E402

from pipelines import runner  # noqa: E402
from pipelines.reporting.render import render_report  # noqa: E402
from pipelines.runner import Destination  # noqa: E402

app = typer.Typer(add_completion=False, pretty_exceptions_enable=False)


@app.command()
def main(
    destination: Annotated[
        Destination,
        typer.Option(envvar="DESTINATION", help="Where the marts are: the local DuckDB file."),
    ] = Destination.duckdb,
    weeks: Annotated[int, typer.Option(min=1, help="How many recent weeks each chart shows.")] = 12,
    out: Annotated[Path, typer.Option(help="Where to write the HTML file.")] = Path("report.html"),
) -> None:
    """Write the report (DuckDB only so far)."""
    if destination is not Destination.duckdb:
        typer.echo("error: the report reads only the DuckDB file so far.", err=True)
        raise typer.Exit(code=1)
    path = runner.duckdb_path()
    if not path.exists():
        typer.echo(f"error: no DuckDB file at {path}; run `make demo` or a sync first.", err=True)
        raise typer.Exit(code=1)
    typer.echo(f"report written to {render_report(path, out, weeks).resolve()}")


if __name__ == "__main__":
    app()
