"""Where normalize + load spend their time beyond a straight insert: the same Linear issues
through dlt in several ways, one thing changed at a time, and straight into DuckDB.

`python bench/gap.py SPEC.json RESULT.json`, in a process of its own. SPEC: {"rows": JSONL of
the issues as the pipeline's resource yields them (relations as `<name>__id`, label ids as the
list `labels`), "work_dir": path, "repeats": n (straight inserts), "rounds": n (variants)}.
Each variant runs once per round, every other round in reverse order; the round with the least
normalize + load is kept.

Variants (each a fresh pipeline and DuckDB file; dlt configured from the project's
`.dlt/config.toml`, as the pipeline is: parquet load files, one normalize worker):

- `pipeline`: what the Linear pipeline does: dicts in pages of 250, the declared column hints,
  `write_disposition="merge"` on `id`, `labels` unnested into the child table
  `raw_issues__labels`;
- `append`: the same with `write_disposition="append"` (no staging dataset, no merge SQL);
- `no_child`: merge, but `max_table_nesting=0`: `labels` stays a JSON column of the issue row;
- `append_no_child`: both;
- `arrow_merge` / `arrow_append`: each page built into an Arrow table first, as the pipeline's
  builder does (`pipelines/sources/arrow_rows.py`: declared types, a `_dlt_id` per row; timed
  apart as "build": that cost is in the extract), which dlt writes to Parquet as is (no
  row-wise normalizer; `labels` a `list<string>` column, no child table), merged or appended.

Then the straight inserts of the same rows: `read_json` of the JSONL file, and the rows built
into one Arrow table (build timed apart) inserted, best of `repeats`.
"""

from __future__ import annotations

import copy
import json
import os
import shutil
import sys
import time
from pathlib import Path
from typing import Any

PAGE = 250

VARIANTS: dict[str, dict[str, Any]] = {
    "pipeline": {"arrow": False, "disposition": "merge", "nesting": None},
    "append": {"arrow": False, "disposition": "append", "nesting": None},
    "no_child": {"arrow": False, "disposition": "merge", "nesting": 0},
    "append_no_child": {"arrow": False, "disposition": "append", "nesting": 0},
    "arrow_merge": {"arrow": True, "disposition": "merge", "nesting": None},
    "arrow_append": {"arrow": True, "disposition": "append", "nesting": None},
}

DESCRIPTIONS = {
    "pipeline": "as the pipeline: dicts, column hints, merge, `labels` → child table",
    "append": "append instead of merge (no staging dataset)",
    "no_child": "merge, no child table (`labels` a JSON column)",
    "append_no_child": "append and no child table",
    "arrow_merge": "Arrow tables yielded, merge (`labels` a list column)",
    "arrow_append": "Arrow tables yielded, append",
}


def _setup(work_dir: Path) -> None:
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # run as a script
    from pipelines.paths import REPO_ROOT

    os.environ["DLT_PROJECT_DIR"] = str(REPO_ROOT)  # the project's .dlt/config.toml
    os.environ["DLT_DATA_DIR"] = str(work_dir / "dlt")
    os.environ["RUNTIME__DLTHUB_TELEMETRY"] = "false"
    os.environ["RUNTIME__LOG_LEVEL"] = "ERROR"


