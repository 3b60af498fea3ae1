"""Build the dbt models: all of them (what `make run` and the daily workflow's last job do),
or one named selection.

    python pipelines/transform.py --help
"""

from __future__ import annotations

import os
import sys
from pathlib import Path
from typing import Annotated, Optional

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # run as a script

from pipelines.paths import REPO_ROOT

os.environ.setdefault("DLT_PROJECT_DIR", str(REPO_ROOT))  # find .dlt/ from any directory

import typer

from pipelines import transformations
from pipelines.destination import Destination, duckdb_path
from pipelines.errors import RunFailed
from pipelines.logging_setup import LogLevel, configure_logging

app = typer.Typer(add_completion=False, pretty_exceptions_enable=False)


@app.command()
def main(
    destination: Annotated[
        Destination,
        typer.Option(
            envvar="DESTINATION",
            help="Where the models are built: the local DuckDB file or BigQuery.",
        ),
    ] = Destination.duckdb,
    selector: Annotated[
        Optional[str],  # noqa: UP045 - typer reads the annotation at run time
        typer.Option(help="A selector of dbt/selectors.yml (linear, github); default: everything."),
    ] = None,
    log_level: Annotated[LogLevel, typer.Option(help="How much to log on stderr.")] = LogLevel.info,
) -> None:
    """Build the dbt project (seeds, models, tests) on the loaded raw data."""
    configure_logging(log_level)
    try:
        summary = transformations.build(
            destination.value,
            selector=selector,
            duckdb_file=duckdb_path() if destination is Destination.duckdb else None,
        )
    except RunFailed as exc:
        typer.echo(f"error: dbt build failed. {exc}", err=True)
        raise typer.Exit(code=1) from None
    typer.echo(summary.render().strip())


if __name__ == "__main__":
    app()
