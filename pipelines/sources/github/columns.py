"""Column types of the GitHub raw tables (dlt hints; nested objects flatten to `a__b`)."""

from __future__ import annotations

from typing import Any

TIMESTAMP, BIGINT, TEXT, BOOL = "timestamp", "bigint", "text", "bool"


def _columns(id_type: str = BIGINT, **types: str) -> dict[str, dict[str, Any]]:
    """Column hints (a fresh dict per column: dlt writes the column name into each)."""
    # BigQuery: clustering on the merge key lets the merge's delete prune blocks.
    hints: dict[str, dict[str, Any]] = {
        "id": {"data_type": id_type, "nullable": False, "cluster": True}
    }
    hints.update({name: {"data_type": t, "nullable": True} for name, t in types.items()})
    return hints


_ACTOR = {"login": TEXT, "id": BIGINT, "type": TEXT}


def _actor(prefix: str) -> dict[str, str]:
    return {f"{prefix}__{k}": t for k, t in _ACTOR.items()}


PULL_REQUEST_COLUMNS = _columns(
    repo=TEXT,
    number=BIGINT,
    created_at=TIMESTAMP,
    updated_at=TIMESTAMP,
    closed_at=TIMESTAMP,
    merged_at=TIMESTAMP,
    merge_commit_sha=TEXT,
    milestone__id=BIGINT,
    milestone__number=BIGINT,
    milestone__title=TEXT,
    milestone__state=TEXT,
    head__repo__id=BIGINT,
    head__repo__full_name=TEXT,
    body=TEXT,
    additions=BIGINT,
    deletions=BIGINT,
    changed_files=BIGINT,
    commits=BIGINT,
    first_commit_at=TIMESTAMP,
    author_type=TEXT,
    is_bot=BOOL,
    locked=BOOL,
    draft=BOOL,
)
REVIEW_COLUMNS = _columns(
    repo=TEXT,
    pull_number=BIGINT,
    submitted_at=TIMESTAMP,
    user__login=TEXT,
    user__id=BIGINT,
    user__type=TEXT,
)
TIMELINE_EVENT_COLUMNS = _columns(
    TEXT,
    repo=TEXT,
    pull_request_id=BIGINT,
    pull_number=BIGINT,
    event=TEXT,
    created_at=TIMESTAMP,
    **_actor("actor"),
    **_actor("requested_reviewer"),
    requested_team__id=BIGINT,
    requested_team__slug=TEXT,
    dismissed_review_id=BIGINT,
)
REVIEW_REQUEST_COLUMNS = _columns(
    TEXT,
    repo=TEXT,
    pull_request_id=BIGINT,
    pull_number=BIGINT,
    requested_at=TIMESTAMP,
    removed_at=TIMESTAMP,
    is_outstanding=BOOL,
    **_actor("requested_by"),
    **_actor("reviewer"),
    team__id=BIGINT,
    team__slug=TEXT,
)
PR_COMMIT_COLUMNS = _columns(
    TEXT,
    repo=TEXT,
    pull_request_id=BIGINT,
    pull_number=BIGINT,
    sha=TEXT,
    authored_at=TIMESTAMP,
    committed_at=TIMESTAMP,
    pull_request_updated_at=TIMESTAMP,
)