def typed_rows(entity: Any, rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Rows with timestamps and dates as Python objects (so Arrow types them)."""
    from datetime import datetime

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


def arrow_page(entity: Any, page: list[dict[str, Any]]) -> Any:
    """A page as the pipeline builds Arrow pages (`pipelines/sources/arrow_rows.py`: declared
    types, a `_dlt_id` per row), with each scalar list a `list<string>` column."""
    import pyarrow as pa

    from pipelines.sources.arrow_rows import arrow_table

    declared = dict(entity.fields) | {f"{r}__id": "text" for r in entity.relations}
    scalars = [{k: v for k, v in row.items() if k not in entity.lists} for row in page]
    table = arrow_table(scalars, declared, required=(entity.primary_key,))
    for name in entity.lists:
        values = pa.array([row.get(name) or [] for row in page], pa.list_(pa.string()))
        table = table.append_column(pa.field(name, values.type), values)
    return table


def run_variant(
    key: str, rows: list[dict[str, Any]], entity: Any, work_dir: Path
) -> dict[str, Any]:
    import dlt

    from pipelines.runner import LOADER_FILE_FORMAT

    spec = VARIANTS[key]
    work_dir.mkdir(parents=True, exist_ok=True)
    db = work_dir / f"{key}.duckdb"
    db.unlink(missing_ok=True)
    Path(f"{db}.wal").unlink(missing_ok=True)
    shutil.rmtree(work_dir / "pipelines" / key, ignore_errors=True)
    pipeline = dlt.pipeline(
        pipeline_name=key,
        pipelines_dir=str(work_dir / "pipelines"),
        destination=dlt.destinations.duckdb(credentials=str(db)),
        dataset_name="linear",
    )
    pages = [rows[i : i + PAGE] for i in range(0, len(rows), PAGE)]
    started = time.perf_counter()
    if spec["arrow"]:
        data: list[Any] = [arrow_page(entity, page) for page in pages]
        build = time.perf_counter() - started
    else:
        data = copy.deepcopy(pages)  # dlt may change the dicts: each variant gets its own
        build = 0.0
    hints: dict[str, Any] = {}
    if not spec["arrow"]:
        hints["columns"] = entity.columns
    if spec["nesting"] is not None:
        hints["max_table_nesting"] = spec["nesting"]
    resource = dlt.resource(
        data,
        name=entity.name,
        table_name=entity.table,
        primary_key=entity.primary_key,
        write_disposition=spec["disposition"],
        **hints,
    )
    times: dict[str, float] = {}
    started = time.perf_counter()
    pipeline.extract(resource, loader_file_format=LOADER_FILE_FORMAT)
    times["extract"] = time.perf_counter() - started
    started = time.perf_counter()
    info = pipeline.normalize()
    times["normalize"] = time.perf_counter() - started
    started = time.perf_counter()
    load = pipeline.load()
    times["load"] = time.perf_counter() - started
    if load.has_failed_jobs:
        raise RuntimeError(f"variant {key}: failed load jobs")
    return {
        "build_s": build,
        "extract_s": times["extract"],
        "normalize_s": times["normalize"],
        "load_s": times["load"],
        "rows": {t: n for t, n in info.row_counts.items() if not t.startswith("_dlt")},
        "load_files": len(
            [
                job
                for package in load.load_packages
                for job in package.jobs.get("completed_jobs", [])
            ]
        ),
    }


def direct(
    rows_file: Path, rows: list[dict[str, Any]], entity: Any, work_dir: Path, n: int
) -> dict[str, float]:
    import duckdb
    import pyarrow as pa

    db = work_dir / "direct.duckdb"

    def fresh() -> None:
        db.unlink(missing_ok=True)
        Path(f"{db}.wal").unlink(missing_ok=True)

    read_json, build, insert = [], [], []
    for _ in range(n):
        fresh()
        started = time.perf_counter()
        con = duckdb.connect(str(db))
        con.execute(
            "CREATE TABLE raw_issues AS SELECT * FROM read_json(?, format='newline_delimited')",
            [str(rows_file)],
        )
        con.close()
        read_json.append(time.perf_counter() - started)
        started = time.perf_counter()
        table = pa.Table.from_pylist(typed_rows(entity, rows))
        build.append(time.perf_counter() - started)
        fresh()
        started = time.perf_counter()
        con = duckdb.connect(str(db))
        con.register("arrow_rows", table)
        con.execute("CREATE TABLE raw_issues AS SELECT * FROM arrow_rows")
        con.close()
        insert.append(time.perf_counter() - started)
    fresh()
    return {
        "read_json_s": min(read_json),
        "arrow_build_s": min(build),
        "arrow_insert_s": min(insert),
        "best_s": min(min(read_json), min(insert)),
    }


def main() -> int:
    spec = json.loads(Path(sys.argv[1]).read_text())
    work_dir = Path(spec["work_dir"])
    work_dir.mkdir(parents=True, exist_ok=True)
    _setup(work_dir)
    from pipelines.sources.linear.entities import ENTITIES

    entity = next(e for e in ENTITIES if e.name == "issues")
    rows_file = Path(spec["rows"])
    rows = [json.loads(line) for line in rows_file.read_text().splitlines() if line]
    # Warm-up (imports, first connection), not reported.
    run_variant("pipeline", rows[:PAGE], entity, work_dir / "warmup")
    rounds = max(1, int(spec.get("rounds", 2)))
    runs: dict[str, list[dict[str, Any]]] = {key: [] for key in VARIANTS}
    for index in range(rounds):
        # Every other round in reverse order: no variant always pays for being first (the
        # process's heap grows on the first large run) or profits from being last.
        order = list(VARIANTS) if index % 2 == 0 else list(reversed(VARIANTS))
        for key in order:
            runs[key].append(run_variant(key, rows, entity, work_dir))
    out: dict[str, Any] = {"rows": len(rows), "rounds": rounds, "variants": {}}
    for key, tries in runs.items():
        best = min(tries, key=lambda r: r["normalize_s"] + r["load_s"])
        best["rounds_s"] = [r["normalize_s"] + r["load_s"] for r in tries]
        out["variants"][key] = best
    out["direct"] = direct(rows_file, rows, entity, work_dir, int(spec.get("repeats", 3)))
    Path(sys.argv[2]).write_text(json.dumps(out, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
