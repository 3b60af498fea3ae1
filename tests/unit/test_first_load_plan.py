"""`plan_appends` (first_load.py): which tables of a run may append instead of merging, a
resource's table variants included, decided per table from the marks, the resource state and
the rows the destination already has."""

from __future__ import annotations

from collections.abc import Collection, Iterator
from pathlib import Path
from typing import Any

import dlt
import pytest
from dlt.extract.source import DltSource

from pipelines.sources.first_load import append_on_first_load, plan_appends


def _two_tables() -> Iterator[Any]:
    yield dlt.mark.with_table_name({"id": "s1"}, "spans")
    yield dlt.mark.with_table_name({"id": "h1"}, "entries")


def _source(*, mark_variant: bool = True, mark_other: bool = True) -> DltSource:
    @dlt.source(name="plan")
    def plan() -> list[Any]:
        both = dlt.resource(
            _two_tables,
            name="both",
            table_name="spans",
            primary_key="id",
            write_disposition="merge",
        )()
        both.apply_hints(
            table_name="entries",
            primary_key="id",
            write_disposition="merge",
            create_table_variant=True,
        )
        other = dlt.resource(
            [{"id": "o1"}], name="other", primary_key="id", write_disposition="merge"
        )
        return [
            append_on_first_load(both, variants=("entries",) if mark_variant else ()),
            append_on_first_load(other) if mark_other else other,
        ]

    return plan()


def _dispositions(source: DltSource, tmp_path: Path) -> dict[str, str]:
    pipeline = dlt.pipeline(
        pipeline_name="plan", destination="duckdb", pipelines_dir=str(tmp_path / "dlt")
    )
    pipeline.extract(source)
    tables = pipeline.default_schema.data_tables(include_incomplete=True)
    return {table["name"]: table["write_disposition"] for table in tables}


def _no_rows(tables: Collection[str]) -> set[str]:
    return set()


def test_a_marked_variant_appends_with_its_resource(tmp_path: Path) -> None:
    source = _source()
    appended = plan_appends(source, {}, _no_rows)
    assert sorted(appended) == ["entries", "other", "spans"]
    assert _dispositions(source, tmp_path) == {
        "spans": "append",
        "entries": "append",
        "other": "append",
    }


def test_an_unmarked_variant_keeps_merging(tmp_path: Path) -> None:
    source = _source(mark_variant=False, mark_other=False)
    assert plan_appends(source, {}, _no_rows) == ["spans"]
    assert _dispositions(source, tmp_path) == {
        "spans": "append",
        "entries": "merge",
        "other": "merge",
    }


def test_each_table_with_rows_merges(tmp_path: Path) -> None:
    asked: list[set[str]] = []

    def entries_loaded(tables: Collection[str]) -> set[str]:
        asked.append(set(tables))
        return {"entries"}

    source = _source()
    assert sorted(plan_appends(source, {}, entries_loaded)) == ["other", "spans"]
    assert asked == [{"spans", "entries", "other"}]
    assert _dispositions(source, tmp_path)["entries"] == "merge"


@pytest.mark.parametrize("refresh", [False, True])
def test_resource_state_merges_unless_refreshed(tmp_path: Path, refresh: bool) -> None:
    source = _source()
    state = {"resources": {"both": {"cursor": "2026-01-01T00:00:00Z"}}}
    appended = plan_appends(source, state, _no_rows, refresh=refresh)
    expected = ["entries", "other", "spans"] if refresh else ["other"]
    assert sorted(appended) == expected
    dispositions = _dispositions(source, tmp_path)
    assert dispositions["entries"] == dispositions["spans"] == ("append" if refresh else "merge")
