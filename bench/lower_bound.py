"""A lower bound for normalize + load, and where the gap to it goes.

- `export_tables` + `run_direct`: right after a source's full sync, every data table it loaded
  (child tables and dlt's columns included: exactly the rows the sync wrote) is exported from
  the warehouse to JSON lines and Parquet (not timed); `bench/direct.py`, a process of its own,
  then writes the same tables into a fresh DuckDB file with `read_json` and from Arrow. The
  sync's normalize + load seconds over the best of those is "our ratio".
- `run_gap`: the Linear issues, as the pipeline's resource yields them, through dlt in several
  ways (`bench/gap.py`), beside the straight insert of those rows: which part of the pipeline's
  normalize + load costs what.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import duckdb

from bench.process import run_command
from bench.workspace import base_env

Say = Callable[[str], None]
DIRECT = Path(__file__).resolve().parent / "direct.py"
GAP = Path(__file__).resolve().parent / "gap.py"
#: Rounds of the gap experiment's variants (the best of them is kept).
GAP_ROUNDS = 2


def export_tables(duckdb_file: Path, dataset: str, out_dir: Path) -> list[dict[str, Any]]:
    """Every data table of `dataset` (not dlt's `_dlt_*` bookkeeping) to `out_dir` as JSON
    lines and Parquet; returns their names, rows and columns."""
    out_dir.mkdir(parents=True, exist_ok=True)
    tables: list[dict[str, Any]] = []
    with duckdb.connect(str(duckdb_file), read_only=True) as con:
        names = [
            row[0]
            for row in con.execute(
                "SELECT table_name FROM information_schema.tables WHERE table_schema = ? "
                "AND table_name NOT LIKE '\\_dlt%' ESCAPE '\\' ORDER BY table_name",
                [dataset],
            ).fetchall()
        ]
        for name in names:
            qualified = f'"{dataset}"."{name}"'
            rows = con.execute(f"SELECT count(*) FROM {qualified}").fetchone()
            columns = con.execute(
                "SELECT count(*) FROM information_schema.columns "
                "WHERE table_schema = ? AND table_name = ?",
                [dataset, name],
            ).fetchone()
            jsonl, parquet = out_dir / f"{name}.jsonl", out_dir / f"{name}.parquet"
            con.execute(f"COPY (SELECT * FROM {qualified}) TO '{jsonl}' (FORMAT JSON)")
            con.execute(f"COPY (SELECT * FROM {qualified}) TO '{parquet}' (FORMAT PARQUET)")
            tables.append(
                {
                    "name": name,
                    "rows": rows[0] if rows else 0,
                    "columns": columns[0] if columns else 0,
                    "jsonl": str(jsonl),
                    "parquet": str(parquet),
                    "jsonl_bytes": jsonl.stat().st_size,
                }
            )
    return tables


def run_direct(
    tables: list[dict[str, Any]], work_dir: Path, label: str, repeats: int
) -> dict[str, Any]:
    """Time the straight inserts of `tables` in a process of its own (peak RSS included)."""
    work_dir.mkdir(parents=True, exist_ok=True)
    spec = work_dir / f"{label}.spec.json"
    result = work_dir / f"{label}.result.json"
    result.unlink(missing_ok=True)
    spec.write_text(
        json.dumps({"db": str(work_dir / f"{label}.duckdb"), "repeats": repeats, "tables": tables})
    )
    run = run_command(
        [sys.executable, str(DIRECT), str(spec), str(result)],
        script="direct",
        label=label,
        env=base_env(work_dir),
        cwd=work_dir,
        log_dir=work_dir / "logs",
        expects_summary=False,
    )
    out: dict[str, Any] = {
        "ok": run.ok and result.exists(),
        "tables": [{k: t[k] for k in ("name", "rows", "columns", "jsonl_bytes")} for t in tables],
        "rows": sum(t["rows"] for t in tables),
        "max_rss_kib": run.max_rss_kib,
        "wall_s": run.wall_s,
    }
    if out["ok"]:
        out.update(json.loads(result.read_text()))
    else:
        out["output_tail"] = run.output_tail
    return out


# -- the gap experiment ----------------------------------------------------------------------
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


def run_gap(
    truth_issues: list[dict[str, Any]], work_dir: Path, say: Say, name: str, repeats: int
) -> dict[str, Any]:
    """The gap experiment on these issues (the sandbox's truth, projected as the pipeline
    selects them), in a process of its own."""
    work_dir.mkdir(parents=True, exist_ok=True)
    rows_file = work_dir / "issues.jsonl"
    labels = 0
    with open(rows_file, "w") as f:
        for row in project(declarations()["issues"], truth_issues):
            labels += len(row.get("labels") or [])
            f.write(json.dumps(row, separators=(",", ":")))
            f.write("\n")
    spec, result = work_dir / "gap.spec.json", work_dir / "gap.result.json"
    result.unlink(missing_ok=True)
    spec.write_text(
        json.dumps(
            {
                "rows": str(rows_file),
                "work_dir": str(work_dir),
                "repeats": repeats,
                "rounds": GAP_ROUNDS,
            }
        )
    )
    run = run_command(
        [sys.executable, str(GAP), str(spec), str(result)],
        script="gap",
        label="gap",
        env=base_env(work_dir),
        cwd=work_dir,
        log_dir=work_dir / "logs",
        expects_summary=False,
    )
    if not (run.ok and result.exists()):
        say(f"{name} gap experiment: FAILED\n{run.output_tail}")
        return {"ok": False, "output_tail": run.output_tail}
    out: dict[str, Any] = {"ok": True, "wall_s": run.wall_s, **json.loads(result.read_text())}
    out["input_labels"] = labels  # label ids over the input issues: the child table's rows
    best = out["direct"]["best_s"]
    parts = []
    for key, v in out["variants"].items():
        ours = v["normalize_s"] + v["load_s"]
        v["ratio"] = ours / best if best else None
        parts.append(f"{key} {ours:.2f} s ({v['ratio']:.1f}x)")
    say(
        f"{name} gap: {out['rows']:,} issues straight into DuckDB in {best:.3f} s; "
        "normalize + load " + ", ".join(parts)
    )
    return out
