"""Arrow pages through real dlt into a real DuckDB file, configured as the pipelines are
(`.dlt/config.toml`): typed columns, `_dlt_load_id` and `_dlt_id` on every row, merge on the
key, a field nobody declared kept as text, a value of another type evolved by dlt."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import duckdb

from pipelines.paths import REPO_ROOT

# Two loads of Linear comments through the resource's own hints and `Entity.pages` (each API
# page gathered alone here, so one page can stay rows beside another that is Arrow).
LOAD = """
import json, sys
import dlt
from pipelines.sources.linear.entities import COMMENTS

db, batches = sys.argv[1], json.loads(sys.argv[2])
pipeline = dlt.pipeline("arrow_load", destination=dlt.destinations.duckdb(credentials=db),
                        dataset_name="linear")
for batch in batches:
    pages = [p for page in batch for p in COMMENTS.pages([[COMMENTS.prepare(r) for r in page]])]
    kinds = sorted({type(p).__name__ for p in pages})
    resource = dlt.resource(pages, name="comments", table_name=COMMENTS.table,
                            primary_key="id", write_disposition="merge",
                            columns=COMMENTS.columns)
    pipeline.run(resource, loader_file_format="parquet")
    print(json.dumps(kinds))
"""


def _run(code: str, tmp_path: Path, *args: str) -> subprocess.CompletedProcess[str]:
    """`code` in a fresh interpreter configured as the pipelines are; it must succeed."""
    env = {
        **os.environ,
        "DLT_PROJECT_DIR": str(REPO_ROOT),
        "DLT_DATA_DIR": str(tmp_path / "dlt"),
        "RUNTIME__DLTHUB_TELEMETRY": "false",
        "PYTHONPATH": str(REPO_ROOT),
    }
    result = subprocess.run(
        [sys.executable, "-c", code, *args],
        capture_output=True,
        text=True,
        env=env,
        cwd=tmp_path,
        timeout=240,
    )
    assert result.returncode == 0, result.stderr[-3000:]
    return result


def _comment(i: int, updated: str, **extra: object) -> dict[str, object]:
    return {
        "id": f"c{i}",
        "url": f"https://linear.app/c{i}",
        "createdAt": "2024-01-01T00:00:00.000Z",
        "updatedAt": updated,
        "archivedAt": None,
        "editedAt": None,
        "issue": {"id": "i1"},
        "user": {"id": "u1"} if i % 2 else None,
        "parent": None,
        **extra,
    }


def test_arrow_pages_load_typed_merged_and_evolving(tmp_path: Path) -> None:
    db = tmp_path / "warehouse.duckdb"
    first = [[_comment(i, "2024-01-02T00:00:00.000Z") for i in range(3)]]
    second = [
        # c0 changed (an offset, 12:00 UTC), with a field the API started sending
        [_comment(0, "2024-01-03T14:00:00+02:00", reactionCount=4)],
        # a page whose `editedAt` is not a timestamp: stays rows, dlt evolves a variant column
        [_comment(3, "2024-01-03T00:00:00.000Z", editedAt="yesterday")],
    ]
    result = _run(LOAD, tmp_path, str(db), json.dumps([first, second]))
    kinds = [json.loads(line) for line in result.stdout.splitlines() if line.startswith("[")]
    assert kinds == [["Table"], ["Table", "list"]]
    with duckdb.connect(str(db), read_only=True) as con:
        types = dict(
            con.execute(
                "select column_name, data_type from information_schema.columns "
                "where table_schema = 'linear' and table_name = 'raw_comments'"
            ).fetchall()
        )
        rows = con.execute(
            "select id, updated_at, reaction_count, user__id, edited_at, edited_at__v_text, "
            "_dlt_load_id is not null, _dlt_id is not null "
            "from linear.raw_comments order by id"
        ).fetchall()
        loads = con.execute("select count(*) from linear._dlt_loads").fetchone()
    assert types["updated_at"] == "TIMESTAMP WITH TIME ZONE"
    assert types["created_at"] == "TIMESTAMP WITH TIME ZONE"
    assert types["issue__id"] == "VARCHAR"
    assert types["reaction_count"] == "VARCHAR"  # undeclared: kept, as text
    assert loads == (2,)
    assert [r[0] for r in rows] == ["c0", "c1", "c2", "c3"]  # merged: one row per id
    c0, c1, _, c3 = rows
    assert c0[1].isoformat().startswith("2024-01-03T12:00:00")
    assert c0[2] == "4" and c1[2] is None
    assert c1[3] == "u1" and c0[3] is None
    assert c3[4] is None and c3[5] == "yesterday"  # the drifted value: dlt's variant column
    assert all(r[6] and r[7] for r in rows)


def test_the_builder_imports_pandas_before_any_extract_thread() -> None:
    """pyarrow imports pandas lazily on the first table built; done in a parallelized
    resource's worker thread, dlt's `pandas.DataFrame` check in the main thread saw a
    half-imported module. The builder's import does it up front."""
    code = "import sys, pipelines.sources.arrow_rows; print('pandas' in sys.modules)"
    env = {**os.environ, "PYTHONPATH": str(REPO_ROOT)}
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, env=env, timeout=120
    )
    assert out.stdout.strip() == "True", out.stderr[-2000:]


