"""Render the org's records into GitHub's REST JSON shapes (field order and types as in the
official examples). API URLs start with `API`, a placeholder the server replaces with its own
base URL after serialising; html URLs point at https://github.com. Shared sub-objects (users,
repositories, labels) are built once and reused, so a page of 100 pull requests renders fast.
"""

from __future__ import annotations

import base64
from typing import Any

from sandbox.github.clock import gh_time
from sandbox.github.models import (
    Account,
    IssueComment,
    Label,
    Milestone,
    Pull,
    Repo,
    Review,
    ReviewComment,
    Team,
)

#: Stands for the server's base URL inside rendered objects (see `GitHubOrg.dumps`).
API = "@sandbox-api@"
WEB = "https://github.com"

Json = dict[str, Any]


def node_id(kind: str, number: int) -> str:
    """A legacy global node id, e.g. `MDQ6VXNlcjE=` for ("User", 1)."""
    return base64.b64encode(f"0{len(kind)}:{kind}{number}".encode()).decode()


def association(account: Account) -> str:
    """`author_association` of an account on the org's repositories."""
    return "MEMBER" if account.member else "CONTRIBUTOR"


def _time(value: Any) -> str | None:
    return None if value is None else gh_time(value)


class Renderer:
    """Builds API objects from records, caching the ones that never change."""

    def __init__(self) -> None:
        self._users: dict[int, Json] = {}
        self._repos: dict[int, Json] = {}
        self._labels: dict[int, Json] = {}
        self._teams: dict[int, Json] = {}
        self._milestones: dict[int, Json] = {}

    # -- users ---------------------------------------------------------------------------------
    def user(self, account: Account) -> Json:
        """The simple-user shape (org members list, nested `user` fields)."""
        cached = self._users.get(account.id)
        if cached is None:
            login, api = account.login, f"{API}/users/{account.login}"
            cached = {
                "login": login,
                "id": account.id,
                "node_id": node_id(account.type, account.id),
                "avatar_url": f"https://avatars.githubusercontent.com/u/{account.id}?v=4",
                "gravatar_id": "",
                "url": api,
                "html_url": f"{WEB}/{login}",
                "followers_url": f"{api}/followers",
                "following_url": f"{api}/following{{/other_user}}",
                "gists_url": f"{api}/gists{{/gist_id}}",
                "starred_url": f"{api}/starred{{/owner}}{{/repo}}",
                "subscriptions_url": f"{api}/subscriptions",
                "organizations_url": f"{api}/orgs",
                "repos_url": f"{api}/repos",
                "events_url": f"{api}/events{{/privacy}}",
                "received_events_url": f"{api}/received_events",
                "type": account.type,
                "site_admin": account.site_admin,
            }
            self._users[account.id] = cached
        return cached

    def public_user(self, account: Account) -> Json:
        """The public-user shape of `/users/{username}` (not cached: profiles change)."""
        return {
            **self.user(account),
            "name": account.name,
            "company": account.company,
            "blog": account.blog,
            "location": account.location,
            "email": account.email,
            "hireable": account.hireable,
            "bio": account.bio,
            "twitter_username": account.twitter_username,
            "public_repos": account.public_repos,
            "public_gists": account.public_gists,
            "followers": account.followers,
            "following": account.following,
            "created_at": gh_time(account.created_at),
            "updated_at": gh_time(account.updated_at),
        }

    # -- repositories --------------------------------------------------------------------------
    def repo(self, repo: Repo) -> Json:
        """The repository shape nested in a pull request's head and base."""
        cached = self._repos.get(repo.id)
        if cached is None:
            full = repo.full_name
            api, web = f"{API}/repos/{full}", f"{WEB}/{full}"
            cached = {
                "id": repo.id,
                "node_id": node_id("Repository", repo.id),
                "name": repo.name,
                "full_name": full,
                "owner": self.user(repo.owner),
                "private": True,
                "html_url": web,
                "description": repo.description,
                "fork": repo.fork,
                "url": api,
                "archive_url": f"{api}/{{archive_format}}{{/ref}}",
                "assignees_url": f"{api}/assignees{{/user}}",
                "blobs_url": f"{api}/git/blobs{{/sha}}",
                "branches_url": f"{api}/branches{{/branch}}",
                "collaborators_url": f"{api}/collaborators{{/collaborator}}",
                "comments_url": f"{api}/comments{{/number}}",
                "commits_url": f"{api}/commits{{/sha}}",
                "compare_url": f"{api}/compare/{{base}}...{{head}}",
                "contents_url": f"{api}/contents/{{+path}}",
                "contributors_url": f"{api}/contributors",
                "deployments_url": f"{api}/deployments",
                "downloads_url": f"{api}/downloads",
                "events_url": f"{api}/events",
                "forks_url": f"{api}/forks",
                "git_commits_url": f"{api}/git/commits{{/sha}}",
                "git_refs_url": f"{api}/git/refs{{/sha}}",
                "git_tags_url": f"{api}/git/tags{{/sha}}",
                "git_url": f"git://github.com/{full}.git",
                "issue_comment_url": f"{api}/issues/comments{{/number}}",
                "issue_events_url": f"{api}/issues/events{{/number}}",
                "issues_url": f"{api}/issues{{/number}}",
                "keys_url": f"{api}/keys{{/key_id}}",
                "labels_url": f"{api}/labels{{/name}}",
                "languages_url": f"{api}/languages",
                "merges_url": f"{api}/merges",
                "milestones_url": f"{api}/milestones{{/number}}",
                "notifications_url": f"{api}/notifications{{?since,all,participating}}",
                "pulls_url": f"{api}/pulls{{/number}}",
                "releases_url": f"{api}/releases{{/id}}",
                "ssh_url": f"git@github.com:{full}.git",
                "stargazers_url": f"{api}/stargazers",
                "statuses_url": f"{api}/statuses/{{sha}}",
                "subscribers_url": f"{api}/subscribers",
                "subscription_url": f"{api}/subscription",
                "tags_url": f"{api}/tags",
                "teams_url": f"{api}/teams",
                "trees_url": f"{api}/git/trees{{/sha}}",
                "clone_url": f"{web}.git",
                "mirror_url": None,
                "hooks_url": f"{api}/hooks",
                "svn_url": web,
                "homepage": f"https://{repo.name}.{repo.owner.login}.example.com",
                "language": repo.language,
                "forks_count": repo.forks,
                "stargazers_count": repo.stargazers,
                "watchers_count": repo.stargazers,
                "size": repo.size,
                "default_branch": repo.default_branch,
                "open_issues_count": repo.open_issues,
                "is_template": False,
                "topics": list(repo.topics),
                "has_issues": True,
                "has_projects": True,
                "has_wiki": False,
                "has_pages": False,
                "has_downloads": True,
                "has_discussions": False,
                "archived": repo.archived,
                "disabled": False,
                "visibility": "private",
                "pushed_at": gh_time(repo.pushed_at),
                "created_at": gh_time(repo.created_at),
                "updated_at": gh_time(repo.updated_at),
                "permissions": {"admin": False, "push": True, "pull": True},
                "allow_rebase_merge": True,
                "template_repository": None,
                "temp_clone_token": "",
                "allow_squash_merge": True,
                "allow_auto_merge": False,
                "delete_branch_on_merge": True,
                "allow_merge_commit": True,
                "allow_forking": True,
                "subscribers_count": 3,
                "network_count": repo.forks,
                "forks": repo.forks,
                "open_issues": repo.open_issues,
                "license": {
                    "key": "mit",
                    "name": "MIT License",
                    "url": f"{API}/licenses/mit",
                    "spdx_id": "MIT",
                    "node_id": "MDc6TGljZW5zZW1pdA==",
                    "html_url": "https://github.com/licenses/mit",
                },
                "watchers": repo.stargazers,
            }
            self._repos[repo.id] = cached
        return cached

    def full_repo(self, repo: Repo) -> Json:
        """`/repos/{owner}/{repo}`: the repository plus its organization."""
        if repo.owner.type != "Organization":
            return self.repo(repo)
        return {**self.repo(repo), "organization": self.user(repo.owner)}

    def forget_repo(self, repo: Repo) -> None:
        """Drop a repository's cached shape (after it changed, e.g. was archived)."""
        self._repos.pop(repo.id, None)

    # -- small shared objects ------------------------------------------------------------------
    def label(self, label: Label) -> Json:
        cached = self._labels.get(label.id)
        if cached is None:
            cached = {
                "id": label.id,
                "node_id": node_id("Label", label.id),
                "url": f"{API}/repos/{label.repo}/labels/{label.name.replace(' ', '%20')}",
                "name": label.name,
                "description": label.description,
                "color": label.color,
                "default": label.default,
            }
            self._labels[label.id] = cached
        return cached

    def team(self, team: Team) -> Json:
        cached = self._teams.get(team.id)
        if cached is None:
            cached = {
                "id": team.id,
                "node_id": node_id("Team", team.id),
                "url": f"{API}/teams/{team.id}",
                "html_url": f"{WEB}/orgs/{team.org}/teams/{team.slug}",
                "name": team.name,
                "slug": team.slug,
                "description": team.description,
                "privacy": "closed",
                "notification_setting": "notifications_enabled",
                "permission": "push",
                "members_url": f"{API}/teams/{team.id}/members{{/member}}",
                "repositories_url": f"{API}/teams/{team.id}/repos",
                "parent": None,
            }
            self._teams[team.id] = cached
        return cached

    def milestone(self, milestone: Milestone) -> Json:
        cached = self._milestones.get(milestone.id)
        if cached is None:
            api = f"{API}/repos/{milestone.repo}/milestones/{milestone.number}"
            cached = {
                "url": api,
                "html_url": f"{WEB}/{milestone.repo}/milestone/{milestone.number}",
                "labels_url": f"{api}/labels",
                "id": milestone.id,
                "node_id": node_id("Milestone", milestone.id),
                "number": milestone.number,
                "state": milestone.state,
                "title": milestone.title,
                "description": milestone.description,
                "creator": self.user(milestone.creator),
                "open_issues": milestone.open_issues,
                "closed_issues": milestone.closed_issues,
                "created_at": gh_time(milestone.created_at),
                "updated_at": gh_time(milestone.updated_at),
                "closed_at": _time(milestone.closed_at),
                "due_on": _time(milestone.due_on),
            }
            self._milestones[milestone.id] = cached
        return cached

    # -- pull requests -------------------------------------------------------------------------
    def pull_simple(self, pull: Pull) -> Json:
        """The pull-request-simple shape of `/repos/{o}/{r}/pulls`."""
        full = pull.repo.full_name
        api = f"{API}/repos/{full}"
        self_url = f"{api}/pulls/{pull.number}"
        html = f"{WEB}/{full}/pull/{pull.number}"
        issue = f"{api}/issues/{pull.number}"
        statuses = f"{api}/statuses/{pull.head_sha}"
        org = pull.repo.owner
        head_owner = pull.head_repo.owner
        user = self.user(pull.user)
        return {
            "url": self_url,
            "id": pull.id,
            "node_id": node_id("PullRequest", pull.id),
            "html_url": html,
            "diff_url": f"{html}.diff",
            "patch_url": f"{html}.patch",
            "issue_url": issue,
            "commits_url": f"{self_url}/commits",
            "review_comments_url": f"{self_url}/comments",
            "review_comment_url": f"{api}/pulls/comments{{/number}}",
            "comments_url": f"{issue}/comments",
            "statuses_url": statuses,
            "number": pull.number,
            "state": pull.state,
            "locked": pull.locked,
            "title": pull.title,
            "user": user,
            "body": pull.body,
            "labels": [self.label(label) for label in pull.labels],
            "milestone": None if pull.milestone is None else self.milestone(pull.milestone),
            "active_lock_reason": None,
            "created_at": gh_time(pull.created_at),
            "updated_at": gh_time(pull.updated_at),
            "closed_at": _time(pull.closed_at),
            "merged_at": _time(pull.merged_at),
            "merge_commit_sha": pull.merge_commit_sha,
            "assignee": self.user(pull.assignees[0]) if pull.assignees else None,
            "assignees": [self.user(a) for a in pull.assignees],
            "requested_reviewers": [self.user(a) for a in pull.requested_reviewers],
            "requested_teams": [self.team(t) for t in pull.requested_teams],
            "head": {
                "label": f"{head_owner.login}:{pull.head_ref}",
                "ref": pull.head_ref,
                "sha": pull.head_sha,
                "user": self.user(head_owner),
                "repo": self.repo(pull.head_repo),
            },
            "base": {
                "label": f"{org.login}:{pull.repo.default_branch}",
                "ref": pull.repo.default_branch,
                "sha": pull.base_sha,
                "user": self.user(org),
                "repo": self.repo(pull.repo),
            },
            "_links": {
                "self": {"href": self_url},
                "html": {"href": html},
                "issue": {"href": issue},
                "comments": {"href": f"{issue}/comments"},
                "review_comments": {"href": f"{self_url}/comments"},
                "review_comment": {"href": f"{api}/pulls/comments{{/number}}"},
                "commits": {"href": f"{self_url}/commits"},
                "statuses": {"href": statuses},
            },
            "author_association": association(pull.user),
            "auto_merge": None,
            "draft": pull.draft,
        }

    def pull_full(self, pull: Pull) -> Json:
        """The pull-request shape of `/repos/{o}/{r}/pulls/{n}`."""
        open_ = pull.state == "open"
        return {
            **self.pull_simple(pull),
            "merged": pull.merged,
            "mergeable": pull.mergeable,
            "rebaseable": pull.mergeable,
            "mergeable_state": pull.mergeable_state,
            "merged_by": None if pull.merged_by is None else self.user(pull.merged_by),
            "comments": pull.comments,
            "review_comments": pull.review_comments,
            "maintainer_can_modify": open_ and pull.head_repo.id != pull.repo.id,
            "commits": pull.commits,
            "additions": pull.additions,
            "deletions": pull.deletions,
            "changed_files": pull.changed_files,
        }

    # -- reviews and comments ------------------------------------------------------------------
    def review(self, review: Review) -> Json:
        """A pull request review; PENDING reviews have no `submitted_at` (as on GitHub)."""
        pull = review.pull
        full = pull.repo.full_name
        html = f"{WEB}/{full}/pull/{pull.number}#pullrequestreview-{review.id}"
        pull_url = f"{API}/repos/{full}/pulls/{pull.number}"
        out: Json = {
            "id": review.id,
            "node_id": node_id("PullRequestReview", review.id),
            "user": self.user(review.user),
            "body": review.body,
            "state": review.state,
            "html_url": html,
            "pull_request_url": pull_url,
            "_links": {"html": {"href": html}, "pull_request": {"href": pull_url}},
        }
        if review.submitted_at is not None:
            out["submitted_at"] = gh_time(review.submitted_at)
        out["commit_id"] = review.commit_id
        out["author_association"] = association(review.user)
        return out

    def review_comment(self, comment: ReviewComment) -> Json:
        """A review comment; `in_reply_to_id` is present only on replies (as on GitHub)."""
        pull = comment.pull
        full = pull.repo.full_name
        url = f"{API}/repos/{full}/pulls/comments/{comment.id}"
        html = f"{WEB}/{full}/pull/{pull.number}#discussion_r{comment.id}"
        pull_url = f"{API}/repos/{full}/pulls/{pull.number}"
        multi = comment.start_line is not None
        out: Json = {
            "url": url,
            "pull_request_review_id": comment.review.id,
            "id": comment.id,
            "node_id": node_id("PullRequestReviewComment", comment.id),
            "diff_hunk": comment.diff_hunk,
            "path": comment.path,
            "position": comment.position,
            "original_position": comment.position,
            "commit_id": comment.commit_id,
            "original_commit_id": comment.original_commit_id,
        }
        if comment.in_reply_to is not None:
            out["in_reply_to_id"] = comment.in_reply_to.id
        out.update(
            {
                "user": self.user(comment.user),
                "body": comment.body,
                "created_at": gh_time(comment.created_at),
                "updated_at": gh_time(comment.updated_at),
                "html_url": html,
                "pull_request_url": pull_url,
                "author_association": association(comment.user),
                "_links": {
                    "self": {"href": url},
                    "html": {"href": html},
                    "pull_request": {"href": pull_url},
                },
                "start_line": comment.start_line,
                "original_start_line": comment.start_line,
                "start_side": comment.side if multi else None,
                "line": comment.line,
                "original_line": comment.original_line,
                "side": comment.side,
            }
        )
        return out

    def issue_comment(self, comment: IssueComment) -> Json:
        """An issue comment; its html_url says `/pull/` on pull requests, `/issues/` otherwise."""
        full = comment.repo.full_name
        kind = "issues" if comment.pull is None else "pull"
        return {
            "id": comment.id,
            "node_id": node_id("IssueComment", comment.id),
            "url": f"{API}/repos/{full}/issues/comments/{comment.id}",
            "html_url": f"{WEB}/{full}/{kind}/{comment.number}#issuecomment-{comment.id}",
            "body": comment.body,
            "user": self.user(comment.user),
            "created_at": gh_time(comment.created_at),
            "updated_at": gh_time(comment.updated_at),
            "issue_url": f"{API}/repos/{full}/issues/{comment.number}",
            "author_association": association(comment.user),
            "minimized": None,
        }
