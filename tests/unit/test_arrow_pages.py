"""Rows gathered across a source's pages into Arrow pages per table (`ArrowPages`), and GitHub's
pull request pages feeding their child tables through it."""

from __future__ import annotations

from typing import Any

import pyarrow as pa

from pipelines.sources.arrow_rows import ArrowPages
from pipelines.sources.github import graphql_pulls

TABLES = {"a": ({"id": "text", "n": "bigint"}, ("id",)), "b": ({"id": "text"}, ("id",))}


def _rows(prefix: str, count: int, start: int = 0) -> list[dict[str, Any]]:
    return [{"id": f"{prefix}{i}", "n": i} for i in range(start, start + count)]


def test_pages_fill_across_adds_and_the_rest_is_flushed() -> None:
    pages = ArrowPages(TABLES, page_rows=4)
    assert list(pages.add("a", _rows("a", 3))) == []  # not full yet
    full = list(pages.add("a", _rows("a", 6, start=3)))  # 9 rows: two full pages, 1 left
    assert [t.num_rows for t in full] == [4, 4]
    assert list(pages.add("b", _rows("b", 2))) == []
    rest = list(pages.flush())
    assert [t.num_rows for t in rest] == [1, 2]
    ids = [i for t in full + rest[:1] for i in t.column("id").to_pylist()]
    assert ids == [f"a{i}" for i in range(9)]  # every row once, in order
    assert list(pages.flush()) == []  # nothing twice
    assert full[0].schema.field("n").type == pa.int64()


def test_mark_wraps_each_page_with_its_table() -> None:
    seen: list[tuple[str, int]] = []

    def mark(table: str, page: Any) -> Any:
        seen.append((table, len(page)))
        return page

    pages = ArrowPages(TABLES, mark, page_rows=2)
    list(pages.add("a", _rows("a", 3)))
    list(pages.flush())
    assert seen == [("a", 2), ("a", 1)]


def test_a_page_with_a_drifted_value_stays_rows() -> None:
    pages = ArrowPages(TABLES, page_rows=10, part_rows=2)
    assert list(pages.add("a", _rows("a", 2))) == []
    drifted = list(pages.add("a", [{"id": "x", "n": 1.5}, {"id": "y", "n": 2}]))
    # At once, as rows: dlt's normalizer evolves them.
    assert drifted == [[{"id": "x", "n": 1.5}, {"id": "y", "n": 2}]]
    (page,) = pages.flush()  # the pages that fit are still one Arrow page
    assert page.column("id").to_pylist() == ["a0", "a1"]


def test_pages_gathered_from_different_fields_are_one_table() -> None:
    pages = ArrowPages(TABLES, page_rows=3, part_rows=1)
    assert list(pages.add("a", [{"id": "a0", "n": 0, "extra": "x"}])) == []
    (page,) = pages.add("a", _rows("a", 3, start=1))  # no `extra`: null in those rows
    assert page.column("extra").to_pylist() == ["x", None, None]
    assert page.column("_dlt_id").null_count == 0
    assert page.schema.field("id").nullable is False  # still required
    (rest,) = pages.flush()
    assert rest.column("id").to_pylist() == ["a3"]


def _pull(number: int) -> dict[str, Any]:
    at = "2026-01-01T00:00:00Z"
    review = {"id": f"R{number}", "databaseId": number, "state": "APPROVED", "submittedAt": at}
    empty = {"nodes": [], "pageInfo": {"hasNextPage": False}, "totalCount": 0}
    return {
        "id": f"PR{number}",
        "databaseId": number,
        "number": number,
        "createdAt": at,
        "updatedAt": at,
        "reviews": {"nodes": [review], "pageInfo": {"hasNextPage": False}, "totalCount": 1},
        **{f: empty for f in ("labels", "assignees", "reviewRequests", "commits", "timelineItems")},
    }


def test_pull_request_pages_yield_their_rows_and_gather_the_child_tables() -> None:
    children = graphql_pulls.child_pages()
    first = list(graphql_pulls.page_items([_pull(1), _pull(2)], "acme/api", children))
    second = list(graphql_pulls.page_items([_pull(3)], "acme/api", children))
    assert [len(first), len(second)] == [1, 1]  # the pull request rows, each page at once
    assert [row["number"] for row in first[0] + second[0]] == [1, 2, 3]
    (reviews,) = list(children.flush())  # one page of the three reviews, at the end
    assert reviews.meta.hints["table_name"] == "raw_pr_reviews"
    assert reviews.data.column("id").to_pylist() == [1, 2, 3]  # the reviews' databaseId
