"""Org members with their profiles (name, public email), re-read in full every run with
conditional requests: ETags kept in dlt state make unchanged pages and profiles 304s, which
GitHub does not charge against the rate limit, and unchanged people load nothing.

Resumable: a run stopped by a spent budget yields every profile it read (also those read after
another request was refused: concurrent requests finish in any order) and keeps ETags only for
those, so the next run answers them with free 304s and reads the rest. A stopped read leaves a
resume position (the backfill the run summary reports) until a run reads every profile."""

from __future__ import annotations

from collections.abc import Iterator, MutableMapping
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import dlt
from dlt.sources import DltResource
from dlt.sources.helpers.requests import Response, Session

from pipelines.sources.github.plan import RunPlan, mark_loaded, wait_for_backfill
from pipelines.sources.github.rate_limits import GitHubRateLimits
from pipelines.sources.github.shapes import IGNORED, USER
from pipelines.sources.http import SourceError, rate_limit_error
from pipelines.sources.run_budget import ResumePosition, RunStopped, current
from pipelines.sources.shaping import reduce

RATE_LIMITS = GitHubRateLimits()

USER_COLUMNS: dict[str, dict[str, Any]] = {
    "id": {"data_type": "bigint", "nullable": False},
    "login": {"data_type": "text"},
    "name": {"data_type": "text"},
    "email": {"data_type": "text"},
    "company": {"data_type": "text"},
    "created_at": {"data_type": "timestamp"},
    "updated_at": {"data_type": "timestamp"},
}


def conditional_get(
    session: Session,
    url: str,
    etags: MutableMapping[str, str],
    params: dict[str, Any] | None = None,
    *,
    remember: bool = True,
) -> Response:
    """GET `url`, sending the ETag last seen for it; remember the new one on a 200 (unless
    `remember` is False: the caller keeps it once the row is yielded)."""
    headers = {"If-None-Match": etags[url]} if url in etags else {}
    response = session.get(url, params=params, headers=headers)
    if remember and response.status_code == 200 and response.headers.get("ETag"):
        etags[url] = response.headers["ETag"]
    return response


def _check(response: Response, what: str) -> None:
    if response.status_code not in (200, 304):
        where = f"github: GET {response.url.split('?')[0]} ({what})"
        if RATE_LIMITS.is_rate_limited(response):
            raise rate_limit_error("github", where, RATE_LIMITS.seconds_until_reset(response))
        raise SourceError(
            f"github: GET {response.url.split('?')[0]} ({what}): HTTP {response.status_code}: "
            f"{response.text[:200]}"
        )


def member_logins(
    session: Session, base_url: str, org: str, state: dict[str, Any], page_size: int = 100
) -> list[str]:
    """Every member's login, page by page; unchanged pages come from state (304)."""
    pages: dict[str, Any] = state.setdefault("member_pages", {})
    etags: dict[str, str] = state.setdefault("etags", {})
    url: str | None = f"{base_url}/orgs/{org}/members?per_page={page_size}"
    logins: list[str] = []
    while url:
        response = conditional_get(session, url, etags)
        _check(response, f"members of {org}")
        if response.status_code == 304:
            page = pages[url]
        else:
            page = {
                "logins": [m["login"] for m in response.json()],
                "next": response.links.get("next", {}).get("url"),
            }
            pages[url] = page
        logins += page["logins"]
        url = page["next"]
    return logins


def org_members_resource(
    session: Session,
    base_url: str,
    org: str,
    max_concurrency: int,
    page_size: int = 100,
    pending: RunPlan | None = None,
) -> DltResource:
    """`raw_users`: one row per org member with their public profile, merged on `id`."""

    @dlt.resource(
        name="users",
        table_name="raw_users",
        primary_key="id",
        write_disposition="merge",
        columns=USER_COLUMNS,
        parallelized=True,  # read beside the repositories' resources
    )
    def users() -> Iterator[list[dict[str, Any]]]:
        dlt.current.source_state()["endpoint"] = base_url
        state = dlt.current.resource_state()
        if wait_for_backfill(pending, state, "users"):
            return
        etags: dict[str, str] = state.setdefault("etags", {})
        key, resume = "github:users", ResumePosition(state)  # the resource's name
        budget = current()
        try:
            logins = member_logins(session, base_url, org, state, page_size)
        except RunStopped:
            budget.progress(key, 0, None, "member profiles", org)
            resume.save({"org": org}, {}, full_refresh=bool(pending and pending.full_refresh))
            return

        def profile(login: str) -> tuple[str, Response]:
            url = f"{base_url}/users/{login}"
            response = conditional_get(session, url, etags, remember=False)
            _check(response, f"profile of {login}")
            return url, response

        changed, done = [], 0
        with ThreadPoolExecutor(max_workers=max_concurrency) as pool:
            futures = [pool.submit(profile, login) for login in logins]
            for future in futures:
                try:
                    url, response = future.result()
                except RunStopped:
                    continue  # not read: it keeps no ETag, the next run reads it
                done += 1
                if response.status_code == 304:
                    continue
                changed.append(reduce(response.json(), USER, ignore=IGNORED["user"]))
                if response.headers.get("ETag"):
                    etags[url] = response.headers["ETag"]
        if done < len(logins):
            budget.progress(key, done, len(logins), "member profiles", org)
            resume.save(
                {"org": org}, {"read": done}, full_refresh=bool(pending and pending.full_refresh)
            )
        else:
            budget.finished(key)
            resume.clear()
            mark_loaded(state)
        if changed:
            yield changed
        members = set(logins)
        # Forget ETags of people who left, so state does not grow forever.
        for url in [u for u in etags if "/users/" in u and u.rsplit("/", 1)[1] not in members]:
            del etags[url]

    return users