# The same issue history loaded as dict rows (what dlt normalized before) and as the Arrow
# pages `history._tables` yields: the warehouse must not tell them apart.
HISTORY_BOTH_WAYS = """
import json, sys
import dlt
from pipelines.sources.linear import history

db, units = sys.argv[1], json.loads(sys.argv[2])
def as_rows():
    for spans, entries in units:
        if spans:
            yield dlt.mark.with_table_name(spans, history.SPANS_TABLE)
        if entries:
            yield dlt.mark.with_table_name(entries, history.HISTORY_TABLE)
def as_arrow():
    def read():
        yield from units
        return True
    yield from history._tables(read())
for dataset, gen in (("as_rows", as_rows), ("as_arrow", as_arrow)):
    resource = dlt.resource(gen, name="issueHistory", table_name=history.SPANS_TABLE,
                            primary_key="id", write_disposition="merge",
                            columns=history.SPAN_COLUMNS)()
    resource.apply_hints(table_name=history.HISTORY_TABLE, columns=history.ENTRY_COLUMNS,
                         primary_key="id", write_disposition="merge", create_table_variant=True)
    pipeline = dlt.pipeline(f"history_{dataset}", dataset_name=dataset,
                            destination=dlt.destinations.duckdb(credentials=db))
    pipeline.run(resource, loader_file_format="parquet")
"""


def _history_units() -> list[list[list[dict[str, object]]]]:
    units = []
    for n in range(5):
        spans = [
            {
                "id": f"s{n}",
                "stateId": f"st{n}",
                "startedAt": "2024-01-01T00:00:00.000Z",
                "endedAt": None if n % 2 else "2024-01-02T10:00:00+02:00",
                "issue__id": f"i{n}",
            }
        ]
        entries = [
            {
                "id": f"h{n}",
                "createdAt": "2024-01-02T03:04:05.123Z",
                "updatedAt": "2024-01-02T03:04:05.123Z",
                "archivedAt": None,
                "actorId": None if n == 0 else f"u{n}",
                "fromStateId": "st1",
                "toStateId": None,
                "fromEstimate": None if n == 1 else n,
                "toEstimate": 2.5,
                "fromPriority": 0,
                "toPriority": None,
                "archived": n == 2,
                "autoClosed": None,
                "addedLabelIds": '["l1", "l2"]' if n == 3 else None,
                "removedLabelIds": None,
                "botActor__id": "b1" if n == 4 else None,
                "botActor__type": "workflow" if n == 4 else None,
                "botActor__subType": None,
                "botActor__name": None,
                "issue__id": f"i{n}",
            }
        ]
        units.append([spans, entries])
    return units


def test_history_as_arrow_pages_loads_as_the_rows_did(tmp_path: Path) -> None:
    db = tmp_path / "warehouse.duckdb"
    _run(HISTORY_BOTH_WAYS, tmp_path, str(db), json.dumps(_history_units()))
    with duckdb.connect(str(db), read_only=True) as con:
        for table in ("raw_issue_state_spans", "raw_issue_history"):
            typed = {
                dataset: con.execute(
                    "select column_name, data_type from information_schema.columns "
                    "where table_schema = ? and table_name = ? and column_name not like '_dlt%' "
                    "order by column_name",
                    [dataset, table],
                ).fetchall()
                for dataset in ("as_rows", "as_arrow")
            }
            assert typed["as_arrow"] == typed["as_rows"], table
            columns = ", ".join(name for name, _ in typed["as_rows"])
            values = {
                dataset: con.execute(
                    f"select {columns} from {dataset}.{table} order by id"
                ).fetchall()
                for dataset in ("as_rows", "as_arrow")
            }
            assert values["as_arrow"] == values["as_rows"], table
            assert len(values["as_rows"]) == 5
            ids = con.execute(f"select count(distinct _dlt_id) from as_arrow.{table}").fetchone()
            assert ids == (5,)
