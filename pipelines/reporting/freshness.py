"""Data freshness: when each source last loaded (dlt's `_dlt_loads`), and whether a backfill is
still in progress (a resume position left in the pipeline's state by a run that stopped early)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from dlt.common.versioned_state import decompress_state

from pipelines.reporting.marts import Marts

SOURCES = ("linear", "github")
RESUME_KEY = "resume"  # where a stopped run keeps its resume position in a resource's state


@dataclass(frozen=True)
class Freshness:
    """One source's last completed load and the resources still backfilling."""

    source: str
    last_loaded_at: str | None
    loads: int
    backfilling: list[str]
    sql: str


def loads_sql(marts: Marts, source: str) -> str:
    return (
        "select max(inserted_at) as last_loaded_at, count(*) as loads\n"
        f"from {marts.dialect.table(f'{source}._dlt_loads')}\nwhere status = 0"
    )


def state_sql(marts: Marts, source: str) -> str:
    return (
        f"select state from {marts.dialect.table(f'{source}._dlt_pipeline_state')}\n"
        "order by version desc, created_at desc\nlimit 1"
    )


def resuming_resources(state: dict[str, Any]) -> list[str]:
    """`source.resource` names whose state holds a resume position."""
    found = []
    for source_name, source in (state.get("sources") or {}).items():
        for name, resource in ((source or {}).get("resources") or {}).items():
            if isinstance(resource, dict) and resource.get(RESUME_KEY):
                found.append(f"{source_name}.{name}")
    return sorted(found)


def freshness(marts: Marts, source: str) -> Freshness:
    """What the warehouse says about `source`'s loads."""
    rows = marts.rows(loads_sql(marts, source)) or [{}]
    states = marts.rows(state_sql(marts, source)) or []
    backfilling: list[str] = []
    if states and states[0].get("state"):
        try:
            backfilling = resuming_resources(decompress_state(states[0]["state"]))
        except Exception:  # an unreadable state blob says nothing about a backfill
            backfilling = []
    return Freshness(
        source=source,
        last_loaded_at=rows[0].get("last_loaded_at"),
        loads=int(rows[0].get("loads") or 0),
        backfilling=backfilling,
        sql=loads_sql(marts, source),
    )
