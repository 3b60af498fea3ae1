"""A GraphQL pull request node (with its nested lists read to the end) -> raw table rows.

The pull request row keeps the names and meaning of the REST list's fields (`id` is the
database id, `node_id` the GraphQL id, `state` is `open`/`closed`, a bot's login ends in
`[bot]`), so `raw_pull_requests` and its child tables read as before; the new fields come
beside them.
"""

from __future__ import annotations

from typing import Any

Row = dict[str, Any]

#: GraphQL `__typename` of a timeline item -> `event` in `raw_pr_timeline_events`.
EVENT_NAMES = {
    "ReadyForReviewEvent": "ready_for_review",
    "ConvertToDraftEvent": "convert_to_draft",
    "ReviewRequestedEvent": "review_requested",
    "ReviewRequestRemovedEvent": "review_request_removed",
    "ReviewDismissedEvent": "review_dismissed",
    "ReopenedEvent": "reopened",
    "MergedEvent": "merged",
    "ClosedEvent": "closed",
}


def actor(node: dict[str, Any] | None) -> Row | None:
    """An author/actor as REST shows a user: `login`, `id`, `type` (User, Bot, ...)."""
    if not node:
        return None
    kind = node.get("__typename") or "User"
    login = node.get("login")
    if kind == "Bot" and login and not login.endswith("[bot]"):
        login = f"{login}[bot]"  # REST's spelling of an app's login
    return {"login": login, "id": node.get("databaseId"), "type": kind}


def nodes(pull: dict[str, Any], field: str) -> list[dict[str, Any]]:
    """The (complete) nodes of one nested list of a pull request."""
    connection = pull.get(field) or {}
    return [n for n in connection.get("nodes") or [] if n]


def _branch(pull: dict[str, Any], side: str) -> Row:
    repo = pull.get(f"{side}Repository") or {}
    ref = pull.get(f"{side}RefName")
    owner = (repo.get("nameWithOwner") or "").split("/", 1)[0]
    return {
        "label": f"{owner}:{ref}" if owner and ref else ref,
        "ref": ref,
        "sha": pull.get(f"{side}RefOid"),
        "repo": {"id": repo.get("databaseId"), "full_name": repo.get("nameWithOwner")},
    }


def _reviewer(node: dict[str, Any] | None) -> tuple[Row | None, Row | None]:
    """A requested reviewer as (person, team): one of them is None."""
    if not node:
        return None, None
    if node.get("__typename") == "Team":
        return None, {"id": node.get("databaseId"), "slug": node.get("slug")}
    return actor(node), None


def pull_request_row(pull: dict[str, Any], repo: str) -> Row:
    """The `raw_pull_requests` row (nested lists become its dlt child tables)."""
    author = actor(pull.get("author"))
    milestone = pull.get("milestone")
    requested = [_reviewer(r.get("requestedReviewer")) for r in nodes(pull, "reviewRequests")]
    commits = pull.get("commits") or {}
    first_commit = next(iter(nodes(pull, "commits")), {}).get("commit") or {}
    return {
        "id": pull["databaseId"],
        "node_id": pull.get("id"),
        "number": pull.get("number"),
        "state": "open" if pull.get("state") == "OPEN" else "closed",
        "locked": pull.get("locked"),
        "title": pull.get("title"),
        "draft": pull.get("isDraft"),
        "html_url": pull.get("url"),
        "author_association": pull.get("authorAssociation"),
        "user": author,
        "author_type": author and author["type"],
        "is_bot": bool(author and author["type"] == "Bot"),
        "created_at": pull.get("createdAt"),
        "updated_at": pull.get("updatedAt"),
        "closed_at": pull.get("closedAt"),
        "merged_at": pull.get("mergedAt"),
        "merge_commit_sha": (pull.get("mergeCommit") or {}).get("oid"),
        "head": _branch(pull, "head"),
        "base": _branch(pull, "base"),
        "milestone": None
        if not milestone
        else {
            "number": milestone.get("number"),
            "title": milestone.get("title"),
            "state": str(milestone.get("state") or "").lower() or None,
        },
        "body": pull.get("body"),
        "additions": pull.get("additions"),
        "deletions": pull.get("deletions"),
        "changed_files": pull.get("changedFiles"),
        "commits": commits.get("totalCount"),
        "first_commit_at": first_commit.get("authoredDate"),
        "labels": [{"node_id": n.get("id"), "name": n.get("name")} for n in nodes(pull, "labels")],
        "assignees": [
            {"login": n.get("login"), "id": n.get("databaseId"), "type": "User"}
            for n in nodes(pull, "assignees")
        ],
        "requested_reviewers": [person for person, _ in requested if person],
        "requested_teams": [team for _, team in requested if team],
        "repo": repo,
    }


