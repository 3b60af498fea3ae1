"""README's "Adding a GitHub entity", step 1, followed by a test: a throwaway repository
listing, declared and put in `LISTINGS` and nothing else, is read from the sandbox for every
configured repository and loaded into its own raw table, typed as declared, its derived field
computed; a second run loads nothing new, and `--reconcile` marks its deleted rows."""

from __future__ import annotations

from pathlib import Path

import dlt
import duckdb
import pytest

from pipelines.sources.github import entities, github_source
from pipelines.sources.github.entities import BIGINT, TEXT, TIMESTAMP, RepoListing
from pipelines.sources.github.shapes import USER_REF
from sandbox import GITHUB_ORG, GITHUB_TOKEN, Sandbox

#: Every conversation comment, plain issues' too (the product keeps the pull requests' ones).
THROWAWAY = RepoListing(
    name="throwaway_comments",
    path="issues/comments",
    what="issue and pull request comments",
    shape={"id": True, "user": USER_REF, "updated_at": True, "html_url": True},
    ignored=frozenset({"url", "body", "node_id", "issue_url", "created_at", "reactions"}),
    columns={"updated_at": TIMESTAMP, "user__login": TEXT, "on_pull_request": BIGINT},
    derived={"on_pull_request": lambda row: int("/pull/" in row["html_url"])},
)


def _run(sandbox: Sandbox, root: Path, *, reconcile: bool = False) -> None:
    pipeline = dlt.pipeline(
        pipeline_name="github_recipe",
        pipelines_dir=str(root / "dlt"),
        destination=dlt.destinations.duckdb(str(root / "warehouse.duckdb")),
        dataset_name="github",
    )
    source = github_source(
        org=GITHUB_ORG,
        repos=sandbox.github.repo_names,
        access_token=GITHUB_TOKEN,
        base_url=sandbox.github.api_url,
        reconcile=reconcile,
    )
    ours = [name for name in source.resources if "throwaway_comments__" in name]
    pipeline.run(source.with_resources(*ours))


def _truth(sandbox: Sandbox) -> dict[int, tuple[str, str, int]]:
    data = sandbox.github.org_data
    truth = {}
    for full_name in sandbox.github.repo_names:
        for comment in data.issue_comments(data.repo(*full_name.split("/"))):
            on_pull = int(comment.pull is not None)
            truth[comment.id] = (full_name, comment.user.login, on_pull)
    return truth


def test_a_declared_listing_loads_from_the_sandbox(
    sandbox: Sandbox, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(entities, "LISTINGS", (THROWAWAY,))
    _run(sandbox, tmp_path)

    truth = _truth(sandbox)
    with duckdb.connect(str(tmp_path / "warehouse.duckdb"), read_only=True) as con:
        loaded = con.execute(
            "select id, repo, user__login, on_pull_request from github.raw_throwaway_comments"
        )
        rows = {row[0]: tuple(row[1:]) for row in loaded.fetchall()}
        types = dict(
            con.execute(
                "select column_name, data_type from information_schema.columns "
                "where table_schema = 'github' and table_name = 'raw_throwaway_comments'"
            ).fetchall()
        )
        tables = {r[0] for r in con.execute("select table_name from duckdb_tables()").fetchall()}
    assert rows == truth
    assert {on_pull for *_, on_pull in truth.values()} == {0, 1}  # plain issues' comments too
    assert types["updated_at"].startswith("TIMESTAMP") and types["on_pull_request"] == "BIGINT"
    assert "body" not in types  # ignored fields stay out
    assert "raw_pr_comments" not in tables  # the declaration is the only one in LISTINGS

    _run(sandbox, tmp_path)  # nothing changed: nothing is loaded again
    with duckdb.connect(str(tmp_path / "warehouse.duckdb"), read_only=True) as con:
        loads = con.execute(
            "select count(*), count(distinct _dlt_load_id) from github.raw_throwaway_comments"
        ).fetchone()
    assert loads == (len(truth), 1)

    gone = {comment_id for *_, comment_id in sandbox.github.org_data.delete_issue_comments(2)}
    _run(sandbox, tmp_path, reconcile=True)  # `--reconcile` covers the declared listing too
    with duckdb.connect(str(tmp_path / "warehouse.duckdb"), read_only=True) as con:
        deleted = con.execute(
            "select id from github.raw_throwaway_comments where is_deleted"
        ).fetchall()
    assert {row[0] for row in deleted} == gone and len(gone) == 2


def test_a_listing_without_an_updated_at_cursor_is_refused() -> None:
    with pytest.raises(ValueError, match="declare `updated_at` as a timestamp"):
        RepoListing(
            name="no_cursor",
            path="issues/comments",
            what="comments",
            shape={"id": True},
            ignored=frozenset(),
            columns={"created_at": TIMESTAMP},
        )
