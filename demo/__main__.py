"""`python -m demo` (what `make demo` runs): the whole pipeline against the local sandbox."""

from __future__ import annotations

import sys
from datetime import UTC, datetime
from typing import Annotated, Optional

import typer

from demo.run import Demo, default_as_of
from sandbox import SIZES

app = typer.Typer(add_completion=False, pretty_exceptions_enable=False)


def parse_as_of(value: str | None) -> datetime:
    """An ISO date or datetime (UTC when no offset is given); default: today 00:00 UTC."""
    if not value:
        return default_as_of()
    try:
        parsed = datetime.fromisoformat(value.strip().replace("Z", "+00:00"))
    except ValueError as exc:
        raise typer.BadParameter(
            f"{value!r} is not an ISO date or datetime", param_hint="--as-of"
        ) from exc
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=UTC)
    return parsed.astimezone(UTC).replace(microsecond=0)


@app.command()
def main(
    size: Annotated[
        str,
        typer.Option(metavar="SIZE", help=f"Size of the sandbox's company: {', '.join(SIZES)}."),
    ] = "small",
    as_of: Annotated[
        Optional[str],  # noqa: UP045 - typer reads the annotation at run time
        typer.Option(
            metavar="DATE",
            envvar="DEMO_AS_OF",
            help=(
                "The company's 'now' (ISO date or datetime, UTC): its data is the same for the "
                "same value. Default: today 00:00 UTC."
            ),
        ),
    ] = None,
) -> None:
    """Start the sandbox (Linear and GitHub imitations), sync both into the local DuckDB file,
    build every dbt model, print a summary, and stop the sandbox. A second run applies a small
    batch of changes in the sandbox first, so it is incremental."""
    if size not in SIZES:
        typer.echo(f"error: unknown size {size!r}; choose from {', '.join(SIZES)}.", err=True)
        raise typer.Exit(code=1)
    code = Demo(size, parse_as_of(as_of)).run()
    sys.stdout.flush()
    if code:
        raise typer.Exit(code=code)


if __name__ == "__main__":
    app()
