"""DuckDB's memory cap: the connection dlt loads through (and dbt's profile environment) has
`destination.duckdb.memory_limit` and a spill directory; a bad value fails naming the key."""

from __future__ import annotations

import os
from pathlib import Path

import dlt
import pytest

from pipelines.destination import Destination, make_destination
from pipelines.errors import RunFailed
from pipelines.transformations import dbt_environment
from sandbox import Sandbox
from tests.support.linear_truth import assert_linear_matches_truth
from tests.support.workspace import Workspace

TOO_SMALL = "2MB"  # DuckDB's blocks are 256 KiB: a load's tables and merges need more


@pytest.fixture
def duckdb_env(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    for key in list(os.environ):
        if key.startswith("DESTINATION__DUCKDB__"):
            monkeypatch.delenv(key)
    file = tmp_path / "warehouse.duckdb"
    monkeypatch.setenv("DESTINATION__DUCKDB__CREDENTIALS", str(file))
    monkeypatch.setenv("RUNTIME__DLTHUB_TELEMETRY", "false")
    return file


def _load_settings(tmp_path: Path) -> tuple[str, str]:
    """Load one row through the pipeline's destination; the settings of the connection dlt
    hands its SQL client (the same pool its load jobs borrow from)."""
    pipeline = dlt.pipeline(
        pipeline_name="memory_limit",
        pipelines_dir=str(tmp_path / "dlt"),
        destination=make_destination(Destination.duckdb),
        dataset_name="memory_limit",
    )
    pipeline.run([{"id": 1}], table_name="rows")
    with pipeline.sql_client() as client:
        rows = client.execute_sql(
            "select current_setting('memory_limit'), current_setting('temp_directory')"
        )
    return rows[0][0], rows[0][1]


def test_the_load_connection_has_the_default_memory_limit(duckdb_env: Path, tmp_path: Path) -> None:
    limit, temp = _load_settings(tmp_path)
    assert limit == "953.6 MiB"  # 1GB, DuckDB's rendering
    assert temp == f"{duckdb_env}.tmp"


def test_the_load_connection_has_the_configured_memory_limit(
    duckdb_env: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("DESTINATION__DUCKDB__MEMORY_LIMIT", "512MiB")
    monkeypatch.setenv("DESTINATION__DUCKDB__TEMP_DIRECTORY", str(tmp_path / "spill"))
    assert _load_settings(tmp_path) == ("512.0 MiB", str(tmp_path / "spill"))
    with dbt_environment("duckdb", duckdb_env):
        assert os.environ["DESTINATION__DUCKDB__MEMORY_LIMIT"] == "512MiB"
        assert os.environ["DESTINATION__DUCKDB__TEMP_DIRECTORY"] == str(tmp_path / "spill")


@pytest.mark.parametrize("value", ["lots", "0GB", "-1GB", "512", "150%"])
def test_a_bad_memory_limit_fails_naming_the_setting(
    duckdb_env: Path, monkeypatch: pytest.MonkeyPatch, value: str
) -> None:
    monkeypatch.setenv("DESTINATION__DUCKDB__MEMORY_LIMIT", value)
    with pytest.raises(RunFailed) as failure:
        make_destination(Destination.duckdb)
    message = str(failure.value)
    assert "destination.duckdb.memory_limit" in message
    assert "DESTINATION__DUCKDB__MEMORY_LIMIT" in message
    assert repr(value) in message


def test_a_load_out_of_memory_says_what_to_raise_and_the_rerun_loads_it(
    workspace: Workspace, sandbox: Sandbox
) -> None:
    """A cap too small for the load fails it with the setting to raise; nothing is lost: the
    rerun (default cap) loads the kept package and the warehouse equals the truth."""
    failed = workspace.run(
        "linear", "--no-dbt", extra_env={"DESTINATION__DUCKDB__MEMORY_LIMIT": TOO_SMALL}
    )
    assert failed.returncode == 1, failed.output
    assert "DuckDB ran out of memory under its cap" in failed.stderr, failed.stderr[-2000:]
    assert "DESTINATION__DUCKDB__MEMORY_LIMIT" in failed.stderr
    assert "The extracted data is kept" in failed.stderr
    assert workspace.run("linear", "--no-dbt").returncode == 0
    assert_linear_matches_truth(workspace, sandbox)
