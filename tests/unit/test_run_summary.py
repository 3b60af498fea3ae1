"""The run summary's text and JSON, from counters a run would have gathered."""

from __future__ import annotations

import json
from datetime import UTC, datetime

from pipelines.sources.stats import ApiStats, Budget
from pipelines.summary import RunSummary
from pipelines.transformations import DbtSummary


def _api() -> ApiStats:
    api = ApiStats("github")
    api.add("requests", 42)
    api.add("retries", 2)
    api.add("not_modified", 5)
    api.add("rate_limit_waits")
    api.add("waited_seconds", 1.25)
    api.add("graphql_requests", 3)
    api.add("graphql_points", 1200)
    api.add("repositories_gone")
    api.budgets["core"] = Budget(5000, 4958, datetime(2026, 1, 2, 3, 4, 5, tzinfo=UTC))
    api.budgets["search"] = Budget()  # never seen: not printed
    return api


def test_a_complete_run_renders_every_part() -> None:
    summary = RunSummary("GitHub", "duckdb", "github", rows={"pulls": 1234, "pull_reviews": 7})
    summary.pending_finished = 1
    summary.api = _api()
    summary.stage_seconds = {"extract": 1.04, "load": 0.5}
    summary.dbt = DbtSummary("selector github", {"model success": 3, "test pass": 4}, seconds=2)
    assert summary.render().splitlines() == [
        "GitHub: synced into duckdb dataset 'github'",
        "  finished 1 pending load package(s) first",
        "  rows loaded:",
        "    pull_reviews          7",
        "    pulls             1,234",
        "  api: 42 requests, 2 retried, 5 not modified (304), 1 rate-limit waits (1.2 s), "
        "3 of them GraphQL queries costing 1,200 GraphQL points, 1 repositories gone since "
        "the last run (see warnings)",
        "  rate-limit budget core: 4,958 of 5,000 left, resets 03:04:05 UTC",
        "  time: extract 1.0 s, load 0.5 s",
        "  dbt (selector github): 3 models and seeds built, 4 of 4 tests passed, 2.0 s",
    ]


def test_a_run_that_loaded_nothing_says_so() -> None:
    summary = RunSummary("Linear", "bigquery", "linear")
    assert summary.render() == (
        "Linear: synced into bigquery dataset 'linear'\n"
        "  rows loaded: none (nothing changed since the last run)"
    )


def test_linear_complexity_points_are_reported() -> None:
    api = ApiStats("linear")
    api.add("requests", 3)
    api.add("complexity_points", 12345)
    api.add("partial_errors", 2)
    summary = RunSummary("Linear", "duckdb", "linear", api=api)
    assert summary.render().splitlines()[-1] == (
        "  api: 3 requests, 12,345 complexity points, 2 partial errors (see warnings)"
    )


def test_the_summary_file_holds_plain_data() -> None:
    summary = RunSummary("GitHub", "duckdb", "github", rows={"pulls": 2}, api=_api())
    data = json.loads(json.dumps(summary.to_dict()))
    assert data["rows"] == {"pulls": 2}
    assert data["partial"] is None and data["dbt"] is None
    assert data["api"]["requests"] == 42 and data["api"]["not_modified"] == 5
    assert data["api"]["extra"]["graphql_points"] == 1200
    assert data["api"]["budgets"] == {
        "core": {"limit": 5000, "remaining": 4958},
        "search": {"limit": None, "remaining": None},
    }
