"""The few SQL expressions the report's queries need that DuckDB and BigQuery spell differently.

Every chart's SQL is written once, with these helpers where the dialects differ; everything
else in it (`count`, `avg`, `case`, `left join`, `timestamp '...'` literals) is common SQL."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime


@dataclass(frozen=True)
class Dialect:
    """How one destination spells percentiles, week starts, durations and table names."""

    name: str  # "duckdb" or "bigquery"
    project: str = ""  # BigQuery only: the project the datasets live in

    def table(self, relation: str) -> str:
        """`dataset.table` as this destination names it."""
        if self.name == "bigquery":
            return f"`{self.project}.{relation}`" if self.project else f"`{relation}`"
        return relation

    def percentile(self, expression: str, fraction: float) -> str:
        """The `fraction` percentile of `expression` as an aggregate (nulls ignored)."""
        if self.name == "bigquery":
            # approx_quantiles(x, 100)[offset(p)]: the p-th of 100 quantiles (exact for the
            # group sizes of a report; BigQuery's percentile_cont is analytic-only).
            return f"approx_quantiles({expression}, 100)[offset({round(fraction * 100)})]"
        return f"quantile_cont({expression}, {fraction})"

    def week(self, expression: str) -> str:
        """The date of the Monday starting the (UTC) week of timestamp `expression`."""
        if self.name == "bigquery":
            # Monday = dayofweek 2 (Sunday is 1). Spelled out rather than `isoweek`, which the
            # local emulator cannot run; real BigQuery gives the same date either way.
            return (
                f"date_sub(date({expression}), "
                f"interval mod(extract(dayofweek from {expression}) + 5, 7) day)"
            )
        return f"cast(date_trunc('week', {expression}) as date)"

    def hours_between(self, start: str, end: str) -> str:
        """Hours from timestamp `start` to timestamp `end` (fractional)."""
        if self.name == "bigquery":
            return f"timestamp_diff({end}, {start}, second) / 3600.0"
        return f"date_diff('second', {start}, {end}) / 3600.0"

    def day(self, expression: str) -> str:
        """The (UTC) date of timestamp `expression`."""
        if self.name == "bigquery":
            return f"date({expression})"
        return f"cast({expression} as date)"


def timestamp_literal(moment: datetime) -> str:
    """A UTC timestamp literal both dialects read."""
    return f"timestamp '{moment:%Y-%m-%d %H:%M:%S}'"


DUCKDB = Dialect("duckdb")
