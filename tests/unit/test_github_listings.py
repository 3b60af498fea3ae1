"""GitHub's repository listings as declarations: what a `RepoListing` derives (table, column
hints, endpoint, the map step with its derived fields and filter), and the declared listings'
agreement with the dbt sources they feed."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import yaml

from pipelines.paths import REPO_ROOT
from pipelines.sources.github.entities import (
    ISSUE_COMMENTS,
    LISTINGS,
    REVIEW_COMMENTS,
    TIMESTAMP,
    RepoListing,
)
from pipelines.sources.http import SourceError

SOURCES_YML = REPO_ROOT / "dbt" / "models" / "staging" / "github" / "_github__sources.yml"
STAGING = REPO_ROOT / "dbt" / "models" / "staging" / "github"
RAW = re.compile(r"""['"]github['"]\s*,\s*['"](raw_\w+)['"]""")


def test_a_listing_derives_its_table_hints_and_endpoint() -> None:
    assert REVIEW_COMMENTS.table == "raw_pr_comments"
    assert REVIEW_COMMENTS.endpoint("acme/api") == "repos/acme/api/pulls/comments"
    hints = REVIEW_COMMENTS.column_hints
    assert hints["id"] == {"data_type": "bigint", "nullable": False, "cluster": True}
    assert hints["repo"]["data_type"] == "text"
    assert hints["updated_at"]["data_type"] == "timestamp"
    assert set(hints) == {"id", "repo", *REVIEW_COMMENTS.columns}
    assert REVIEW_COMMENTS.column_hints is not hints  # a fresh dict each time (dlt writes in it)


def test_the_map_step_shapes_tags_and_derives() -> None:
    raw = {
        "id": 7,
        "user": {"login": "ana", "id": 1, "type": "User", "avatar_url": "x"},
        "created_at": "2026-01-01T00:00:00Z",
        "updated_at": "2026-01-02T00:00:00Z",
        "html_url": "https://github.com/acme/api/pull/12#issuecomment-7",
        "issue_url": "https://api.github.com/repos/acme/api/issues/12",
        "body": "long text",
        "reactions": {"+1": 1},
        "new_field": "kept",
    }
    row = ISSUE_COMMENTS.tagger("acme/api")(raw)
    assert row["repo"] == "acme/api" and row["pull_number"] == 12
    assert row["user__login"] == "ana" and "user__avatar_url" not in row
    assert "body" not in row and "reactions" not in row
    assert row["new_field"] == "kept"  # what GitHub adds shows up as a new column
    assert ISSUE_COMMENTS.kept(raw)
    assert not ISSUE_COMMENTS.kept({**raw, "html_url": "https://github.com/acme/api/issues/3"})
    assert REVIEW_COMMENTS.kept({})  # no filter: every row


def test_a_row_without_a_usable_id_names_the_repository() -> None:
    with pytest.raises(SourceError, match="acme/api: a record has no usable `id`"):
        REVIEW_COMMENTS.tagger("acme/api")({"id": "7"})


def test_a_listing_needs_an_updated_at_cursor() -> None:
    with pytest.raises(ValueError, match="'no_cursor': declare `updated_at`"):
        RepoListing(
            name="no_cursor",
            path="issues",
            what="issues",
            shape={"id": True},
            ignored=frozenset(),
            columns={"updated_at": "text"},
        )
    assert REVIEW_COMMENTS.columns["updated_at"] == TIMESTAMP


def _staging_sources(path: Path) -> set[str]:
    """The raw tables the staging models read (`source('github', 'raw_...')` or a macro)."""
    found = (RAW.findall(p.read_text()) for p in path.glob("stg_*.sql"))
    return {table for tables in found for table in tables}


@pytest.mark.parametrize("listing", LISTINGS, ids=lambda listing: listing.name)
def test_every_declared_listing_has_its_dbt_source_and_staging_model(
    listing: RepoListing,
) -> None:
    """Steps 2 and 3 of README's recipe: one entry in the sources yml, one staging model."""
    tables = {t["name"]: t for t in yaml.safe_load(SOURCES_YML.read_text())["sources"][0]["tables"]}
    assert listing.table in tables, f"{listing.table} is not in {SOURCES_YML.name}"
    assert listing.table in _staging_sources(STAGING), f"no staging model reads {listing.table}"


#: dlt type -> the sources yml's `data_type` (`select_source` maps these to warehouse types).
YML_TYPES = {"bigint": "bigint", "text": "string", "timestamp": "timestamp", "bool": "boolean"}


def _produced(listing: RepoListing) -> set[str]:
    """Every raw column the declaration can produce: typed ones, shaped fields (nested objects
    flattened to `a__b`), derived fields, `repo`."""
    shaped = {
        f"{name}__{sub}" if isinstance(spec, dict) else name
        for name, spec in listing.shape.items()
        for sub in (spec if isinstance(spec, dict) else [None])
    }
    return shaped | set(listing.column_hints) | set(listing.derived)


@pytest.mark.parametrize("listing", LISTINGS, ids=lambda listing: listing.name)
def test_the_staging_columns_of_a_listing_follow_its_declaration(listing: RepoListing) -> None:
    """The columns the staging model reads (declared in the sources yml for `select_source`)
    are columns the declaration produces, typed as it types them."""
    tables = {t["name"]: t for t in yaml.safe_load(SOURCES_YML.read_text())["sources"][0]["tables"]}
    declared = {c["name"]: c.get("data_type") for c in tables[listing.table].get("columns", [])}
    assert declared and all(declared.values()), f"{listing.table}: declare every column's type"
    unknown = set(declared) - _produced(listing)
    assert not unknown, f"{listing.table}: {sorted(unknown)} are not produced by the declaration"
    hints = listing.column_hints
    mistyped = {
        name: (kind, YML_TYPES[hints[name]["data_type"]])
        for name, kind in declared.items()
        if name in hints and YML_TYPES[hints[name]["data_type"]] != kind
    }
    assert not mistyped, f"{listing.table}: yml type != declared type: {mistyped}"
