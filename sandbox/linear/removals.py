"""Changes Linear makes without moving `updatedAt`, and hard deletes: what only a reconcile
run (`--reconcile`) can see. Tests call these between pipeline runs; nothing else does, so
every other test's sandbox behaves as before."""

from __future__ import annotations

from typing import TYPE_CHECKING

from sandbox.linear.store import set_time

if TYPE_CHECKING:
    from sandbox.linear.data import LinearWorkspace


def unarchive_issues(ws: LinearWorkspace, n: int) -> list[str]:
    """Unarchive `n` archived (not trashed) issues; `updatedAt` stays (Linear does not
    promise that unarchiving moves it)."""
    with ws.lock:
        issues = ws.table("issues")
        archived = [r for r in issues.rows if r["archivedAt"] is not None and not r["trashed"]]
        picked = ws._pick(archived, n)
        for row in picked:
            set_time(row, "archivedAt", None)
        issues.changed()
        return [row["id"] for row in picked]


def trash_issues(ws: LinearWorkspace, n: int) -> list[str]:
    """Move `n` unarchived issues to the trash (archived and `trashed`); `updatedAt` stays."""
    with ws.lock:
        issues = ws.table("issues")
        picked = ws._pick([r for r in issues.rows if r["archivedAt"] is None], n)
        for row in picked:
            set_time(row, "archivedAt", ws.clock.next())
            row["trashed"] = True
        issues.changed()
        return [row["id"] for row in picked]


def restore_from_trash(ws: LinearWorkspace, n: int) -> list[str]:
    """Restore `n` trashed issues (unarchived, `trashed` cleared); `updatedAt` stays."""
    with ws.lock:
        issues = ws.table("issues")
        picked = ws._pick([r for r in issues.rows if r["trashed"]], n)
        for row in picked:
            set_time(row, "archivedAt", None)
            row["trashed"] = None
        issues.changed()
        return [row["id"] for row in picked]


def delete_issues(ws: LinearWorkspace, n: int) -> list[str]:
    """Delete `n` issues for good (issues no other issue has as parent), with their comments
    and attachments, as Linear does when the trash is emptied."""
    with ws.lock:
        issues = ws.table("issues")
        parents = {r["parent"]["id"] for r in issues.rows if r.get("parent")}
        linked_ids = {issue_id for _, issue_id in ws.pull_request_links.values()}
        candidates = [r for r in issues.rows if r["id"] not in parents | linked_ids]
        picked = [row["id"] for row in ws._pick(candidates, n)]
        for issue_id in picked:
            issues.remove(issue_id)
        for entity in ("comments", "attachments"):
            table = ws.table(entity)
            for row in [r for r in table.rows if (r.get("issue") or {}).get("id") in picked]:
                table.remove(row["id"])
        return picked


def delete_comments(ws: LinearWorkspace, n: int) -> list[str]:
    """Delete `n` comments for good (no reply points at them); gone from every listing."""
    with ws.lock:
        comments = ws.table("comments")
        parents = {r["parent"]["id"] for r in comments.rows if r.get("parent")}
        picked = ws._pick([r for r in comments.rows if r["id"] not in parents], n)
        for row in picked:
            comments.remove(row["id"])
        return [row["id"] for row in picked]
