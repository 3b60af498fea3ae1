"""The plan of a GitHub run against what earlier runs left: a repository removed from
`sources.github.repos` drops its unfinished backfill (said plainly); one added simply starts
its own, since its resources have no state yet."""

from __future__ import annotations

import logging
import threading
from collections.abc import Iterable, MutableMapping
from typing import Any

import dlt

from pipelines.sources.run_budget import STATE_KEY, pending_resumes

log = logging.getLogger("pipelines")


def drop_removed_repos(source_state: MutableMapping[str, Any], slugs: Iterable[str]) -> list[str]:
    """Forget the resume positions of per-repository resources whose repository is no longer
    configured (`slugs`: the resource-name suffixes of the configured ones). Returns them."""
    keep = set(slugs)
    dropped = []
    for name, state in (source_state.get("resources") or {}).items():
        if "__" not in name or not state.get(STATE_KEY):
            continue
        slug = name.split("__", 1)[1]
        if slug not in keep:
            state.pop(STATE_KEY)
            dropped.append(name)
    if dropped:
        log.warning(
            "github: %s belong to repositories no longer in sources.github.repos: their "
            "unfinished backfill is dropped (their loaded rows stay)",
            ", ".join(sorted(dropped)),
        )
    return dropped


#: Set in a resource's state once it has read everything up to its cursor at least once.
LOADED_KEY = "loaded"


def mark_loaded(resource_state: MutableMapping[str, Any]) -> None:
    """This resource read its whole listing (committed with this run's load)."""
    resource_state[LOADED_KEY] = True


class RunPlan:
    """What this run knows of earlier runs' backfill: the resources that held a resume position
    when its extract began (`names`: taken once, when the first resource asks, before any
    resource of this run saved one, so a resource stopped in this run does not make the others
    skip their read), and whether it is a `--full-refresh` (positions it saves say so, so
    rerunning that command resumes the pass instead of dropping the data again)."""

    def __init__(self, full_refresh: bool = False) -> None:
        self.full_refresh = full_refresh
        self._names: set[str] | None = None
        self._lock = threading.Lock()

    def names(self, source_state: MutableMapping[str, Any] | None = None) -> set[str]:
        """The names (taken from `source_state`, default dlt's current one, at the first call)."""
        with self._lock:
            if self._names is None:
                state = dlt.current.source_state() if source_state is None else source_state
                self._names = set(pending_resumes(state))
            return self._names


def wait_for_backfill(
    pending: RunPlan | None,
    resource_state: MutableMapping[str, Any],
    name: str,
    *,
    backfill: bool = False,
) -> bool:
    """Whether `name` skips its read this run: it was loaded completely before, holds no
    resume position of its own, and other resources held one when the run began (a backfill is
    in progress), so its incremental re-read would spend budget the backfill needs. It reads
    again on the first run after the backfill completes. A `--since` run (`backfill`) never
    skips; neither does a resource given no `pending`."""
    if pending is None:
        return False
    others = pending.names() - {name}
    if backfill or resource_state.get(STATE_KEY) or not resource_state.get(LOADED_KEY):
        return False
    if others:
        log.info("github %s: loaded already; read again once the backfill completes", name)
    return bool(others)
