"""A lower bound for normalize + load: the same Linear rows written straight into a DuckDB file,
set beside an issues-only pipeline run (`SOURCES__LINEAR__ENTITIES='["issues"]'`)."""

from __future__ import annotations

import json
import time
from collections.abc import Callable
from datetime import datetime
from pathlib import Path
from typing import Any

import duckdb
import pyarrow as pa

from bench.workspace import Workspace
from sandbox import Sandbox

Say = Callable[[str], None]


def declarations() -> dict[str, Any]:
    """The pipeline's entity declarations by name (what it selects, how it types it)."""
    from pipelines.sources.linear.entities import ENTITIES as DECLARED

    return {e.name: e for e in DECLARED}


def project(entity: Any, rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Truth rows (wire shape) as the pipeline selects and flattens them: declared scalars,
    relations as `<name>__id`, scalar lists under their alias."""
    out = []
    for row in rows:
        record = {name: row.get(name) for name in entity.fields}
        for relation in entity.relations:
            related = row.get(relation)
            record[f"{relation}__id"] = related["id"] if related else None
        for alias, source in entity.lists.items():
            record[alias] = list(row.get(source) or [])
        out.append(record)
    return out


def typed(entity: Any, rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Rows with timestamps and dates as Python objects (so Arrow types them)."""
    kinds = {name: t for name, t in entity.fields.items() if t in ("timestamp", "date")}
    out = []
    for row in rows:
        record = dict(row)
        for name, kind in kinds.items():
            value = record.get(name)
            if isinstance(value, str):
                parsed = datetime.fromisoformat(value.replace("Z", "+00:00"))
                record[name] = parsed.date() if kind == "date" else parsed
        out.append(record)
    return out


def time_direct_insert(
    name: str, entity: Any, rows: list[dict[str, Any]], work_dir: Path, repeats: int
) -> dict[str, Any]:
    """Best of `repeats` for: `read_json` of a JSON-lines file into a new table of a fresh
    DuckDB file (file written beforehand, not timed), and an Arrow table (built beforehand;
    its build time reported apart) inserted the same way. Connect to close, so the checkpoint
    is included."""
    work_dir.mkdir(parents=True, exist_ok=True)
    jsonl = work_dir / f"{name}.jsonl"
    with open(jsonl, "w") as f:
        for row in rows:
            f.write(json.dumps(row, separators=(",", ":")))
            f.write("\n")
    db = work_dir / f"{name}.duckdb"

    def fresh() -> None:
        db.unlink(missing_ok=True)
        Path(f"{db}.wal").unlink(missing_ok=True)

    read_json, convert, arrow_insert = [], [], []
    python_rows = typed(entity, rows)
    table: pa.Table | None = None
    for _ in range(repeats):
        fresh()
        started = time.perf_counter()
        con = duckdb.connect(str(db))
        con.execute(
            f"CREATE TABLE {name} AS SELECT * FROM read_json(?, format='newline_delimited')",
            [str(jsonl)],
        )
        con.close()
        read_json.append(time.perf_counter() - started)

        started = time.perf_counter()
        table = pa.Table.from_pylist(python_rows)
        convert.append(time.perf_counter() - started)

        fresh()
        started = time.perf_counter()
        con = duckdb.connect(str(db))
        con.register("arrow_rows", table)
        con.execute(f"CREATE TABLE {name} AS SELECT * FROM arrow_rows")
        con.close()
        arrow_insert.append(time.perf_counter() - started)
    fresh()
    return {
        "rows": len(rows),
        "columns": len(rows[0]) if rows else 0,
        "jsonl_bytes": jsonl.stat().st_size,
        "read_json_s": min(read_json),
        "arrow_build_s": min(convert),
        "arrow_insert_s": min(arrow_insert),
        "best_s": min(min(read_json), min(arrow_insert)),
    }


def run_lower_bound(
    *, size: Any, seed: int, work_dir: Path, say: Say, repeats: int = 3
) -> dict[str, Any]:
    """The issues-only pipeline run, and the direct inserts of every declared entity."""
    decl = declarations()
    box = Sandbox(seed=seed, size=size).start()
    try:
        ws = Workspace(
            work_dir / "linear-issues-only", box, {"SOURCES__LINEAR__ENTITIES": '["issues"]'}
        )
        run = ws.run("linear", "linear-issues-only")
        truth = {name: box.linear.workspace.truth(name) for name in decl}
    finally:
        box.stop()
    tables = {
        name: time_direct_insert(
            name, entity, project(entity, truth[name]), work_dir / "direct", repeats
        )
        for name, entity in decl.items()
    }
    out: dict[str, Any] = {
        "size": size if isinstance(size, str) else repr(size),
        "repeats": repeats,
        "issues_only": {"run": run.to_dict(), "ok": run.ok, "requests": len(box.linear.log)},
        "tables": tables,
    }
    stages = run.stage_seconds
    ours = stages.get("normalize", 0.0) + stages.get("load", 0.0)
    best = tables["issues"]["best_s"]
    out["issues_ours_s"] = ours
    out["issues_ratio"] = ours / best if best and run.ok else None
    issues = tables["issues"]
    if run.ok:
        say(
            f"lower bound: {issues['rows']:,} issues straight into DuckDB in "
            f"{issues['read_json_s']:.2f} s (read_json) / {issues['arrow_insert_s']:.2f} s "
            f"(Arrow insert, +{issues['arrow_build_s']:.2f} s to build the Arrow table); "
            f"the issues-only pipeline run's normalize + load: {ours:.2f} s = "
            f"{out['issues_ratio']:.1f}x the best"
        )
    else:
        say(f"lower bound: issues-only run FAILED\n{run.output_tail}")
    return out
