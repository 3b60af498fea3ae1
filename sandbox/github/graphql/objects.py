"""Field resolvers of the sandbox's GitHub GraphQL types (repositories, pull requests and
reviews here; accounts in `accounts.py`, small records in `items.py`), over the same records
the REST API renders (`sandbox/github/models.py`): same database ids, node ids
(`shapes.node_id`), times and logins. `RESOLVERS[type][field](obj, info, **args)`;
connections page with `connections.paginate`."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from graphql import GraphQLResolveInfo

from sandbox.github.graphql.accounts import ACCOUNT, ORGANIZATION, TEAM, Resolver, _by_id, _ts, v
from sandbox.github.graphql.connections import Connection, paginate
from sandbox.github.graphql.context import (
    WEB,
    BranchRef,
    Context,
    PullCommit,
    ReviewRequest,
    pull_path,
    ref_node_id,
)
from sandbox.github.graphql.errors import GitHubGraphQLError
from sandbox.github.graphql.items import (
    COMMIT,
    ISSUE_COMMENT,
    LABEL,
    MILESTONE,
    PULL_COMMIT,
    REVIEW_REQUEST,
)
from sandbox.github.graphql.review_comments import (
    REVIEW_COMMENT,
    THREAD,
    Thread,
    review_comments,
    review_threads,
)
from sandbox.github.graphql.timeline import timeline_items
from sandbox.github.history import commits_of
from sandbox.github.models import (
    Commit,
    IssueComment,
    Label,
    Milestone,
    Pull,
    Repo,
    Review,
    ReviewComment,
    Team,
)
from sandbox.github.shapes import association, node_id

# -- repositories --------------------------------------------------------------------------------
_PULL_ORDER: dict[str, tuple[str, Callable[[Pull], tuple[Any, ...]]]] = {
    "CREATED_AT": ("created", lambda p: (_ts(p.created_at), p.id)),
    "UPDATED_AT": ("updated", lambda p: (_ts(p.updated_at), p.id)),
    "COMMENTS": ("popularity", lambda p: (p.comments, p.id)),
}


def _pull_state(pull: Pull) -> str:
    if pull.merged:
        return "MERGED"
    return "OPEN" if pull.state == "open" else "CLOSED"


def _pull_requests(repo: Repo, info: GraphQLResolveInfo, **args: Any) -> Connection:
    org = info.context.org
    order = args.get("orderBy") or {"field": "CREATED_AT", "direction": "ASC"}
    sort, key = _PULL_ORDER[order["field"]]
    descending = order["direction"] == "DESC"
    if sort == "popularity":
        rows = sorted(org.pulls(repo, state="all"), key=key, reverse=descending)
    else:
        rows = org.pulls(repo, state="all", sort=sort, direction="desc" if descending else "asc")
    if args.get("states"):
        states = set(args["states"])
        rows = [p for p in rows if _pull_state(p) in states]
    if args.get("baseRefName"):
        rows = [p for p in rows if p.repo.default_branch == args["baseRefName"]]
    if args.get("headRefName"):
        rows = [p for p in rows if p.head_ref == args["headRefName"]]
    if args.get("labels"):
        wanted = set(args["labels"])
        rows = [p for p in rows if wanted & {label.name for label in p.labels}]
    page = paginate(rows, key, args, info, descending=descending)
    if org.late is not None:  # what late visibility backdates from (`late_changes.py`)
        org.late.served(f"pulls {repo.full_name}", (p.updated_at for p in page.nodes))
    return page


def _pull_request(repo: Repo, info: GraphQLResolveInfo, number: int) -> Pull | None:
    pull = info.context.org.pull(repo, number)
    if pull is None:
        raise GitHubGraphQLError(
            "NOT_FOUND",
            f"Could not resolve to a PullRequest with the number of {number}.",
        )
    return pull


REPOSITORY: dict[str, Resolver] = {
    "createdAt": v(lambda r: r.created_at),
    "databaseId": v(lambda r: r.id),
    "defaultBranchRef": v(BranchRef),
    "description": v(lambda r: r.description),
    "id": v(lambda r: node_id("Repository", r.id)),
    "isArchived": v(lambda r: r.archived),
    "isFork": v(lambda r: r.fork),
    "isPrivate": v(lambda r: True),
    "name": v(lambda r: r.name),
    "nameWithOwner": v(lambda r: r.full_name),
    "owner": v(lambda r: r.owner),
    "pullRequest": _pull_request,
    "pullRequests": _pull_requests,
    "pushedAt": v(lambda r: r.pushed_at),
    "resourcePath": v(lambda r: f"/{r.full_name}"),
    "updatedAt": v(lambda r: r.updated_at),
    "url": v(lambda r: f"{WEB}/{r.full_name}"),
}
REF: dict[str, Resolver] = {
    "id": v(lambda ref: ref_node_id(ref.repo)),
    "name": v(lambda ref: ref.name),
    "prefix": v(lambda ref: "refs/heads/"),
}


# -- pull requests -------------------------------------------------------------------------------
def nested(
    read: Callable[[Pull, dict[str, Any]], list[Any]], key: Callable[[Any], Any]
) -> Resolver:
    """A pull request's nested connection; the `partial` fault makes the first one fail."""

    def resolve(pull: Pull, info: GraphQLResolveInfo, **args: Any) -> Connection:
        context: Context = info.context
        if context.fail_one_nested:
            context.fail_one_nested = False
            raise GitHubGraphQLError(None, "Something went wrong while executing your query.")
        return paginate(read(pull, args), key, args, info)

    return resolve


