"""Review comments in GraphQL: `PullRequestReview.comments` and `PullRequest.reviewThreads`
(a thread is a root comment and its replies), over the same records as REST's
`/pulls/comments` (same ids, node ids, times, paths and lines)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from graphql import GraphQLResolveInfo

from sandbox.github.graphql.connections import Connection, paginate
from sandbox.github.graphql.context import WEB, pull_path
from sandbox.github.models import Commit, Pull, Review, ReviewComment
from sandbox.github.shapes import association, node_id


@dataclass(frozen=True)
class Thread:
    """A review thread: its root comment and the replies to it, oldest first."""

    root: ReviewComment
    comments: tuple[ReviewComment, ...]


def commit_by_oid(pull: Pull, oid: str, at: datetime) -> Commit:
    """The pull request's commit `oid` (a stand-in when it is not one of its commits, as for
    an original commit that was force-pushed away)."""
    found = next((c for c in pull.commit_list if c.oid == oid), None)
    return found if found is not None else Commit(oid, pull, pull.user, "Update", at, at)


def _root(comment: ReviewComment) -> ReviewComment:
    while comment.in_reply_to is not None:
        comment = comment.in_reply_to
    return comment


def threads(pull: Pull) -> list[Thread]:
    """A pull request's review threads, by their root comment's id."""
    grouped: dict[int, list[ReviewComment]] = {}
    roots: dict[int, ReviewComment] = {}
    for comment in sorted(pull.inline, key=lambda c: c.id):
        root = _root(comment)
        roots[root.id] = root
        grouped.setdefault(root.id, []).append(comment)
    return [Thread(roots[i], tuple(grouped[i])) for i in sorted(grouped)]


def _by_id(item: Any) -> tuple[int]:
    return (item.id,)


def review_comments(review: Review, info: GraphQLResolveInfo, **args: Any) -> Connection:
    rows = sorted((c for c in review.pull.inline if c.review is review), key=lambda c: c.id)
    return paginate(rows, _by_id, args, info)


def review_threads(pull: Pull, info: GraphQLResolveInfo, **args: Any) -> Connection:
    return paginate(threads(pull), lambda t: (t.root.id,), args, info)


def _thread_comments(thread: Thread, info: GraphQLResolveInfo, **args: Any) -> Connection:
    return paginate(list(thread.comments)[args.get("skip") or 0 :], _by_id, args, info)


def _comment_path(comment: ReviewComment) -> str:
    return f"{pull_path(comment.pull)}#discussion_r{comment.id}"


def _v(read: Any) -> Any:
    return lambda obj, _info, **_args: read(obj)


REVIEW_COMMENT: dict[str, Any] = {
    "author": _v(lambda c: c.user),
    "authorAssociation": _v(lambda c: association(c.user)),
    "body": _v(lambda c: c.body),
    "commit": _v(lambda c: commit_by_oid(c.pull, c.commit_id, c.created_at)),
    "createdAt": _v(lambda c: c.created_at),
    "databaseId": _v(lambda c: c.id),
    "diffHunk": _v(lambda c: c.diff_hunk),
    "id": _v(lambda c: node_id("PullRequestReviewComment", c.id)),
    "line": _v(lambda c: c.line),
    "originalCommit": _v(lambda c: commit_by_oid(c.pull, c.original_commit_id, c.created_at)),
    "originalLine": _v(lambda c: c.original_line),
    "path": _v(lambda c: c.path),
    "pullRequest": _v(lambda c: c.pull),
    "pullRequestReview": _v(lambda c: c.review),
    "replyTo": _v(lambda c: c.in_reply_to),
    "resourcePath": _v(_comment_path),
    "startLine": _v(lambda c: c.start_line),
    "updatedAt": _v(lambda c: c.updated_at),
    "url": _v(lambda c: WEB + _comment_path(c)),
}
THREAD: dict[str, Any] = {
    "comments": _thread_comments,
    "diffSide": _v(lambda t: t.root.side),
    "id": _v(lambda t: node_id("PullRequestReviewThread", t.root.id)),
    "isOutdated": _v(lambda t: t.root.original_commit_id != t.root.pull.head_sha),
    "isResolved": _v(lambda t: t.root.id // 5 % 4 == 0),
    "line": _v(lambda t: t.root.line),
    "path": _v(lambda t: t.root.path),
    "pullRequest": _v(lambda t: t.root.pull),
    "startLine": _v(lambda t: t.root.start_line),
}
