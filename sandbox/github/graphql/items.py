"""Field resolvers of the small records under a pull request: commits, review requests,
conversation comments, labels and milestones."""

from __future__ import annotations

from sandbox.github.graphql.accounts import Resolver, v
from sandbox.github.graphql.context import (
    WEB,
    commit_node_id,
    pull_commit_node_id,
    pull_path,
)
from sandbox.github.shapes import association, node_id

__all__ = ["COMMIT", "ISSUE_COMMENT", "LABEL", "MILESTONE", "PULL_COMMIT", "REVIEW_REQUEST"]


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
