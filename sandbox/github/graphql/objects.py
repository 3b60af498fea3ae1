"""Field resolvers of the sandbox's GitHub GraphQL types, over the same records the REST API
renders (`sandbox/github/models.py`): same database ids, node ids (`shapes.node_id`), times
and logins. `RESOLVERS[type][field](obj, info, **args)`; connections page with
`connections.paginate`."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Any

from graphql import GraphQLResolveInfo

from sandbox.github.graphql.connections import Connection, paginate
from sandbox.github.graphql.context import (
    WEB,
    Context,
    PullCommit,
    ReviewRequest,
    account_paths,
    commit_node_id,
    pull_commit_node_id,
    pull_path,
)
from sandbox.github.graphql.errors import GitHubGraphQLError
from sandbox.github.graphql.timeline import timeline_items
from sandbox.github.models import (
    Account,
    Commit,
    IssueComment,
    Label,
    Milestone,
    Pull,
    Repo,
    Review,
    Team,
)
from sandbox.github.shapes import association, node_id

Resolver = Callable[..., Any]


def v(read: Callable[[Any], Any]) -> Resolver:
    """A resolver reading one value off the object."""
    return lambda obj, _info, **_args: read(obj)


def _ts(value: datetime) -> int:
    return int(value.timestamp())


def _by_id(item: Any) -> tuple[int]:
    return (item.id,)


# -- accounts ------------------------------------------------------------------------------------
def _avatar(account: Account, _info: GraphQLResolveInfo, size: int | None = None) -> str:
    url = f"https://avatars.githubusercontent.com/u/{account.id}?v=4"
    return url if size is None else f"{url}&s={size}"


ACCOUNT: dict[str, Resolver] = {
    "avatarUrl": _avatar,
    "createdAt": v(lambda a: a.created_at),
    "databaseId": v(lambda a: a.id),
    "id": v(lambda a: node_id(a.type, a.id)),
    "login": v(lambda a: a.login),
    "resourcePath": v(lambda a: account_paths(a)[0]),
    "updatedAt": v(lambda a: a.updated_at),
    "url": v(lambda a: account_paths(a)[1]),
    "email": v(lambda a: a.email or ""),
    "name": v(lambda a: a.name),
}


def _org_repositories(org: Account, info: GraphQLResolveInfo, **args: Any) -> Connection:
    context: Context = info.context
    repos = [r for r in context.org.world.repos if r.owner is org]
    if args.get("isArchived") is not None:
        repos = [r for r in repos if r.archived == args["isArchived"]]
    if args.get("isFork") is not None:
        repos = [r for r in repos if r.fork == args["isFork"]]
    order = args.get("orderBy") or {}
    field = order.get("field")
    keys: dict[str | None, Callable[[Repo], tuple[Any, ...]]] = {
        None: lambda r: (r.id,),
        "NAME": lambda r: (r.name.lower(), r.id),
        "CREATED_AT": lambda r: (_ts(r.created_at), r.id),
        "UPDATED_AT": lambda r: (_ts(r.updated_at), r.id),
        "PUSHED_AT": lambda r: (_ts(r.pushed_at), r.id),
        "STARGAZERS": lambda r: (r.stargazers, r.id),
    }
    key = keys[field]
    descending = order.get("direction") == "DESC"
    repos.sort(key=key, reverse=descending)
    return paginate(repos, key, args, info, descending=descending)


def _org_repository(org: Account, info: GraphQLResolveInfo, name: str, **_: Any) -> Repo | None:
    repo = info.context.org.repo(org.login, name)
    if repo is None:
        raise GitHubGraphQLError(
            "NOT_FOUND", f"Could not resolve to a Repository with the name '{org.login}/{name}'."
        )
    return repo


ORGANIZATION = {**ACCOUNT, "repositories": _org_repositories, "repository": _org_repository}

TEAM: dict[str, Resolver] = {
    "combinedSlug": v(lambda t: f"{t.org}/{t.slug}"),
    "createdAt": lambda t, info: info.context.org.org.created_at,
    "updatedAt": lambda t, info: info.context.org.org.updated_at,
    "databaseId": v(lambda t: t.id),
    "description": v(lambda t: t.description),
    "id": v(lambda t: node_id("Team", t.id)),
    "name": v(lambda t: t.name),
    "slug": v(lambda t: t.slug),
    "resourcePath": v(lambda t: f"/orgs/{t.org}/teams/{t.slug}"),
    "url": v(lambda t: f"{WEB}/orgs/{t.org}/teams/{t.slug}"),
}


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
    return paginate(rows, key, args, info, descending=descending)


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
    "defaultBranchRef": v(lambda r: {"repo": r, "name": r.default_branch}),
    "description": v(lambda r: r.description),
    "id": v(lambda r: node_id("Repository", r.id)),
    "isArchived": v(lambda r: r.archived),
    "isFork": v(lambda r: r.fork),
    "isPrivate": v(lambda r: True),
    "name": v(lambda r: r.name),
    "nameWithOwner": v(lambda r: r.full_name),
    "pullRequest": _pull_request,
    "pullRequests": _pull_requests,
    "pushedAt": v(lambda r: r.pushed_at),
    "resourcePath": v(lambda r: f"/{r.full_name}"),
    "updatedAt": v(lambda r: r.updated_at),
    "url": v(lambda r: f"{WEB}/{r.full_name}"),
}
REF: dict[str, Resolver] = {
    "id": v(lambda ref: node_id("Ref", ref["repo"].id * 1000 + 1)),
    "name": v(lambda ref: ref["name"]),
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


def _merge_commit(pull: Pull) -> Commit | None:
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
    "commits": nested(
        lambda p, _a: [PullCommit(p, c) for c in p.commit_list],
        lambda item: (_ts(item.commit.committed_at), item.commit.oid),
    ),
    "createdAt": v(lambda p: p.created_at),
    "databaseId": v(lambda p: p.id),
    "deletions": v(lambda p: p.deletions),
    "headRefName": v(lambda p: p.head_ref),
    "headRefOid": v(lambda p: p.head_sha),
    "headRepository": v(lambda p: p.head_repo),
    "id": v(lambda p: node_id("PullRequest", p.id)),
    "isCrossRepository": v(lambda p: p.head_repo is not p.repo),
    "isDraft": v(lambda p: p.draft),
    "labels": nested(lambda p, _a: sorted(p.labels, key=lambda label: label.id), _by_id),
    "locked": v(lambda p: p.locked),
    "mergeCommit": v(_merge_commit),
    "merged": v(lambda p: p.merged),
    "mergedAt": v(lambda p: p.merged_at),
    "mergedBy": v(lambda p: p.merged_by),
    "milestone": v(lambda p: p.milestone),
    "number": v(lambda p: p.number),
    "permalink": v(lambda p: WEB + pull_path(p)),
    "repository": v(lambda p: p.repo),
    "resourcePath": v(pull_path),
    "reviewRequests": nested(_review_requests, lambda r: (r.database_id,)),
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
    found = next((c for c in pull.commit_list if c.oid == review.commit_id), None)
    if found is not None:
        return found
    at = review.submitted_at or review.created_at
    return Commit(review.commit_id, pull, pull.user, "Update", at, at)


REVIEW: dict[str, Resolver] = {
    "author": v(lambda r: r.user),
    "authorAssociation": v(lambda r: association(r.user)),
    "body": v(lambda r: r.body),
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
COMMIT: dict[str, Resolver] = {
    "abbreviatedOid": v(lambda c: c.oid[:7]),
    "authoredDate": v(lambda c: c.authored_at),
    "committedDate": v(lambda c: c.committed_at),
    "id": v(commit_node_id),
    "message": v(lambda c: c.message),
    "messageHeadline": v(lambda c: c.message.split("\n", 1)[0]),
    "oid": v(lambda c: c.oid),
    "resourcePath": v(lambda c: f"/{c.pull.repo.full_name}/commit/{c.oid}"),
    "url": v(lambda c: f"{WEB}/{c.pull.repo.full_name}/commit/{c.oid}"),
}
PULL_COMMIT: dict[str, Resolver] = {
    "commit": v(lambda item: item.commit),
    "id": v(pull_commit_node_id),
    "pullRequest": v(lambda item: item.pull),
    "resourcePath": v(lambda item: f"{pull_path(item.pull)}/commits/{item.commit.oid}"),
    "url": v(lambda item: f"{WEB}{pull_path(item.pull)}/commits/{item.commit.oid}"),
}
REVIEW_REQUEST: dict[str, Resolver] = {
    "asCodeOwner": v(lambda r: False),
    "databaseId": v(lambda r: r.database_id),
    "id": v(lambda r: node_id("ReviewRequest", r.database_id)),
    "pullRequest": v(lambda r: r.pull),
    "requestedReviewer": v(lambda r: r.requested),
}
ISSUE_COMMENT: dict[str, Resolver] = {
    "author": v(lambda c: c.user),
    "authorAssociation": v(lambda c: association(c.user)),
    "body": v(lambda c: c.body),
    "createdAt": v(lambda c: c.created_at),
    "databaseId": v(lambda c: c.id),
    "id": v(lambda c: node_id("IssueComment", c.id)),
    "pullRequest": v(lambda c: c.pull),
    "resourcePath": v(lambda c: f"/{c.repo.full_name}/pull/{c.number}#issuecomment-{c.id}"),
    "updatedAt": v(lambda c: c.updated_at),
    "url": v(lambda c: f"{WEB}/{c.repo.full_name}/pull/{c.number}#issuecomment-{c.id}"),
}
LABEL: dict[str, Resolver] = {
    "color": v(lambda label: label.color),
    "createdAt": lambda label, info: info.context.org.org.created_at,
    "updatedAt": lambda label, info: info.context.org.org.created_at,
    "description": v(lambda label: label.description),
    "id": v(lambda label: node_id("Label", label.id)),
    "isDefault": v(lambda label: label.default),
    "name": v(lambda label: label.name),
    "resourcePath": v(lambda label: f"/{label.repo}/labels/{label.name.replace(' ', '%20')}"),
    "url": v(lambda label: f"{WEB}/{label.repo}/labels/{label.name.replace(' ', '%20')}"),
}
MILESTONE: dict[str, Resolver] = {
    "closed": v(lambda m: m.state == "closed"),
    "closedAt": v(lambda m: m.closed_at),
    "createdAt": v(lambda m: m.created_at),
    "description": v(lambda m: m.description),
    "dueOn": v(lambda m: m.due_on),
    "id": v(lambda m: node_id("Milestone", m.id)),
    "number": v(lambda m: m.number),
    "resourcePath": v(lambda m: f"/{m.repo}/milestone/{m.number}"),
    "state": v(lambda m: m.state.upper()),
    "title": v(lambda m: m.title),
    "updatedAt": v(lambda m: m.updated_at),
    "url": v(lambda m: f"{WEB}/{m.repo}/milestone/{m.number}"),
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
}

#: The GraphQL type of each record class (accounts: their `type`).
TYPE_NAMES: dict[type, str] = {
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
}
