"""What the demo prints after its steps: rows loaded beside rows in the warehouse, the marts,
the answers to the demo's questions, and the runs of the demo on this warehouse."""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

from demo import questions, warehouse
from demo.console import DemoError, say
from demo.state import DemoState, RunRecord
from pipelines.transformations import target_dir


def summarize(
    path: Path,
    summaries: dict[str, dict[str, Any]],
    state: DemoState,
    record: RunRecord,
    started: float,
) -> None:
    """Print the summary of a run whose steps all succeeded (`started`: its monotonic start)."""
    loaded = {
        f"{dataset}.{table}": n
        for dataset, summary in summaries.items()
        for table, n in (summary.get("rows") or {}).items()
    }
    with warehouse.connect(path) as con:
        raw = warehouse.raw_counts(con)
        marts = warehouse.mart_counts(con)
        asked = questions.load(target_dir() / "manifest.json")
        answers = [(q, *warehouse.answer(con, q)) for q in asked]
    say()
    say("Raw tables: rows loaded by this run, rows in the warehouse")
    rows = [(name, loaded.get(name, 0), n) for name, n in raw.items()]
    for line in warehouse.render_table(["table", "loaded now", "in warehouse"], rows, "  "):
        say(line)
    say()
    say("Marts (tables dbt built from them)")
    missing = [name for name, n in marts.items() if n is None]
    for line in warehouse.render_table(
        ["mart", "rows"], [(n, c) for n, c in marts.items() if c is not None], "  "
    ):
        say(line)
    if missing:
        raise DemoError(f"dbt reported success but these marts are missing: {missing}")
    for number, (question, columns, result) in enumerate(answers, 1):
        say()
        say(f"Q{number}. {question.title}")
        for line in question.sql.strip().splitlines():
            say(f"    {line}")
        say()
        for line in warehouse.render_table(columns, result, "    "):
            say(line)
    say()
    history(state, record, started)


def history(state: DemoState, record: RunRecord | None, started: float) -> None:
    """The last five runs of the demo on this warehouse, this one last."""
    say("Runs of the demo on this warehouse (rows loaded / API requests per sync)")
    rows = []
    for run in state.runs[-5:]:
        lin, gh = run.figures.get("linear", {}), run.figures.get("github", {})
        current = run is record
        rows.append(
            (
                run.number,
                run.as_of[:10],
                run.started_at[:16].replace("T", " "),
                "this run" if current else run.result,
                "yes" if run.changes else "no",
                lin.get("rows"),
                lin.get("requests"),
                gh.get("rows"),
                gh.get("requests"),
                round(time.monotonic() - started, 1) if current else run.seconds,
            )
        )
    columns = [
        "run",
        "as of",
        "started (UTC)",
        "result",
        "changes",
        "linear rows",
        "req",
        "github rows",
        "req",
        "seconds",
    ]
    for line in warehouse.render_table(columns, rows, "  "):
        say(line)
    say()
    say(
        "Next: `make demo` again for an incremental run; `.venv/bin/dlt pipeline linear "
        "info`\nshows the pipeline's state; the marts are tables in the DuckDB file above. "
        "The file now holds\nthe synthetic company and the pipelines' cursors into it: "
        "delete it before syncing real data there."
    )