def _reviews(pull: Pull, args: dict[str, Any]) -> list[Review]:
    rows = sorted(pull.reviews, key=lambda r: r.id)
    if args.get("states"):
        rows = [r for r in rows if r.state in set(args["states"])]
    if args.get("author"):
        rows = [r for r in rows if r.user.login.lower() == args["author"].lower()]
    return rows


def _review_requests(pull: Pull, _args: dict[str, Any]) -> list[ReviewRequest]:
    requested = [*pull.requested_reviewers, *pull.requested_teams]
    return [ReviewRequest(pull, who) for who in requested]


def _comments(pull: Pull, args: dict[str, Any]) -> list[IssueComment]:
    order = args.get("orderBy") or {}
    rows = sorted(pull.conversation, key=lambda c: c.id)
    if order.get("field") == "UPDATED_AT":
        rows.sort(key=lambda c: (_ts(c.updated_at), c.id))
    if order.get("direction") == "DESC":
        rows.reverse()
    return rows


def merge_commit(pull: Pull) -> Commit | None:
    if not pull.merged or pull.merge_commit_sha is None or pull.merged_at is None:
        return None
    author = pull.merged_by or pull.user
    message = f"Merge pull request #{pull.number} from {pull.head_ref}"
    return Commit(pull.merge_commit_sha, pull, author, message, pull.merged_at, pull.merged_at)


