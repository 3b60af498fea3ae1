"""Which fields of GitHub's member profiles land in `raw_users` (the repository listings declare
theirs in `entities.py`; pull requests and reviews come through GraphQL: `graphql_rows.py`)."""

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

# Fields GitHub sends that are deliberately left out (links, bodies, repeated objects). Any
# other unknown top-level field is kept, so what GitHub adds shows up as a new column.
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
}
