"""The Linear declarations and the queries built from them: selection, table names, column
hints, `prepare`, and the sync query's text and variables."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from pipelines.sources.linear.entities import (
    ATTACHMENTS,
    COMMENTS,
    ENTITIES,
    ISSUES,
    LABELS,
    USERS,
    WORKFLOW_STATES,
    MalformedRecord,
)
from pipelines.sources.linear.queries import PAGE_SIZE, sync_query, sync_variables


def test_table_names() -> None:
    assert [e.table for e in ENTITIES] == [
        "raw_users",
        "raw_teams",
        "raw_workflow_states",
        "raw_cycles",
        "raw_projects",
        "raw_labels",  # declared: not raw_issue_labels
        "raw_issues",
        "raw_comments",
        "raw_attachments",
    ]
    assert WORKFLOW_STATES.table == "raw_workflow_states" and LABELS.table == "raw_labels"


def test_selection_names_scalars_relation_ids_and_aliased_lists() -> None:
    selection = COMMENTS.selection
    assert selection == (
        "id url createdAt updatedAt archivedAt editedAt issue { id } user { id } parent { id }"
    )
    assert ISSUES.selection.endswith(
        "parent { id } labels: labelIds previous_identifiers: previousIdentifiers"
    )


def test_prepare_flattens_relations_and_keeps_json_as_text() -> None:
    row = ATTACHMENTS.prepare(
        {
            "id": "a1",
            "updatedAt": "2026-01-02T03:04:05.000Z",
            "issue": {"id": "i1"},
            "creator": None,
            "metadata": {"z": 1, "a": [1, 2]},
        }
    )
    assert row["issue__id"] == "i1" and row["creator__id"] is None
    assert "issue" not in row and "creator" not in row
    assert row["metadata"] == '{"a":[1,2],"z":1}'  # sorted keys, compact: stable across runs


@pytest.mark.parametrize(
    "row",
    [
        {"updatedAt": "2026-01-02T03:04:05.000Z"},
        {"id": "", "updatedAt": "2026-01-02T03:04:05.000Z"},
        {"id": "c1"},
        {"id": "c1", "updatedAt": "yesterday"},
    ],
    ids=["no id", "empty id", "no updatedAt", "bad updatedAt"],
)
def test_prepare_refuses_rows_merging_or_the_cursor_cannot_use(row: dict[str, str]) -> None:
    with pytest.raises(MalformedRecord):
        COMMENTS.prepare(dict(row))


def test_column_hints() -> None:
    hints = ISSUES.columns
    assert hints["id"] == {"data_type": "text", "nullable": False, "cluster": True}
    assert hints["updatedAt"]["dedup_sort"] == "desc"
    assert hints["team__id"] == {"data_type": "text", "nullable": True}
    assert hints["dueDate"]["data_type"] == "date"
    assert ATTACHMENTS.columns["metadata"]["data_type"] == "text"  # JSON kept as text
    assert "cluster" not in USERS.columns["id"]  # reference entities: no clustering


def test_sync_query_reads_archived_rows_in_update_order() -> None:
    query = sync_query(USERS)
    assert query.startswith(
        "query Sync_users($first: Int!, $after: String, $filter: UserFilter) "
        "{ users(first: $first, after: $after, filter: $filter, includeArchived: true, "
        "orderBy: updatedAt, includeDisabled: true) { nodes { id name "
    )
    assert query.endswith("pageInfo { hasNextPage endCursor } } }")


def test_sync_variables() -> None:
    since = datetime(2026, 1, 2, 3, 4, 5, tzinfo=UTC)
    assert sync_variables(COMMENTS, None, PAGE_SIZE) == {"first": 250, "after": None}
    assert sync_variables(COMMENTS, since, 50)["filter"] == {
        "updatedAt": {"gte": "2026-01-02T03:04:05Z"}
    }
    # Archiving need not move updatedAt: issues also ask for recent archives.
    assert sync_variables(ISSUES, since, 50)["filter"] == {
        "or": [
            {"updatedAt": {"gte": "2026-01-02T03:04:05Z"}},
            {"archivedAt": {"gte": "2026-01-02T03:04:05Z"}},
        ]
    }
