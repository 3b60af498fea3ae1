"""Workspace changes that link Linear to GitHub: pull requests attached to issues (as Linear's
GitHub integration records them) and issues moved to another team (a new identifier; the old one
kept in `previousIdentifiers`)."""

from __future__ import annotations

from typing import Any

from sandbox.linear import history
from sandbox.linear.generate import base_row, issue_links, new_id
from sandbox.linear.store import Row, set_time

#: Linear's GitHub attachment `metadata.linkKind` values the bridge reads.
LINK_KINDS = ("closes", "contributes")


def attach_pull_request(
    workspace: Any,
    issue_id: str,
    *,
    repo_full_name: str,
    number: int,
    title: str,
    status: str,
    link_kind: str,
    created_ms: int,
) -> str:
    """Attach GitHub pull request `repo_full_name#number` to an issue (source type `github`)."""
    if link_kind not in LINK_KINDS:
        raise ValueError(f"link_kind must be one of {LINK_KINDS}, not {link_kind!r}")
    with workspace.lock:
        issue = workspace.get("issues", issue_id)
        table = workspace.table("attachments")
        rng = workspace._history_rng
        row: Row = base_row(new_id(rng), created_ms, created_ms)
        owner, repo = repo_full_name.split("/", 1)
        row.update(
            title=title,
            subtitle=status.capitalize(),
            url=f"https://github.com/{repo_full_name}/pull/{number}",
            sourceType="github",
            metadata={
                "status": status,
                "number": number,
                "repoLogin": owner,
                "repoName": repo,
                "title": title,
                "linkKind": link_kind,
            },
            issue=issue,
            creator=None,
        )
        table.add(row)
        return row["id"]


def move_issue_to_team(
    workspace: Any, issue_id: str, team_id: str, at_ms: int | None = None
) -> str:
    """Move an issue to another team: a new number and identifier, the old identifier kept in
    `previousIdentifiers`, its state mapped to the new team's state of the same type. At
    `at_ms` (epoch ms; default: the workspace clock, which follows the wall clock)."""
    with workspace.lock:
        issues = workspace.table("issues")
        issue = issues.by_id[issue_id]
        team = workspace.get("teams", team_id)
        if issue["team"] is team:
            raise ValueError(f"issue {issue['identifier']} is already in team {team['key']}")
        states = sorted(
            (s for s in workspace.table("workflowStates").rows if s["team"] is team),
            key=lambda s: s["position"],
        )
        state = next(s for s in states if s["type"] == issue["state"]["type"])
        number = 1 + max((int(r["number"]) for r in issues.rows if r["team"] is team), default=0)
        now = workspace.clock.next() if at_ms is None else at_ms
        rng = workspace._history_rng
        old_team = issue["team"]
        history.record(
            rng, issue, now, actor=issue["assignee"], fromTeamId=old_team["id"], toTeamId=team["id"]
        )
        history.move_state(rng, issue, state, now, actor=issue["assignee"])
        issue["previousIdentifiers"] = [*issue["previousIdentifiers"], issue["identifier"]]
        issue.update(team=team, state=state, number=number, identifier=f"{team['key']}-{number}")
        if issue["cycle"] is not None:
            history.record(rng, issue, now, actor=None, fromCycleId=issue["cycle"]["id"])
            issue["cycle"] = None
        issue_links(issue, workspace.organization["urlKey"])
        set_time(issue, "updatedAt", now)
        issues.changed(relinked=True)
        return issue["identifier"]
