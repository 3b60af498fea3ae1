"""The reconcile decision (pure): what to read again, what to mark deleted."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from pipelines.sources.linear.entities import COMMENTS, ISSUES
from pipelines.sources.linear.reconcile import ids_query, state_fields
from pipelines.sources.reconcile_plan import epoch_ms, pages_of, plan, state_of
from pipelines.sources.warehouse_rows import marked_deleted

ARCHIVED = state_of("2026-05-01T10:00:00.000Z")
LIVE = state_of(None)


def test_unchanged_rows_need_nothing() -> None:
    decided = plan({"a": LIVE, "b": ARCHIVED}, {"a": LIVE, "b": ARCHIVED, "new": LIVE}, set())
    assert decided.is_empty


def test_archive_and_trash_changes_are_read_again() -> None:
    warehouse = {"unarchived": ARCHIVED, "restored": state_of("2026-05-01T10:00:00Z", True)}
    api = {"unarchived": LIVE, "restored": LIVE}
    assert plan(warehouse, api, set()).reload == ["restored", "unarchived"]


def test_rows_gone_from_the_api_are_marked_once() -> None:
    warehouse = {"kept": LIVE, "gone": LIVE, "gone_before": LIVE}
    decided = plan(warehouse, {"kept": LIVE}, deleted={"gone_before"})
    assert decided.gone == ["gone"] and decided.reload == []


def test_a_deleted_row_the_api_returns_again_comes_back() -> None:
    assert plan({7: LIVE}, {7: LIVE}, deleted={7}).reload == [7]


def test_ids_the_warehouse_never_had_are_left_to_the_incremental_read() -> None:
    assert plan({}, {"older": LIVE}, set()).is_empty


def test_states_compare_across_warehouse_and_api_forms() -> None:
    aware = datetime(2026, 5, 1, 10, tzinfo=UTC)
    assert state_of(aware) == state_of("2026-05-01T10:00:00.000Z") == state_of(aware, False)
    assert state_of(aware.replace(tzinfo=None)) == state_of(aware)
    assert state_of(aware, None) != state_of(aware, True)
    assert epoch_ms(date(1970, 1, 2)) == 86_400_000
    with pytest.raises(TypeError):
        epoch_ms(3.5)


@pytest.mark.parametrize(("count", "pages"), [(0, 1), (1, 1), (250, 1), (251, 2), (1000, 4)])
def test_listing_requests(count: int, pages: int) -> None:
    assert pages_of(count, 250) == pages


def test_id_listings_select_only_ids_and_state() -> None:
    assert state_fields(ISSUES) == ("archivedAt", "trashed")
    assert state_fields(COMMENTS) == ("archivedAt",)
    query = ids_query(ISSUES)
    assert "includeArchived: true" in query
    assert "nodes { id archivedAt trashed }" in query
    assert "orderBy" not in query and "filter" not in query


def test_marked_deleted_keeps_the_row_and_its_lists() -> None:
    at = datetime(2026, 6, 1, tzinfo=UTC)
    row = {"id": "a", "title": "t", "_dlt_id": "x", "_dlt_load_id": "1"}
    record = marked_deleted(row, {"labels": ["l1", "l2"]}, at)
    assert record == {
        "id": "a",
        "title": "t",
        "labels": ["l1", "l2"],
        "is_deleted": True,
        "deleted_at": at,
    }
