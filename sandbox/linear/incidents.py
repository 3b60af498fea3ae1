"""Incidents in the Linear workspace: issues labelled `incident` in the first team, opened soon
after a production deployment (the GitHub half says when) and completed once resolved."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from typing import Protocol

from sandbox.linear import history, vocab
from sandbox.linear.data import NEW_ISSUE_NULLS, LinearWorkspace
from sandbox.linear.generate import base_row, issue_links, new_id
from sandbox.linear.store import Row, set_time
from sandbox.linear.timeutil import iso_ms, to_ms

INCIDENT_LABEL = "incident"


class IncidentRef(Protocol):
    """When an incident was opened and resolved, and which repository it hit."""

    @property
    def repo(self) -> str: ...
    @property
    def created_at(self) -> datetime: ...
    @property
    def resolved_at(self) -> datetime: ...


def incident_label(ws: LinearWorkspace) -> Row:
    """The workspace label `incident` (created, dated at the start, on first use)."""
    labels = ws.table("issueLabels")
    found = next((r for r in labels.rows if r["name"] == INCIDENT_LABEL), None)
    if found is not None:
        return found
    start = to_ms(ws.company.start)
    row = base_row(new_id(ws.company.rng("linear:incident-label")), start, start)
    row.update(
        name=INCIDENT_LABEL, description="Production incident", color="#eb5757", isGroup=False
    )
    row.update(team=None, parent=None)
    labels.add(row)
    return row


def add_incidents(ws: LinearWorkspace, incidents: Iterable[IncidentRef]) -> list[str]:
    """One completed (or, while unresolved, started) `incident` issue per incident."""
    rng = ws.company.rng("linear:incidents")
    with ws.lock:
        label = incident_label(ws)
        issues = ws.table("issues")
        team = ws.table("teams").rows[0]
        states = [s for s in ws.table("workflowStates").rows if s["team"] is team]
        by_type: dict[str, list[Row]] = {}
        for s in sorted(states, key=lambda s: s["position"]):
            by_type.setdefault(s["type"], []).append(s)
        number = max([int(r["number"]) for r in issues.rows if r["team"] is team] + [0])
        users = ws.table("users").rows
        added = []
        for incident in sorted(incidents, key=lambda i: i.created_at):
            number += 1
            opened, resolved = to_ms(incident.created_at), to_ms(incident.resolved_at)
            done = resolved > opened
            state = next(s for s in states if s["type"] == ("completed" if done else "started"))
            row: Row = base_row(new_id(rng), opened, max(resolved, opened))
            row.update(
                identifier=f"{team['key']}-{number}",
                number=number,
                title=f"Incident: {incident.repo} errors after deploy",
                description=vocab.text(rng, 1),
                priority=1,
                priorityLabel=vocab.PRIORITY_LABELS[1],
                estimate=None,
                dueDate=None,
                startedAt=iso_ms(opened),
                completedAt=iso_ms(resolved) if done else None,
                **NEW_ISSUE_NULLS,
                team=team,
                state=state,
                assignee=vocab.pick(rng, users) if users else None,
                creator=vocab.pick(rng, users) if users else None,
                cycle=None,
                project=None,
                parent=None,
                labelIds=[label["id"]],
            )
            set_time(row, "archivedAt", None)
            issue_links(row, ws.organization["urlKey"])
            row["previousIdentifiers"] = []
            history.seed(rng, row, by_type, [], users)  # its state spans and history
            issues.add(row)
            added.append(row["id"])
        return added
