"""The command line every entry script shares: parse options, hand over to the runner."""

from __future__ import annotations

import json
import os
import sys
from datetime import datetime
from pathlib import Path
from typing import Annotated, Optional

import pendulum
import typer

from pipelines import runner
from pipelines.errors import RunFailed
from pipelines.partial_run import EXIT_PARTIAL
from pipelines.runner import Destination, LogLevel, RunOptions, SourceSpec


def parse_since(value: str | None) -> datetime | None:
    """An ISO date or datetime (UTC when no offset is given)."""
    if value is None:
        return None
    try:
        parsed = pendulum.parse(value, tz="UTC")
    except (ValueError, pendulum.parsing.exceptions.ParserError) as exc:
        raise typer.BadParameter(
            f"{value!r} is not an ISO date or datetime ({exc})", param_hint="'--since'"
        ) from exc
    if not isinstance(parsed, datetime):
        raise typer.BadParameter(
            f"{value!r} is not an ISO date or datetime", param_hint="'--since'"
        )
    return parsed


def make_app(spec: SourceSpec) -> typer.Typer:
    """A typer app that syncs `spec`'s source into its dataset, then builds its dbt models."""
    app = typer.Typer(add_completion=False, pretty_exceptions_enable=False)

    @app.command(
        help=(
            f"Sync {spec.title} into dataset '{spec.name}', then build its dbt models.\n\n"
            "Exit status: 0 complete; 1 failed (nothing from the run was loaded, no cursor "
            "moved); 2 bad usage or option; 3 stopped early on a spent rate limit or "
            "--max-duration: what was read completely is loaded (and dbt built), and the next "
            "run resumes."
        )
    )
    def main(
        destination: Annotated[
            Destination,
            typer.Option(
                envvar="DESTINATION",
                help="Where to load: the local DuckDB file or BigQuery.",
            ),
        ] = Destination.duckdb,
        full_refresh: Annotated[
            bool,
            typer.Option(
                "--full-refresh",
                help="Drop this source's state and raw tables, reload from the start date.",
            ),
        ] = False,
        since: Annotated[
            Optional[str],  # noqa: UP045 - typer reads the annotation at run time
            typer.Option(
                metavar="DATE",
                help=(
                    "ISO date or datetime: start of the first load or a backfill of event-like "
                    "entities (default: 2 years ago). Reference entities always load whole."
                ),
            ),
        ] = None,
        no_dbt: Annotated[
            bool, typer.Option("--no-dbt", help="Load only; skip the dbt build.")
        ] = False,
        dbt_only: Annotated[
            bool,
            typer.Option("--dbt-only", help="Skip loading; run the dbt build for this source."),
        ] = False,
        log_level: Annotated[
            LogLevel, typer.Option(help="How much to log on stderr.")
        ] = LogLevel.info,
        max_duration: Annotated[
            Optional[float],  # noqa: UP045 - typer reads the annotation at run time
            typer.Option(
                "--max-duration",
                metavar="MINUTES",
                min=0.01,
                help=(
                    "Stop reading after MINUTES (also sources.<source>.max_duration), load "
                    "what was read completely, build dbt and exit 3; the next run resumes."
                ),
            ),
        ] = None,
        reconcile: Annotated[
            bool,
            typer.Option(
                "--reconcile",
                help=(
                    "Also list every id cheaply and bring archive/trash state and deletes in "
                    "line with the API: rows it no longer returns get is_deleted and deleted_at "
                    "(weekly in the daily workflow)."
                ),
            ),
        ] = False,
    ) -> None:
        options = RunOptions(
            destination=destination,
            full_refresh=full_refresh,
            since=parse_since(since),
            no_dbt=no_dbt,
            dbt_only=dbt_only,
            log_level=log_level,
            max_duration=max_duration,
            reconcile=reconcile,
        )
        runner.configure_logging(log_level)
        try:
            summary = runner.run(spec, options)
        except RunFailed as exc:
            typer.echo(f"error: {spec.title} run failed. {exc}", err=True)
            raise typer.Exit(code=1) from None
        typer.echo(summary.render())
        sys.stdout.flush()
        summary_file = os.environ.get("PIPELINES_SUMMARY_FILE")
        if summary_file:
            Path(summary_file).write_text(json.dumps(summary.to_dict(), indent=2))
        if summary.partial is not None:
            raise typer.Exit(code=EXIT_PARTIAL)

    return app
