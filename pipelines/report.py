"""Write the engineering-metrics report from the marts: one self-contained HTML file.

python pipelines/report.py --help
"""

from __future__ import annotations

import os
import sys
from pathlib import Path
from typing import Annotated

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # run as a script

from pipelines.paths import REPO_ROOT

os.environ.setdefault("DLT_PROJECT_DIR", str(REPO_ROOT))

import typer

from pipelines.destination import Destination, duckdb_path
from pipelines.errors import RunFailed
from pipelines.reporting.marts import DuckDbMarts, Marts, bigquery_marts
from pipelines.reporting.render import render_report

app = typer.Typer(add_completion=False, pretty_exceptions_enable=False)


def open_marts(destination: Destination) -> Marts:
    """The warehouse to read: the local DuckDB file, or BigQuery with the pipelines'
    credentials (GCP_PROJECT_ID + GCP_SA_KEY, or dlt's DESTINATION__BIGQUERY__CREDENTIALS__*)."""
    if destination is Destination.bigquery:
        return bigquery_marts()
    path = duckdb_path()
    if not path.exists():
        raise RunFailed(f"no DuckDB file at {path}; run `make demo` or a sync first.")
    return DuckDbMarts(path)


@app.command()
def main(
    destination: Annotated[
        Destination,
        typer.Option(
            envvar="DESTINATION",
            help="Where the marts are: the local DuckDB file, or BigQuery (same credentials "
            "as the pipelines).",
        ),
    ] = Destination.duckdb,
    weeks: Annotated[
        int, typer.Option(min=1, help="How many recent weeks the report covers.")
    ] = 12,
    out: Annotated[Path, typer.Option(help="Where to write the HTML file.")] = Path("report.html"),
) -> None:
    """Write the report: headline and DORA tiles, delivery, pull request stages, review load,
    Linear states and cycles, data freshness; one HTML file that opens offline."""
    try:
        marts = open_marts(destination)
        try:
            written = render_report(marts, out, weeks)
        finally:
            marts.close()
    except RunFailed as exc:
        typer.echo(f"error: {exc}", err=True)
        raise typer.Exit(code=1) from None
    typer.echo(f"report written to {written.resolve()}")


if __name__ == "__main__":
    app()
