"""A windowed entity's first load (`resumable.py` on `chained_pass.py`), against a fake Linear
that pages its rows by keyset and counts requests: N disjoint `createdAt` chains from one
shared probe, each row read once; stopped, every chain's position is kept and the next run
continues each; a position saved before windows (one `after`) resumes as one chain; everything
else (incremental reads, windows of 1, entities not declared windowed) is one chain as before."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from datetime import timedelta
from typing import Any

import pendulum
import pytest

from pipelines.sources import run_budget
from pipelines.sources.linear import resumable
from pipelines.sources.linear.chained_pass import FirstLoadWindows
from pipelines.sources.linear.created_windows import within
from pipelines.sources.linear.entities import ATTACHMENTS, COMMENTS, ENTITIES, ISSUES, Entity
from pipelines.sources.linear.resumable import ReadOptions, read_entity
from pipelines.sources.run_budget import RunStopped
from tests.support.history_windows import created_window, expected_pages

PAGE = 3
NOW = pendulum.now("UTC")


def _stamp(days_ago: float) -> str:
    return (NOW - timedelta(days=days_ago)).format("YYYY-MM-DDTHH:mm:ss.SSS") + "Z"


def _rows(prefix: str, count: int, oldest_days: int) -> list[dict[str, Any]]:
    """`count` rows created over the last `oldest_days` days, updated in another order."""
    step = oldest_days / count
    return [
        {
            "id": f"{prefix}{n:03d}",
            "createdAt": _stamp(oldest_days - n * step),
            "updatedAt": _stamp((n * 7 % count) * step / 2),
            "archivedAt": None,
        }
        for n in range(count)
    ]


def _matches(row: dict[str, Any], spec: dict[str, Any] | None) -> bool:
    if not spec:
        return True
    for key, condition in spec.items():
        if key == "and" and not all(_matches(row, part) for part in condition):
            return False
        if key == "or" and not any(_matches(row, part) for part in condition):
            return False
        if key not in ("and", "or"):
            value = row.get(key)
            if value is None:
                return False
            for op, bound in condition.items():
                if (op == "gte" and value < bound) or (op == "lt" and value >= bound):
                    return False
    return True


class FakeLinear:
    """Keyset pages (newest change first) of `rows` per root field. `first_pages_only`: every
    chain's second page is refused the way a spent rate-limit budget refuses a request
    (`RunStopped`), so a stopped run has read each chain's first page, whatever the threads'
    order."""

    api_url = "https://fake.linear/graphql"

    def __init__(
        self, rows: dict[str, list[dict[str, Any]]], first_pages_only: bool = False
    ) -> None:
        self.rows, self.first_pages_only = rows, first_pages_only
        self.requests: list[tuple[str, str, dict[str, Any]]] = []
        self._lock = threading.Lock()

    def pages(self, root: str, query: str, variables: dict[str, Any]) -> Iterator[list[Any]]:
        for nodes, _ in self.cursor_pages(root, query, variables):
            yield nodes

    def cursor_pages(
        self, root: str, query: str, variables: dict[str, Any]
    ) -> Iterator[tuple[list[dict[str, Any]], str | None]]:
        after = variables.get("after")
        while True:
            self._take(root, query, {**variables, "after": after})
            found = [r for r in self.rows[root] if _matches(r, variables.get("filter"))]
            if "Issues_earliest" in query:
                yield [{"createdAt": min(r["createdAt"] for r in found)}] if found else [], None
                return
            found.sort(key=lambda r: (r["updatedAt"], r["id"]), reverse=True)
            ids = [r["id"] for r in found]
            start = ids.index(after) + 1 if after else 0
            page = [dict(r) for r in found[start : start + variables["first"]]]
            end = page[-1]["id"] if page else after
            yield page, end
            if start + len(page) >= len(found):
                return
            after = end

    def _take(self, root: str, query: str, variables: dict[str, Any]) -> None:
        if self.first_pages_only and variables.get("after"):
            raise RunStopped("spent")
        with self._lock:
            self.requests.append((root, query, variables))

    def sent(self, root: str, kind: str = "Sync_") -> list[dict[str, Any]]:
        return [v for r, q, v in self.requests if r == root and kind in q]

    def probes(self) -> int:
        return sum(1 for _, query, _ in self.requests if "Issues_earliest" in query)


@pytest.fixture(autouse=True)
def fresh_budget() -> Iterator[None]:
    run_budget.start_run()
    yield
    run_budget.start_run()


def _options(client: FakeLinear, count: int) -> ReadOptions:
    windows = FirstLoadWindows(client, count)  # type: ignore[arg-type]
    return ReadOptions(None, False, False, PAGE, timedelta(seconds=1), windows)


def _read(
    entity: Entity, client: FakeLinear, state: dict[str, Any], options: ReadOptions
) -> list[str]:
    pages = read_entity(entity, client, state, options, [])  # type: ignore[arg-type]
    return [row["id"] for page in pages for row in page]


def _data() -> dict[str, list[dict[str, Any]]]:
    return {
        "issues": _rows("i", 20, 400),
        "comments": _rows("c", 31, 280),  # none in the first window of the issues' span
        "attachments": _rows("a", 7, 300),
        "users": _rows("u", 5, 500),
    }


def _windows_of(state: dict[str, Any]) -> list[tuple[str | None, str | None]]:
    return [tuple(w) for w in state["resume"]["plan"]["windows"]]  # type: ignore[misc]


def test_windowed_is_declared_for_issues_and_comments_only() -> None:
    assert {e.name for e in ENTITIES if e.windowed} == {"issues", "comments"}
    with pytest.raises(ValueError, match="only event entities"):
        Entity(name="x", filter_type="XFilter", kind="reference", fields={}, windowed=True)


def test_a_first_load_reads_disjoint_windows_from_one_shared_probe() -> None:
    data = _data()
    client = FakeLinear(data)
    options = _options(client, 4)
    issue_state: dict[str, Any] = {}
    comment_state: dict[str, Any] = {}
    issues = _read(ISSUES, client, issue_state, options)
    comments = _read(COMMENTS, client, comment_state, options)

    assert sorted(issues) == sorted(r["id"] for r in data["issues"])  # each once
    assert sorted(comments) == sorted(r["id"] for r in data["comments"])
    assert client.probes() == 1  # one earliest-issue request bounds both entities
    for entity, state in (("issues", issue_state), ("comments", comment_state)):
        by_window: dict[tuple[str | None, str | None], int] = {}
        for variables in client.sent(entity):
            window = created_window(variables)
            by_window[window] = by_window.get(window, 0) + 1
        assert len(by_window) == 4 and (None, None) not in by_window
        assert by_window == expected_pages(by_window, data[entity], PAGE)
        single = -(-len(data[entity]) // PAGE)
        assert single < sum(by_window.values()) <= single + 3  # partly filled last pages
        assert "resume" not in state and state["cursor"] == max(
            r["updatedAt"] for r in data[entity]
        )

    # The next run is incremental: one chain, no probe, no createdAt bound.
    client.requests.clear()
    assert _read(COMMENTS, client, comment_state, _options(client, 4)) == []
    assert client.probes() == 0
    assert [created_window(v) for v in client.sent("comments")] == [(None, None)]


@pytest.mark.parametrize(
    ("entity", "count"), [(COMMENTS, 1), (ATTACHMENTS, 4)], ids=["one-window", "not-windowed"]
)
def test_one_chain_and_no_probe_otherwise(entity: Entity, count: int) -> None:
    data = _data()
    client = FakeLinear(data)
    state: dict[str, Any] = {}
    assert sorted(_read(entity, client, state, _options(client, count))) == sorted(
        r["id"] for r in data[entity.name]
    )
    assert client.probes() == 0
    sent = client.sent(entity.name)
    assert len(sent) == -(-len(data[entity.name]) // PAGE)
    assert all("filter" not in v for v in sent)  # the requests of before windows, unchanged


def test_a_stopped_first_load_keeps_every_chain_and_the_next_run_continues_each() -> None:
    data = _data()
    client = FakeLinear(data, first_pages_only=True)
    state: dict[str, Any] = {}
    first = _read(COMMENTS, client, state, _options(client, 4))
    saved, windows = state["resume"]["position"], _windows_of(state)
    chains = [dict(chain) for chain in saved["chains"]]
    sizes = expected_rows(windows, data["comments"])
    # Each chain read its first page: a window of more rows is left after it, the others done.
    assert len(chains) == 4 == len(windows) and sizes[0] == 0 < PAGE < min(sizes[1:])
    assert [c["done"] for c in chains] == [n <= PAGE for n in sizes]
    assert all(
        c["after"] == _last_of_first_page(w, data["comments"])
        for w, c in zip(windows, chains, strict=True)
    )
    assert saved["count"] == len(first) == sum(min(n, PAGE) for n in sizes)
    assert "after" not in saved

    client = FakeLinear(data)  # the next run, its budget reset
    run_budget.start_run()
    rest = _read(COMMENTS, client, state, _options(client, 4))
    assert client.probes() == 0  # the saved windows are reused
    assert sorted(first + rest) == sorted(r["id"] for r in data["comments"])  # each once
    asked: dict[tuple[str | None, str | None], list[dict[str, Any]]] = {}
    for variables in client.sent("comments"):
        asked.setdefault(created_window(variables), []).append(variables)
    for window, chain in zip(windows, chains, strict=True):
        if chain["done"]:
            assert window not in asked, window  # a finished chain is not read again
        else:
            assert asked[window][0]["after"] == chain["after"], window  # after its last page
    # Besides the windows left unfinished, only the plain pass after a resumed one.
    unfinished = {w for w, c in zip(windows, chains, strict=True) if not c["done"]}
    assert set(asked) == unfinished | {(None, None)}
    assert "resume" not in state and "cursor" in state


def expected_rows(
    windows: list[tuple[str | None, str | None]], rows: list[dict[str, Any]]
) -> list[int]:
    return [sum(1 for r in rows if _matches(r, within(None, w))) for w in windows]


def _last_of_first_page(
    window: tuple[str | None, str | None], rows: list[dict[str, Any]]
) -> str | None:
    inside = [r for r in rows if _matches(r, within(None, window))]
    inside.sort(key=lambda r: (r["updatedAt"], r["id"]), reverse=True)
    return inside[PAGE - 1]["id"] if len(inside) > PAGE else None


def test_a_position_saved_before_windows_resumes_as_one_chain() -> None:
    data = _data()
    order = sorted(data["comments"], key=lambda r: (r["updatedAt"], r["id"]), reverse=True)
    cursor = order[2]["id"]
    state: dict[str, Any] = {
        "resume": {
            "plan": {"from": None},
            "position": {"after": cursor, "count": 3, "max_seen": order[0]["updatedAt"]},
        }
    }
    client = FakeLinear(data)
    read = resumable._one_pass(COMMENTS, client, state, _options(client, 4))  # type: ignore[arg-type]
    rows = [row["id"] for page in read for row in page]
    assert rows == [r["id"] for r in order[3:]]
    assert client.probes() == 0
    sent = client.sent("comments")
    assert sent[0]["after"] == cursor and all(created_window(v) == (None, None) for v in sent)
    assert "resume" not in state and state["cursor"] == order[0]["updatedAt"]
