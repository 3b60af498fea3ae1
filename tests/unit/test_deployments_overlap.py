"""Deployments and default-branch commits re-read 5 minutes before their cursor: a deployment
listed late with a `created_at` older than the cursor is loaded, one already loaded and
unchanged is not (nor are its statuses read again). A stub reader stands in for GitHub's REST
listings (pages of plain dicts, as `GitHubReader.pages` yields them)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from pipelines.sources.github.deployment_resources import read_deployments, read_releases

T = "2026-06-01T10:00:00Z"


class Reader:
    """`GitHubReader` with fixed listings; records the paths it was asked for."""

    repo = "acme/api"

    def __init__(self, listings: dict[str, list[dict[str, Any]]]) -> None:
        self.listings = listings
        self.asked: list[str] = []

    def pages(
        self, path: str, what: str, params: dict[str, Any], key: str | None = None
    ) -> Iterator[list[dict[str, Any]]]:
        self.asked.append(path)
        yield self.listings.get(path, [])


def deployment(deployment_id: int, created_at: str) -> dict[str, Any]:
    return {"id": deployment_id, "created_at": created_at, "updated_at": created_at, "sha": "a"}


def rows_of(items: list[Any]) -> list[dict[str, Any]]:
    return [row for batch in items if isinstance(batch, list) for row in batch]


def test_a_deployment_listed_late_is_loaded_and_a_known_one_is_not() -> None:
    done = [{"id": 9, "state": "success", "created_at": T}]
    first = Reader({"deployments": [deployment(2, T)], "deployments/2/statuses": done})
    state: dict[str, Any] = {}
    assert [
        r["id"] for r in rows_of(list(read_deployments(first, state, "2026-01-01T00:00:00Z", 300)))
    ] == [2]
    assert state["created_at"] == T

    # Newest first: the known one, then one created a minute before the cursor, shown late.
    listing = [
        deployment(2, T),
        deployment(1, "2026-06-01T09:59:00Z"),
        deployment(0, "2026-05-01T00:00:00Z"),
    ]
    again = Reader({"deployments": listing, "deployments/1/statuses": done})
    loaded = rows_of(list(read_deployments(again, state, "2026-01-01T00:00:00Z", 300)))
    assert [r["id"] for r in loaded if "environment" in r] == [1]
    assert again.asked == ["deployments", "deployments/1/statuses"]
    assert state["created_at"] == T

    # Nothing changed: nothing loaded, no status read.
    quiet = Reader({"deployments": listing})
    assert rows_of(list(read_deployments(quiet, state, "2026-01-01T00:00:00Z", 300))) == []
    assert quiet.asked == ["deployments"]


def test_a_release_published_late_is_loaded_once() -> None:
    def release(release_id: int, at: str) -> dict[str, Any]:
        return {"id": release_id, "created_at": at, "published_at": at, "draft": False}

    state: dict[str, Any] = {}
    list(read_releases(Reader({"releases": [release(2, T)]}), state, "2026-01-01T00:00:00Z", 300))
    late = Reader({"releases": [release(2, T), release(1, "2026-06-01T09:58:00Z")]})
    assert [r["id"] for r in rows_of(list(read_releases(late, state, "x", 300)))] == [1]
    assert rows_of(list(read_releases(late, state, "x", 300))) == []
