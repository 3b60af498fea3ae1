"""One warehouse for every dbt test: a tiny sandbox company loaded by both pipelines (their CLI,
as subprocesses), then one in-process `dbt build` (seed, models, data tests, unit tests), one
`dbt source freshness` and a listing of the pipelines' selectors, all once per session.

The sandbox's truth (what its APIs serve, and who is who in the company) is captured before the
sandbox stops, so tests compute expected values without reading the warehouse.
"""

from __future__ import annotations

import pytest

from tests.dbt.dbt_support import (
    SELECTORS,
    DbtRun,
    dbt_env,
    invoke_dbt,
    load_tiny_company,
    release_duckdb,
)


@pytest.fixture(scope="session")
def dbt_run(tmp_path_factory: pytest.TempPathFactory) -> DbtRun:
    root = tmp_path_factory.mktemp("dbt_warehouse")
    workspace, truth = load_tiny_company(root)
    duckdb_file = workspace.duckdb_file

    with dbt_env(duckdb_file):
        try:
            build = invoke_dbt(root, "build")
            freshness = invoke_dbt(root, "source", "freshness")
            selected = {}
            for selector in SELECTORS:
                listed = invoke_dbt(
                    root, "ls", "--selector", selector, "--output", "name", "--quiet"
                )
                assert listed.success, listed.exception
                selected[selector] = set(listed.result)
        finally:
            release_duckdb()

    if build.result is None:
        pytest.fail(f"dbt build did not run: {build.exception}")
    return DbtRun(
        duckdb_file=duckdb_file,
        root=root,
        truth=truth,
        build_success=build.success,
        build_statuses={r.node.unique_id: str(r.status) for r in build.result.results},
        build_messages={r.node.unique_id: str(r.message) for r in build.result.results},
        freshness_success=freshness.success,
        freshness_statuses={
            r.node.unique_id: str(r.status) for r in (freshness.result.results or [])
        },
        selected=selected,
    )
