"""Which repositories to read: explicit `owner/name`s, and `owner/*` for every non-archived
repository of an organisation, discovered each run through GraphQL. A repository read before
and gone now is reported (a warning and a counter in the run summary), never fatal."""

from __future__ import annotations

import logging
from collections.abc import Iterator, Sequence
from typing import Any

import dlt
from dlt.sources import DltResource

from pipelines.sources.github.graphql_queries import ORG_REPOSITORIES, REPOSITORY_PAGE_SIZE
from pipelines.sources.http import SourceError

log = logging.getLogger("pipelines.github")


def is_pattern(repo: str) -> bool:
    return repo.endswith("/*")


def expand(client: Any, repos: Sequence[str]) -> tuple[list[str], dict[str, list[str]]]:
    """`repos` with each `owner/*` replaced by the organisation's non-archived repositories
    (in name order), without duplicates; and what each pattern found."""
    out: list[str] = []
    discovered: dict[str, list[str]] = {}
    for repo in repos:
        if is_pattern(repo):
            names = discovered[repo] = org_repositories(client, repo[:-2])
        else:
            names = [repo]
        out += [n for n in names if n not in out]
    return out, discovered


def org_repositories(client: Any, org: str) -> list[str]:
    """Every non-archived repository of `org` (`owner/name`), 100 a query."""
    names: list[str] = []
    after: str | None = None
    while True:
        data, _errors = client.query(
            ORG_REPOSITORIES,
            {"org": org, "first": REPOSITORY_PAGE_SIZE, "after": after},
            what=f"repositories of {org}",
        )
        connection = (data.get("organization") or {}).get("repositories")
        if connection is None:
            raise SourceError(
                f"github: organisation '{org}' not found or its repositories are not visible "
                f"to the token (sources.github.repos has '{org}/*'): check the name and the "
                "token's `repo` and `read:org` scopes."
            )
        names += [
            n["nameWithOwner"]
            for n in connection.get("nodes") or []
            if n and not n.get("isArchived")
        ]
        info = connection.get("pageInfo") or {}
        if not info.get("hasNextPage"):
            return names
        after = info.get("endCursor")


def inventory_resource(discovered: dict[str, list[str]], stats: Any) -> DltResource:
    """Remembers (in source state) what each `owner/*` found, and reports the repositories an
    earlier run found that are gone now (deleted, archived, or no longer visible)."""

    @dlt.resource(name="repository_inventory")
    def repository_inventory() -> Iterator[Any]:
        state = dlt.current.source_state().setdefault("discovered_repositories", {})
        gone = sorted(
            repo
            for pattern, names in discovered.items()
            for repo in set(state.get(pattern, [])) - set(names)
        )
        for repo in gone:
            log.warning(
                "github: repository %s was read before and is gone now (deleted, archived or "
                "no longer visible to the token): its rows stay as last loaded",
                repo,
            )
        if gone:
            stats.add("repositories_gone", len(gone))
        state.update(discovered)
        yield from ()

    return repository_inventory
