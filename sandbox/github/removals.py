"""Deleted comments: on GitHub a deleted review comment or conversation comment simply
disappears from every listing (REST and GraphQL), and nothing that a `since` read sees moves.
Only a reconcile run (`--reconcile`) notices. Tests call these between runs; nothing else does,
so every other test's sandbox behaves as before."""

from __future__ import annotations

import random
import threading
from typing import Any

from sandbox.github.world import World


class Removals:
    """Deletion methods of `GitHubOrg` (a mixin: the attributes below live there)."""

    world: World
    rng: random.Random
    lock: threading.RLock
    _by_repo: dict[str, dict[int, list[Any]]]

    def _changed(self) -> None: ...

    def delete_review_comments(self, k: int = 1) -> list[tuple[str, int, int]]:
        """Delete k review comments that no reply points at. Returns (repo, number, id)."""
        with self.lock:
            replied = {id(c.in_reply_to) for c in self.world.review_comments if c.in_reply_to}
            pool = [c for c in self.world.review_comments if id(c) not in replied]
            out = []
            for comment in self.rng.sample(pool, min(k, len(pool))):
                self.world.review_comments.remove(comment)
                comment.pull.inline.remove(comment)
                self._by_repo["review_comments"][comment.pull.repo.id].remove(comment)
                out.append((comment.pull.repo.full_name, comment.pull.number, comment.id))
            self._changed()
            return out

    def delete_issue_comments(self, k: int = 1) -> list[tuple[str, int, int]]:
        """Delete k conversation comments on pull requests. Returns (repo, number, id)."""
        with self.lock:
            pool = [c for c in self.world.issue_comments if c.pull is not None]
            out = []
            for comment in self.rng.sample(pool, min(k, len(pool))):
                self.world.issue_comments.remove(comment)
                comment.pull.conversation.remove(comment)
                self._by_repo["issue_comments"][comment.repo.id].remove(comment)
                out.append((comment.repo.full_name, comment.number, comment.id))
            self._changed()
            return out