PULL_REQUEST: dict[str, Resolver] = {
    "additions": v(lambda p: p.additions),
    "assignees": nested(lambda p, _a: sorted(p.assignees, key=lambda a: a.id), _by_id),
    "author": v(lambda p: p.user),
    "authorAssociation": v(lambda p: association(p.user)),
    "baseRefName": v(lambda p: p.repo.default_branch),
    "baseRefOid": v(lambda p: p.base_sha),
    "baseRepository": v(lambda p: p.repo),
    "body": v(lambda p: p.body or ""),
    "changedFiles": v(lambda p: p.changed_files),
    "closed": v(lambda p: p.state == "closed"),
    "closedAt": v(lambda p: p.closed_at),
    "comments": nested(_comments, lambda c: (c.id,)),
    # in branch order, as GitHub lists them (committed times need not ascend: a rebase commits
    # them all at once); the cursor is the position on the branch
    "commits": nested(
        lambda p, _a: [PullCommit(p, c) for c in commits_of(p)],
        lambda item: (next(i for i, c in enumerate(item.pull.commit_list) if c is item.commit),),
    ),
    "createdAt": v(lambda p: p.created_at),
    "databaseId": v(lambda p: p.id),
    "deletions": v(lambda p: p.deletions),
    "headRefName": v(lambda p: p.head_ref),
    "headRefOid": v(lambda p: p.head_sha),
    "headRepository": v(lambda p: p.head_repo),
    "headRepositoryOwner": v(lambda p: p.head_repo.owner),
    "id": v(lambda p: node_id("PullRequest", p.id)),
    "isCrossRepository": v(lambda p: p.head_repo is not p.repo),
    "isDraft": v(lambda p: p.draft),
    "labels": nested(lambda p, _a: sorted(p.labels, key=lambda label: label.id), _by_id),
    "locked": v(lambda p: p.locked),
    "mergeCommit": v(merge_commit),
    "merged": v(lambda p: p.merged),
    "mergedAt": v(lambda p: p.merged_at),
    "mergedBy": v(lambda p: p.merged_by),
    "milestone": v(lambda p: p.milestone),
    "number": v(lambda p: p.number),
    "permalink": v(lambda p: WEB + pull_path(p)),
    "repository": v(lambda p: p.repo),
    "resourcePath": v(pull_path),
    "reviewRequests": nested(_review_requests, lambda r: (r.database_id,)),
    "reviewThreads": review_threads,
    "reviews": nested(_reviews, _by_id),
    "state": v(_pull_state),
    "timelineItems": timeline_items,
    "title": v(lambda p: p.title),
    "totalCommentsCount": v(lambda p: len(p.conversation) + len(p.inline)),
    "updatedAt": v(lambda p: p.updated_at),
    "url": v(lambda p: WEB + pull_path(p)),
}


def _review_commit(review: Review) -> Commit | None:
    pull = review.pull
    found = next((c for c in commits_of(pull) if c.oid == review.commit_id), None)
    if found is not None:
        return found
    at = review.submitted_at or review.created_at
    return Commit(review.commit_id, pull, pull.user, "Update", at, at)


REVIEW: dict[str, Resolver] = {
    "author": v(lambda r: r.user),
    "authorAssociation": v(lambda r: association(r.user)),
    "body": v(lambda r: r.body),
    "comments": review_comments,
    "commit": v(_review_commit),
    "createdAt": v(lambda r: r.created_at),
    "databaseId": v(lambda r: r.id),
    "id": v(lambda r: node_id("PullRequestReview", r.id)),
    "pullRequest": v(lambda r: r.pull),
    "resourcePath": v(lambda r: f"{pull_path(r.pull)}#pullrequestreview-{r.id}"),
    "state": v(lambda r: r.state),
    "submittedAt": v(lambda r: r.submitted_at),
    "updatedAt": v(lambda r: r.submitted_at or r.created_at),
    "url": v(lambda r: f"{WEB}{pull_path(r.pull)}#pullrequestreview-{r.id}"),
}
RESOLVERS: dict[str, dict[str, Resolver]] = {
    "User": ACCOUNT,
    "Bot": ACCOUNT,
    "Mannequin": {**ACCOUNT, "claimant": v(lambda a: None)},
    "Organization": ORGANIZATION,
    "Team": TEAM,
    "Repository": REPOSITORY,
    "Ref": REF,
    "PullRequest": PULL_REQUEST,
    "PullRequestReview": REVIEW,
    "Commit": COMMIT,
    "PullRequestCommit": PULL_COMMIT,
    "ReviewRequest": REVIEW_REQUEST,
    "IssueComment": ISSUE_COMMENT,
    "Label": LABEL,
    "Milestone": MILESTONE,
    "PullRequestReviewComment": REVIEW_COMMENT,
    "PullRequestReviewThread": THREAD,
}

#: The GraphQL type of each record class (accounts: their `type`).
TYPE_NAMES: dict[type, str] = {
    BranchRef: "Ref",
    Team: "Team",
    Repo: "Repository",
    Pull: "PullRequest",
    Review: "PullRequestReview",
    Commit: "Commit",
    PullCommit: "PullRequestCommit",
    ReviewRequest: "ReviewRequest",
    IssueComment: "IssueComment",
    Label: "Label",
    Milestone: "Milestone",
    ReviewComment: "PullRequestReviewComment",
    Thread: "PullRequestReviewThread",
}
