"""`PullRequest.timelineItems` and the timeline event types: the events recorded on each pull
request (`Pull.timeline`) merged with its reviews, conversation comments and commits, in time
order, filtered by `itemTypes` and `since`."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from graphql import GraphQLResolveInfo

from sandbox.github.graphql.connections import Connection, paginate
from sandbox.github.graphql.context import WEB, PullCommit, pull_path
from sandbox.github.graphql.errors import GitHubGraphQLError
from sandbox.github.history import commits_of, timeline_of
from sandbox.github.models import IssueComment, Pull, Review, TimelineEvent
from sandbox.github.shapes import node_id

#: `PullRequestTimelineItemsItemType` values the sandbox records -> GraphQL type names.
ITEM_TYPES = {
    "READY_FOR_REVIEW_EVENT": "ReadyForReviewEvent",
    "CONVERT_TO_DRAFT_EVENT": "ConvertToDraftEvent",
    "REVIEW_REQUESTED_EVENT": "ReviewRequestedEvent",
    "REVIEW_REQUEST_REMOVED_EVENT": "ReviewRequestRemovedEvent",
    "REOPENED_EVENT": "ReopenedEvent",
    "MERGED_EVENT": "MergedEvent",
    "CLOSED_EVENT": "ClosedEvent",
    "REVIEW_DISMISSED_EVENT": "ReviewDismissedEvent",
    "PULL_REQUEST_REVIEW": "PullRequestReview",
    "ISSUE_COMMENT": "IssueComment",
    "PULL_REQUEST_COMMIT": "PullRequestCommit",
}


def _items(pull: Pull) -> list[tuple[str, datetime, int, Any]]:
    """(type name, time, tie-break, item) of everything on the timeline."""
    items: list[tuple[str, datetime, int, Any]] = [
        (e.kind, e.created_at, e.id, e) for e in timeline_of(pull)
    ]
    items += [("PullRequestReview", r.submitted_at or r.created_at, r.id, r) for r in pull.reviews]
    items += [("IssueComment", c.created_at, c.id, c) for c in pull.conversation]
    items += [
        ("PullRequestCommit", c.committed_at, i, PullCommit(pull, c))
        for i, c in enumerate(commits_of(pull))
    ]
    items.sort(key=lambda item: (item[1], item[2]))
    return items


def timeline_items(pull: Pull, info: GraphQLResolveInfo, **args: Any) -> Connection:
    """One page of the timeline, with the counts GitHub adds to this connection."""
    context = info.context
    if context.fail_one_nested:
        context.fail_one_nested = False
        raise GitHubGraphQLError(None, "Something went wrong while executing your query.")
    items = _items(pull)
    if args.get("itemTypes"):
        wanted = {ITEM_TYPES.get(t) for t in args["itemTypes"]}
        items = [item for item in items if item[0] in wanted]
    total = len(items)  # of the item types asked for
    if args.get("since") is not None:
        items = [item for item in items if item[1] >= args["since"]]
    skip = args.get("skip") or 0
    if skip < 0:
        raise GitHubGraphQLError("INVALID_ARGUMENTS", "`skip` cannot be less than zero.")
    filtered = len(items)
    connection = paginate(
        items[skip:], lambda item: (int(item[1].timestamp()), item[2]), args, info
    )
    connection.nodes = [item[3] for item in connection.nodes]
    connection.totalCount = total
    connection.filteredCount = filtered  # type: ignore[attr-defined]
    connection.pageCount = len(connection.nodes)  # type: ignore[attr-defined]
    connection.updatedAt = pull.updated_at  # type: ignore[attr-defined]
    return connection


def _event_path(event: TimelineEvent) -> str:
    return f"{pull_path(event.pull)}#event-{event.id}"


def _merge_commit(event: TimelineEvent) -> Any:
    from sandbox.github.graphql.objects import merge_commit

    return merge_commit(event.pull)


def _state_reason(event: TimelineEvent) -> str | None:
    return "REOPENED" if event.kind == "ReopenedEvent" else None


EVENT: dict[str, Any] = {
    "actor": lambda e, _i: e.actor,
    "createdAt": lambda e, _i: e.created_at,
    "id": lambda e, _i: node_id(e.kind, e.id),
    "pullRequest": lambda e, _i: e.pull,
    "resourcePath": lambda e, _i: _event_path(e),
    "url": lambda e, _i: WEB + _event_path(e),
    "requestedReviewer": lambda e, _i: e.requested,
    "stateReason": lambda e, _i: _state_reason(e),
    "commit": lambda e, _i: _merge_commit(e),
    "mergeRefName": lambda e, _i: e.pull.repo.default_branch,
    "databaseId": lambda e, _i: e.id,
    "dismissalMessage": lambda e, _i: e.message,
    "previousReviewState": lambda e, _i: e.previous_state,
    "review": lambda e, _i: e.review,
}
EVENT_TYPES = [name for name in ITEM_TYPES.values() if name.endswith("Event")]
__all__ = ["EVENT", "EVENT_TYPES", "ITEM_TYPES", "IssueComment", "Review", "timeline_items"]
