"""The lower bound, as its own process: `python bench/direct.py SPEC.json RESULT.json`.

SPEC: {"db": path, "repeats": n, "tables": [{"name", "jsonl", "parquet"}, ...]}. Times, best of
`repeats`, two ways of writing every table into a new DuckDB file (connect to close, so the
checkpoint is included):

- `read_json`: `CREATE TABLE t AS SELECT * FROM read_json(jsonl)` per table: DuckDB parses and
  types the text itself;
- Arrow: the tables read from Parquet beforehand (not timed: an Arrow table already in memory is
  the starting point), then `CREATE TABLE t AS SELECT * FROM arrow_table` per table.

Run in a process of its own (through `bench/launch.py`) so its peak RSS is what DuckDB needs
for these rows, and the benchmark's heap and sandbox threads do not disturb the timing.
Imports duckdb and pyarrow only.
"""

from __future__ import annotations

import json
import sys
import time
from pathlib import Path
from typing import Any


def fresh(db: Path) -> None:
    db.unlink(missing_ok=True)
    Path(f"{db}.wal").unlink(missing_ok=True)


def time_read_json(db: Path, tables: list[dict[str, Any]]) -> tuple[float, dict[str, float]]:
    import duckdb

    fresh(db)
    per_table: dict[str, float] = {}
    started = time.perf_counter()
    con = duckdb.connect(str(db))
    for table in tables:
        t0 = time.perf_counter()
        con.execute(
            f'CREATE TABLE "{table["name"]}" AS SELECT * FROM '
            "read_json(?, format='newline_delimited')",
            [table["jsonl"]],
        )
        per_table[table["name"]] = time.perf_counter() - t0
    con.close()
    return time.perf_counter() - started, per_table


def time_arrow(db: Path, arrow: dict[str, Any]) -> tuple[float, dict[str, float]]:
    import duckdb

    fresh(db)
    per_table: dict[str, float] = {}
    started = time.perf_counter()
    con = duckdb.connect(str(db))
    for name, table in arrow.items():
        t0 = time.perf_counter()
        con.register("arrow_rows", table)
        con.execute(f'CREATE TABLE "{name}" AS SELECT * FROM arrow_rows')
        con.unregister("arrow_rows")
        per_table[name] = time.perf_counter() - t0
    con.close()
    return time.perf_counter() - started, per_table


def vm_rss_kib() -> int | None:
    """This process's resident set now (Linux), KiB."""
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    except (OSError, ValueError, IndexError):
        pass
    return None


def main() -> int:
    import duckdb  # noqa: F401 - imported first, so the floor below includes it
    import pyarrow.parquet as pq

    after_imports = vm_rss_kib()
    spec = json.loads(Path(sys.argv[1]).read_text())
    db = Path(spec["db"])
    tables = spec["tables"]
    repeats = max(1, int(spec.get("repeats", 3)))
    arrow = {t["name"]: pq.read_table(t["parquet"]) for t in tables}
    after_read = vm_rss_kib()
    read_json: list[tuple[float, dict[str, float]]] = []
    arrow_runs: list[tuple[float, dict[str, float]]] = []
    for _ in range(repeats):
        read_json.append(time_read_json(db, tables))
        arrow_runs.append(time_arrow(db, arrow))
    fresh(db)
    best_json = min(read_json, key=lambda r: r[0])
    best_arrow = min(arrow_runs, key=lambda r: r[0])
    Path(sys.argv[2]).write_text(
        json.dumps(
            {
                "repeats": repeats,
                "read_json_s": best_json[0],
                "arrow_insert_s": best_arrow[0],
                "best_s": min(best_json[0], best_arrow[0]),
                "best_method": "read_json" if best_json[0] <= best_arrow[0] else "Arrow",
                "read_json_by_table": best_json[1],
                "arrow_by_table": best_arrow[1],
                "arrow_bytes": sum(t.nbytes for t in arrow.values()),
                "rss_after_imports_kib": after_imports,
                "rss_with_arrow_tables_kib": after_read,
            },
            indent=2,
        )
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
