"""The plan of a GitHub run against what earlier runs left: a repository removed from
`sources.github.repos` drops its unfinished backfill (said plainly); one added simply starts
its own, since its resources have no state yet."""

from __future__ import annotations

import logging
from collections.abc import Iterable, MutableMapping
from typing import Any

from pipelines.sources.run_budget import STATE_KEY

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


def wait_for_backfill(
    source_state: MutableMapping[str, Any],
    resource_state: MutableMapping[str, Any],
    name: str,
    *,
    backfill: bool = False,
) -> bool:
    """Whether `name` skips its read this run: it was loaded completely before, holds no
    resume position of its own, and other resources hold one (a backfill is in progress), so
    its incremental re-read would spend budget the backfill needs. It reads again on the first
    run after the backfill completes. A `--since` run (`backfill`) never skips."""
    if backfill or resource_state.get(STATE_KEY) or not resource_state.get(LOADED_KEY):
        return False
    others = [
        other
        for other, state in (source_state.get("resources") or {}).items()
        if other != name and state.get(STATE_KEY)
    ]
    if others:
        log.info("github %s: loaded already; read again once the backfill completes", name)
    return bool(others)
