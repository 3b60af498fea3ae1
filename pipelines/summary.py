"""The run summary: what a run did (rows per table, requests, time per stage, the dbt build, an
early stop), printed at the end of every run and written as JSON to $PIPELINES_SUMMARY_FILE."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from pipelines.sources.stats import ApiStats

if TYPE_CHECKING:
    from pipelines.partial_run import PartialRun
    from pipelines.transformations import DbtSummary


@dataclass
class RunSummary:
    """What a run did, printed at the end."""

    source: str
    destination: str
    dataset: str
    rows: dict[str, int] = field(default_factory=dict)
    pending_finished: int = 0
    stage_seconds: dict[str, float] = field(default_factory=dict)
    api: ApiStats | None = None
    dbt: DbtSummary | None = None
    partial: PartialRun | None = None  # set when the run stopped early (exit status 3)
    backfill_in_progress: list[str] = field(default_factory=list)
    appended: list[str] = field(default_factory=list)  # first loads: appended, not merged

    def to_dict(self) -> dict[str, Any]:
        """The summary as plain data (written to $PIPELINES_SUMMARY_FILE when set)."""
        return {
            "source": self.source,
            "destination": self.destination,
            "dataset": self.dataset,
            "rows": self.rows,
            "pending_finished": self.pending_finished,
            "stage_seconds": self.stage_seconds,
            "partial": None if self.partial is None else self.partial.to_dict(),
            "backfill_in_progress": self.backfill_in_progress,
            "appended": self.appended,
            "dbt": None
            if self.dbt is None
            else {"selection": self.dbt.selection, "counts": self.dbt.counts},
            "api": None if self.api is None else api_to_dict(self.api),
        }

    def render(self) -> str:
        lines = [f"{self.source}: synced into {self.destination} dataset '{self.dataset}'"]
        if self.pending_finished:
            lines.append(f"  finished {self.pending_finished} pending load package(s) first")
        if self.rows:
            width = max(len(t) for t in self.rows)
            lines.append("  rows loaded:")
            lines += [f"    {t:<{width}}  {n:>9,}" for t, n in sorted(self.rows.items())]
        else:
            lines.append("  rows loaded: none (nothing changed since the last run)")
        if self.api is not None:
            lines += render_api(self.api)
        if self.stage_seconds:
            stages = ", ".join(f"{k} {v:.1f} s" for k, v in self.stage_seconds.items())
            lines.append(f"  time: {stages}")
        if self.dbt is not None:
            lines.append(self.dbt.render())
        if self.partial is not None:
            lines.append(self.partial.render())
        return "\n".join(lines)


def api_to_dict(api: ApiStats) -> dict[str, Any]:
    """An API's counters and last seen budgets as plain data."""
    return {
        "requests": api.requests,
        "retries": api.retries,
        "not_modified": api.not_modified,
        "rate_limit_waits": api.rate_limit_waits,
        "waited_seconds": api.waited_seconds,
        "extra": api.extra,
        "budgets": {
            name: {"limit": b.limit, "remaining": b.remaining} for name, b in api.budgets.items()
        },
    }


def render_api(api: ApiStats) -> list[str]:
    """The summary's `api:` line, then one line per rate-limit budget with a known limit."""
    parts = [f"{api.requests} requests"]
    if api.retries:
        parts.append(f"{api.retries} retried")
    if api.not_modified:
        parts.append(f"{api.not_modified} not modified (304)")
    if api.rate_limit_waits:
        parts.append(f"{api.rate_limit_waits} rate-limit waits ({api.waited_seconds:.1f} s)")
    if "complexity_points" in api.extra:
        parts.append(f"{int(api.extra['complexity_points']):,} complexity points")
    if api.extra.get("graphql_requests"):
        parts.append(
            f"{int(api.extra['graphql_requests'])} of them GraphQL queries costing "
            f"{int(api.extra.get('graphql_points', 0)):,} GraphQL points"
        )
    if api.extra.get("repositories_gone"):
        gone = int(api.extra["repositories_gone"])
        parts.append(f"{gone} repositories gone since the last run (see warnings)")
    if api.extra.get("partial_errors"):
        parts.append(f"{int(api.extra['partial_errors'])} partial errors (see warnings)")
    lines = ["  api: " + ", ".join(parts)]
    for name, budget in sorted(api.budgets.items()):
        if budget.limit is None:
            continue
        reset = f", resets {budget.reset_at:%H:%M:%S} UTC" if budget.reset_at else ""
        lines.append(
            f"  rate-limit budget {name}: {budget.remaining:,} of {budget.limit:,} left{reset}"
        )
    return lines
