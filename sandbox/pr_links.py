"""The links Linear itself keeps between issues and pull requests, added once both halves of a
company exist: attachments made by Linear's GitHub integration (also on pull requests whose
branch and title name no issue), magic words in pull request descriptions (`Fixes ENG-12`,
`Part of ENG-12`) and issues moved to another team after a pull request named them. Half the
magic-word lines name a second issue (`Fixes ENG-12, ENG-13`, `Fixes ENG-12 and part of ENG-14`)."""

from __future__ import annotations

from random import Random
from typing import Any

from sandbox.company import Company
from sandbox.github.data import GitHubOrg
from sandbox.github.models import Pull
from sandbox.github.vocab import BOT_LOGIN
from sandbox.linear.data import LinearWorkspace
from sandbox.linear.links import attach_pull_request, move_issue_to_team
from sandbox.linear.timeutil import to_ms

#: Linear's documented magic words: closing ones move the issue on merge, contributing ones
#: only link (https://linear.app/docs/github).
CLOSING_WORDS = ("Fixes", "Closes", "Resolves", "Completes", "Implements", "fixed", "closing")
CONTRIBUTING_WORDS = ("Part of", "Ref", "References", "Related to", "Contributes to", "Towards")


def magic_word_list_tail(rng: Random, identifier: str, closing: bool) -> str:
    """What follows a magic word's first identifier to name a second one on the same line:
    the same word's list (`, ENG-13`, ` and ENG-13`) or another magic word, of either kind
    (` and closes ENG-13`, `, part of ENG-13`)."""
    roll = rng.random()
    if roll < 0.3:
        return f", {identifier}"
    if roll < 0.5:
        return f" & {identifier}" if roll < 0.35 else f" and {identifier}"
    word = rng.choice(CONTRIBUTING_WORDS if closing else CLOSING_WORDS).lower()
    return f"{rng.choice([', ', ' and '])}{word} {identifier}"


def link_pull_requests(
    company: Company, linear: LinearWorkspace, github: GitHubOrg
) -> dict[int, tuple[str, str]]:
    """Add the attachments, description magic words and team moves (deterministic per seed).
    Returns (and keeps as `linear.pull_request_links`) what was added per pull request id:
    (`linear_attachment` or `body_magic_word`, the issue id)."""
    rng = company.rng("linear:pr-links")
    # Its own stream, so the links above it stay what they were before lists existed.
    list_rng = company.rng("linear:pr-links:magic-word-lists")
    issues = {r["identifier"]: r for r in linear.table("issues").rows}
    open_issues = sorted(
        (r for r in issues.values() if r["archivedAt"] is None), key=lambda r: r["_createdAt"]
    )
    pulls = sorted(github.world.pulls, key=lambda p: (p.repo.full_name, p.number))

    def attach(pull: Pull, issue: dict[str, Any], kind: str) -> None:
        status = "merged" if pull.merged_at else pull.state
        attach_pull_request(
            linear,
            issue["id"],
            repo_full_name=pull.repo.full_name,
            number=pull.number,
            title=pull.title,
            status=status,
            link_kind=kind,
            created_ms=to_ms(pull.created_at),
        )

    added: dict[int, tuple[str, str]] = {}
    moved: list[tuple[str, int]] = []  # (issue id, when its pull request was opened)
    for pull in pulls:
        if pull.link_kind != "none" and pull.linear_identifier in issues:
            issue = issues[pull.linear_identifier]
            if rng.random() < 0.5:
                attach(pull, issue, "closes")
                added[pull.id] = ("linear_attachment", issue["id"])
            elif pull.link_kind != "branch" and rng.random() < 0.15:
                moved.append((issue["id"], to_ms(pull.created_at)))
            continue
        if pull.user.login == BOT_LOGIN or not pull.user.member:
            continue
        earlier = [r for r in open_issues if r["_createdAt"] < to_ms(pull.created_at)]
        roll = rng.random()
        if not earlier or roll >= 0.6:
            continue
        issue = rng.choice(earlier)
        if roll < 0.2:  # attached by hand in Linear: nothing in the branch, title or body
            attach(pull, issue, rng.choice(["closes", "contributes"]))
            added[pull.id] = ("linear_attachment", issue["id"])
            continue
        closing = roll < 0.45
        word = rng.choice(CLOSING_WORDS if closing else CONTRIBUTING_WORDS)
        line = f"{word} {issue['identifier']}"
        others = [r for r in earlier if r is not issue]
        if others and list_rng.random() < 0.5:  # a second issue on the same line
            line += magic_word_list_tail(list_rng, list_rng.choice(others)["identifier"], closing)
        pull.body = f"{pull.body or ''}\n\n{line}".lstrip()
        added[pull.id] = ("body_magic_word", issue["id"])
        if rng.random() < 0.5:
            attach(pull, issue, "closes" if closing else "contributes")
            added[pull.id] = ("linear_attachment", issue["id"])
    teams = linear.table("teams").rows
    for issue_id, opened in dict(moved).items():
        issue = linear.get("issues", issue_id)
        others = [t for t in teams if t is not issue["team"]]
        if others:
            # After the pull request named it and after its last change: deterministic times
            # (the workspace clock follows the wall clock).
            at = max(issue["_updatedAt"], opened) + 1
            move_issue_to_team(linear, issue_id, rng.choice(others)["id"], at_ms=at)
    linear.pull_request_links = added
    return added
