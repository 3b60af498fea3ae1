"""Which fields of GitHub's REST objects land in the raw tables."""

from __future__ import annotations

from pipelines.sources.shaping import Shape

USER_REF: Shape = {"login": True, "id": True, "type": True}

USER: Shape = {
    "login": True,
    "id": True,
    "node_id": True,
    "type": True,
    "site_admin": True,
    "name": True,
    "company": True,
    "blog": True,
    "location": True,
    "email": True,
    "hireable": True,
    "bio": True,
    "twitter_username": True,
    "public_repos": True,
    "followers": True,
    "following": True,
    "html_url": True,
    "avatar_url": True,
    "created_at": True,
    "updated_at": True,
}

_BRANCH: Shape = {"label": True, "ref": True, "sha": True, "repo": {"id": True, "full_name": True}}

PULL_REQUEST: Shape = {
    "id": True,
    "node_id": True,
    "number": True,
    "state": True,
    "locked": True,
    "title": True,
    "body": True,  # the description: Linear's magic words link issues from it
    "draft": True,
    "html_url": True,
    "author_association": True,
    "user": USER_REF,
    "created_at": True,
    "updated_at": True,
    "closed_at": True,
    "merged_at": True,
    "merge_commit_sha": True,
    "head": _BRANCH,
    "base": _BRANCH,
    "milestone": {"id": True, "number": True, "title": True, "state": True},
    "labels": [{"id": True, "name": True}],
    "assignees": [USER_REF],
    "requested_reviewers": [USER_REF],
    "requested_teams": [{"id": True, "slug": True}],
}

REVIEW: Shape = {
    "id": True,
    "node_id": True,
    "user": USER_REF,
    "state": True,
    "html_url": True,
    "submitted_at": True,
    "commit_id": True,
    "author_association": True,
}

REVIEW_COMMENT: Shape = {
    "id": True,
    "node_id": True,
    "pull_request_review_id": True,
    "in_reply_to_id": True,
    "user": USER_REF,
    "path": True,
    "line": True,
    "original_line": True,
    "side": True,
    "commit_id": True,
    "created_at": True,
    "updated_at": True,
    "html_url": True,
    "pull_request_url": True,
    "author_association": True,
}

ISSUE_COMMENT: Shape = {
    "id": True,
    "node_id": True,
    "user": USER_REF,
    "created_at": True,
    "updated_at": True,
    "html_url": True,
    "issue_url": True,
    "author_association": True,
}

# Fields GitHub sends that are deliberately left out (links, bodies, repeated objects). Any
# other unknown top-level field is kept, so what GitHub adds shows up as a new column.
_LINKS = ("url", "_links", "html_url")
IGNORED: dict[str, frozenset[str]] = {
    "user": frozenset(
        {
            "gravatar_id",
            "url",
            "followers_url",
            "following_url",
            "gists_url",
            "starred_url",
            "subscriptions_url",
            "organizations_url",
            "repos_url",
            "events_url",
            "received_events_url",
            "public_gists",
            "user_view_type",
            "plan",
            "private_gists",
            "total_private_repos",
            "owned_private_repos",
            "disk_usage",
            "collaborators",
            "two_factor_authentication",
        }
    ),
    "pull_request": frozenset(
        {
            *_LINKS,
            "diff_url",
            "patch_url",
            "issue_url",
            "commits_url",
            "review_comments_url",
            "review_comment_url",
            "comments_url",
            "statuses_url",
            "assignee",
            "active_lock_reason",
            "auto_merge",
        }
    ),
    "review": frozenset({*_LINKS, "body", "pull_request_url"}),
    "review_comment": frozenset(
        {
            *_LINKS,
            "diff_hunk",
            "body",
            "position",
            "original_position",
            "original_commit_id",
            "start_line",
            "original_start_line",
            "start_side",
            "subject_type",
            "reactions",
        }
    ),
    "issue_comment": frozenset(
        {*_LINKS, "body", "minimized", "reactions", "performed_via_github_app"}
    ),
}
