"""README's "Adding a Linear entity", step 1, followed by a test: a throwaway entity, declared
and added to `ENTITIES` and nothing else, is read from the sandbox and loaded into its own raw
table, typed as declared, and a second run loads nothing new."""

from __future__ import annotations

from pathlib import Path

import dlt
import duckdb
import pytest

import pipelines.sources.linear as linear_module
from pipelines.sources.linear import linear_source
from pipelines.sources.linear.entities import TEXT, TIMESTAMP, Entity
from sandbox import LINEAR_API_KEY, Sandbox

#: Linear's projects again, under a table of their own: a declaration like any other.
THROWAWAY = Entity(
    name="projects",
    filter_type="ProjectFilter",
    kind="reference",
    fields={"id": TEXT, "name": TEXT, "createdAt": TIMESTAMP, "updatedAt": TIMESTAMP},
    relations=("lead",),
    table_name="raw_throwaway_projects",
)


def _run(sandbox: Sandbox, root: Path) -> None:
    pipeline = dlt.pipeline(
        pipeline_name="linear_recipe",
        pipelines_dir=str(root / "dlt"),
        destination=dlt.destinations.duckdb(str(root / "warehouse.duckdb")),
        dataset_name="linear",
    )
    source = linear_source(
        api_key=LINEAR_API_KEY, api_url=f"{sandbox.linear.url}/graphql", entities=["projects"]
    )
    pipeline.run(source)


def test_a_declared_entity_loads_from_the_sandbox(
    sandbox: Sandbox, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(linear_module, "ENTITIES", (THROWAWAY,))
    _run(sandbox, tmp_path)

    truth = {
        row["id"]: (row["name"], (row.get("lead") or {}).get("id"))
        for row in sandbox.linear.workspace.truth("projects")
    }
    with duckdb.connect(str(tmp_path / "warehouse.duckdb"), read_only=True) as con:
        loaded = con.execute("select id, name, lead__id from linear.raw_throwaway_projects")
        rows = {row[0]: (row[1], row[2]) for row in loaded.fetchall()}
        types = dict(
            con.execute(
                "select column_name, data_type from information_schema.columns "
                "where table_schema = 'linear' and table_name = 'raw_throwaway_projects'"
            ).fetchall()
        )
        tables = {r[0] for r in con.execute("select table_name from duckdb_tables()").fetchall()}
    assert rows == truth and len(rows) > 0
    assert types["updated_at"].startswith("TIMESTAMP") and types["name"] == "VARCHAR"
    assert "description" not in types  # only the declared fields are selected
    assert "raw_projects" not in tables  # the declaration is the only one in ENTITIES

    _run(sandbox, tmp_path)  # nothing changed: nothing is loaded again
    with duckdb.connect(str(tmp_path / "warehouse.duckdb"), read_only=True) as con:
        loads = con.execute(
            "select count(*), count(distinct _dlt_load_id) from linear.raw_throwaway_projects"
        ).fetchone()
    assert loads == (len(truth), 1)