def review_rows(pull: dict[str, Any], repo: str) -> list[Row]:
    """`raw_pr_reviews` rows (REST names; `DISMISSED` is the state of a dismissed review)."""
    return [
        {
            "id": r["databaseId"],
            "node_id": r.get("id"),
            "repo": repo,
            "pull_number": pull.get("number"),
            "user": actor(r.get("author")),
            "state": r.get("state"),
            "html_url": r.get("url"),
            "submitted_at": r.get("submittedAt"),
            "commit_id": (r.get("commit") or {}).get("oid"),
            "author_association": r.get("authorAssociation"),
        }
        for r in nodes(pull, "reviews")
    ]


def commit_rows(pull: dict[str, Any], repo: str) -> list[Row]:
    """`raw_pr_commits` rows: one per commit of the pull request (keyed by the
    `PullRequestCommit` node id), each stamped with the pull request's `updatedAt` as read: a
    commit a force-push took away keeps an older stamp (staging drops it)."""
    rows = []
    for item in nodes(pull, "commits"):
        commit = item.get("commit") or {}
        if not item.get("id"):
            continue
        rows.append(
            {
                "id": item["id"],
                "repo": repo,
                "pull_request_id": pull["databaseId"],
                "pull_number": pull.get("number"),
                "sha": commit.get("oid"),
                "authored_at": commit.get("authoredDate"),
                "committed_at": commit.get("committedDate"),
                "pull_request_updated_at": pull.get("updatedAt"),
            }
        )
    return rows


def timeline_rows(pull: dict[str, Any], repo: str) -> list[Row]:
    """`raw_pr_timeline_events` rows: one per event, keyed by its node id."""
    rows = []
    for item in nodes(pull, "timelineItems"):
        event = EVENT_NAMES.get(item.get("__typename", ""))
        if event is None or not item.get("id"):
            continue
        person, team = _reviewer(item.get("requestedReviewer"))
        rows.append(
            {
                "id": item["id"],
                "repo": repo,
                "pull_request_id": pull["databaseId"],
                "pull_number": pull.get("number"),
                "event": event,
                "created_at": item.get("createdAt"),
                "actor": actor(item.get("actor")),
                "requested_reviewer": person,
                "requested_team": team,
                "dismissed_review_id": (item.get("review") or {}).get("databaseId"),
            }
        )
    return rows


def review_request_rows(pull: dict[str, Any], repo: str) -> list[Row]:
    """`raw_pr_review_requests` rows: every review request made (a `review_requested` event),
    when it was removed (a later `review_request_removed` of the same reviewer), and whether it
    is still outstanding (in the pull request's current `reviewRequests`)."""
    events = timeline_rows(pull, repo)
    outstanding = {
        _who(*_reviewer(r.get("requestedReviewer"))) for r in nodes(pull, "reviewRequests")
    }
    rows: list[Row] = []
    for event in sorted(events, key=lambda e: (e["created_at"] or "", e["id"])):
        who = _who(event["requested_reviewer"], event["requested_team"])
        if event["event"] == "review_requested":
            rows.append(
                {
                    "id": event["id"],
                    "repo": repo,
                    "pull_request_id": event["pull_request_id"],
                    "pull_number": event["pull_number"],
                    "requested_at": event["created_at"],
                    "requested_by": event["actor"],
                    "reviewer": event["requested_reviewer"],
                    "team": event["requested_team"],
                    "removed_at": None,
                    "_who": who,
                }
            )
        elif event["event"] == "review_request_removed":
            for row in reversed(rows):
                if row["_who"] == who and row["removed_at"] is None:
                    row["removed_at"] = event["created_at"]
                    break
    latest: dict[str, Row] = {row["_who"]: row for row in rows}
    for row in rows:
        who = row.pop("_who")
        row["is_outstanding"] = latest[who] is row and row["removed_at"] is None
        row["is_outstanding"] = row["is_outstanding"] and who in outstanding
    return rows


def _who(person: Row | None, team: Row | None) -> str:
    if team:
        return f"team:{team.get('id')}"
    return f"user:{(person or {}).get('id')}"


def repo_slug(repo: str) -> str:
    """`Acme/My-Repo.js` -> `acme__my_repo_js` (resource names, as the REST reader had them:
    the cursors in dlt state carry over)."""
    return repo.replace("/", "__").replace("-", "_").replace(".", "_").lower()
