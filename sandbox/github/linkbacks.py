"""Linear's GitHub integration comments on each pull request it links to an issue: a
"linkback" with the issue's identifier and title, posted as `linear[bot]` (user type Bot)
half a minute after the pull request was opened. Switched on by `Sandbox(linear_linkbacks=
True)`; off by default, so other tests' comment counts stay as they are."""

from __future__ import annotations

from datetime import timedelta

from sandbox.github.data import GitHubOrg
from sandbox.github.models import Account, IssueComment
from sandbox.github.world import bot_account

LINEAR_BOT_LOGIN = "linear[bot]"
LINEAR_BOT_ID = 127_000_001


def linear_bot(org: GitHubOrg) -> Account:
    """Linear's GitHub App account, added to the org's known accounts."""
    world = org.world
    account = world.accounts.get(LINEAR_BOT_LOGIN)
    if account is None:
        account = bot_account(LINEAR_BOT_LOGIN, LINEAR_BOT_ID, world.org.created_at)
        world.accounts[LINEAR_BOT_LOGIN] = account
    return account


def add_linkbacks(org: GitHubOrg) -> list[IssueComment]:
    """One linkback comment on every pull request that names a Linear issue; the comments."""
    with org.lock:
        bot = linear_bot(org)
        added = []
        for pull in org.world.pulls:
            if pull.linear_identifier is None:
                continue
            at = min(pull.created_at + timedelta(seconds=30), pull.updated_at)
            comment = IssueComment(
                id=org.world.next_ids["issue_comment"],
                repo=pull.repo,
                number=pull.number,
                pull=pull,
                user=bot,
                body=f"[{pull.linear_identifier} {pull.title}]"
                f"(https://linear.app/issue/{pull.linear_identifier})",
                created_at=at,
                updated_at=at,
            )
            org.world.next_ids["issue_comment"] += 3
            org.world.issue_comments.append(comment)
            pull.conversation.append(comment)
            org._index_issue_comment(comment)
            added.append(comment)
        org._changed()
        return added
