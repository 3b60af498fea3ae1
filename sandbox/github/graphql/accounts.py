"""Field resolvers of accounts (User, Bot, Organization, Mannequin) and teams, over the
org's `Account` and `Team` records (same ids, logins and node ids as REST)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Any

from graphql import GraphQLResolveInfo

from sandbox.github.graphql.connections import Connection, paginate
from sandbox.github.graphql.context import WEB, Context, account_paths
from sandbox.github.graphql.errors import GitHubGraphQLError
from sandbox.github.models import Account, Repo
from sandbox.github.shapes import node_id

Resolver = Callable[..., Any]


def v(read: Callable[[Any], Any]) -> Resolver:
    """A resolver reading one value off the object."""
    return lambda obj, _info, **_args: read(obj)


def _ts(value: datetime) -> int:
    return int(value.timestamp())


def _by_id(item: Any) -> tuple[int]:
    return (item.id,)


# -- accounts ------------------------------------------------------------------------------------
def _avatar(account: Account, _info: GraphQLResolveInfo, size: int | None = None) -> str:
    url = f"https://avatars.githubusercontent.com/u/{account.id}?v=4"
    return url if size is None else f"{url}&s={size}"


def _login(account: Account, context: Context) -> str:
    if account.type == "Bot" and context.bot_logins_without_suffix:
        return account.login.removesuffix("[bot]")
    return account.login


ACCOUNT: dict[str, Resolver] = {
    "avatarUrl": _avatar,
    "createdAt": v(lambda a: a.created_at),
    "databaseId": v(lambda a: a.id),
    "id": v(lambda a: node_id(a.type, a.id)),
    "login": lambda a, info: _login(a, info.context),
    "resourcePath": v(lambda a: account_paths(a)[0]),
    "updatedAt": v(lambda a: a.updated_at),
    "url": v(lambda a: account_paths(a)[1]),
    "email": v(lambda a: a.email or ""),
    "name": v(lambda a: a.name),
}


def _org_repositories(org: Account, info: GraphQLResolveInfo, **args: Any) -> Connection:
    context: Context = info.context
    repos = [r for r in context.org.world.repos if r.owner is org]
    if args.get("isArchived") is not None:
        repos = [r for r in repos if r.archived == args["isArchived"]]
    if args.get("isFork") is not None:
        repos = [r for r in repos if r.fork == args["isFork"]]
    order = args.get("orderBy") or {}
    field = order.get("field")
    keys: dict[str | None, Callable[[Repo], tuple[Any, ...]]] = {
        None: lambda r: (r.id,),
        "NAME": lambda r: (r.name.lower(), r.id),
        "CREATED_AT": lambda r: (_ts(r.created_at), r.id),
        "UPDATED_AT": lambda r: (_ts(r.updated_at), r.id),
        "PUSHED_AT": lambda r: (_ts(r.pushed_at), r.id),
        "STARGAZERS": lambda r: (r.stargazers, r.id),
    }
    key = keys[field]
    descending = order.get("direction") == "DESC"
    repos.sort(key=key, reverse=descending)
    connection = paginate(repos, key, args, info, descending=descending)
    connection.totalDiskUsage = sum(r.size for r in repos)  # type: ignore[attr-defined]
    return connection


def _org_repository(org: Account, info: GraphQLResolveInfo, name: str, **_: Any) -> Repo | None:
    repo = info.context.org.repo(org.login, name)
    if repo is None:
        raise GitHubGraphQLError(
            "NOT_FOUND", f"Could not resolve to a Repository with the name '{org.login}/{name}'."
        )
    return repo


ORGANIZATION = {**ACCOUNT, "repositories": _org_repositories, "repository": _org_repository}

TEAM: dict[str, Resolver] = {
    "combinedSlug": v(lambda t: f"{t.org}/{t.slug}"),
    "createdAt": lambda t, info: info.context.org.org.created_at,
    "updatedAt": lambda t, info: info.context.org.org.updated_at,
    "databaseId": v(lambda t: t.id),
    "description": v(lambda t: t.description),
    "id": v(lambda t: node_id("Team", t.id)),
    "name": v(lambda t: t.name),
    "slug": v(lambda t: t.slug),
    "resourcePath": v(lambda t: f"/orgs/{t.org}/teams/{t.slug}"),
    "url": v(lambda t: f"{WEB}/orgs/{t.org}/teams/{t.slug}"),
}
