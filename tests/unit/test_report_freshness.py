"""Data freshness from what dlt keeps in the warehouse: the last completed load of each source
(`_dlt_loads`, status 0) and a backfill in progress (a resume position in the newest state)."""

from __future__ import annotations

from pathlib import Path

import duckdb
from dlt.common.versioned_state import compress_state

from pipelines.reporting.freshness import freshness
from pipelines.reporting.marts import DuckDbMarts


def test_freshness_reads_loads_and_the_newest_state(tmp_path: Path) -> None:
    db = tmp_path / "w.duckdb"
    resuming = {"sources": {"github": {"resources": {"pull_requests": {"resume": {"p": 1}}}}}}
    done = {"sources": {"github": {"resources": {"pull_requests": {"resume": None}}}}}
    with duckdb.connect(str(db)) as con:
        con.execute("create schema github")
        con.execute(
            "create table github._dlt_loads (load_id varchar, status bigint, "
            "inserted_at timestamptz)"
        )
        con.execute(
            "insert into github._dlt_loads values ('1', 0, '2026-11-30 05:00:00+00'), "
            "('2', 0, '2026-12-01 05:00:00+00'), ('3', 1, '2026-12-02 05:00:00+00')"
        )
        con.execute(
            "create table github._dlt_pipeline_state (version bigint, state varchar, "
            "created_at timestamptz)"
        )
        con.execute(
            "insert into github._dlt_pipeline_state values (1, ?, '2026-11-30 05:00:00+00'), "
            "(2, ?, '2026-12-01 05:00:00+00')",
            [compress_state(done), compress_state(resuming)],  # type: ignore[arg-type]
        )
    marts = DuckDbMarts(db)
    try:
        github, linear = freshness(marts, "github"), freshness(marts, "linear")
    finally:
        marts.close()
    assert github.last_loaded_at == "2026-12-01T05:00:00Z"  # the unfinished load 3 is not it
    assert github.loads == 2
    assert github.backfilling == ["github.pull_requests"]
    assert (linear.last_loaded_at, linear.loads, linear.backfilling) == (None, 0, [])
