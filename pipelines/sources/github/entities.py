"""GitHub's per-repository REST listings, each a declaration: what to read, where it lands, its
columns and types, its incremental rule, its derived fields. Adding one is one more
`RepoListing(...)` in `LISTINGS` (plus a staging model and its entry in the sources yml); the
incremental resource (`listings.py`), its `--reconcile` pass (`reconcile.py`) and the tests'
truth mapping (`tests/support/github_truth.py`) all follow from it.

The incremental rule is the one GitHub's repository-wide listings share: `since` with
`sort=updated&direction=asc`, oldest change first, read in windows restarting at the newest
`updated_at` seen (`windowed.py`), so the `updated_at` cursor stands at the newest row loaded.
Pull requests and everything nested in them come through GraphQL (`graphql_pulls.py`).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from pipelines.sources.github.columns import BIGINT, TEXT, TIMESTAMP, _columns
from pipelines.sources.github.repos import _number_from, _tag
from pipelines.sources.github.shapes import USER_REF
from pipelines.sources.shaping import Shape

Row = dict[str, Any]


@dataclass(frozen=True)
class RepoListing:
    """One repository-wide REST listing read by its `updated_at` cursor."""

    name: str  # resource names `<name>__<repo slug>`; table `raw_<name>` unless `table_name`
    path: str  # the endpoint below `repos/{owner}/{repo}/`, e.g. "pulls/comments"
    what: str  # what its rows are, in progress lines and error messages
    shape: Shape  # the fields kept (`shaping.reduce`); unknown top-level ones are kept too
    ignored: frozenset[str]  # fields GitHub sends that are deliberately left out
    columns: Mapping[str, str]  # column -> dlt type, besides `id` (bigint) and `repo` (text)
    derived: Mapping[str, Callable[[Row], Any]] = field(default_factory=dict)
    keep: Callable[[Row], bool] | None = None  # None: every row of the listing
    #: Fields the warehouse-vs-sandbox tests compare, besides `id` (the sandbox's truth table
    #: of the same `name`).
    truth_fields: tuple[str, ...] = ()
    #: Deleted rows vanish from the listing: `--reconcile` lists every id and marks them.
    reconcile: bool = True
    table_name: str = ""

    def __post_init__(self) -> None:
        if self.columns.get("updated_at") != TIMESTAMP:
            raise ValueError(
                f"github listing {self.name!r}: declare `updated_at` as a timestamp column "
                "(its cursor); a listing without one cannot be read incrementally"
            )

    @property
    def table(self) -> str:
        return self.table_name or f"raw_{self.name}"

    @property
    def column_hints(self) -> dict[str, dict[str, Any]]:
        """dlt column hints: `id` the merge key, every declared column typed, `repo` text."""
        return _columns(repo=TEXT, **self.columns)

    def tagger(self, repo: str) -> Callable[[Row], Row]:
        """The map step: check the id, shape the row, add `repo` and the derived fields."""
        return _tag(self.shape, self.ignored, repo, **self.derived)

    def kept(self, row: Row) -> bool:
        return self.keep is None or self.keep(row)

    def endpoint(self, repo: str) -> str:
        return f"repos/{repo}/{self.path}"


_LINKS = ("url", "_links", "html_url")

REVIEW_COMMENTS = RepoListing(
    name="pr_comments",
    path="pulls/comments",
    what="review comments",
    shape={
        "id": True,
        "node_id": True,
        "pull_request_review_id": True,
        "in_reply_to_id": True,
        "user": USER_REF,
        "path": True,
        "line": True,
        "original_line": True,
        "side": True,
        "commit_id": True,
        "created_at": True,
        "updated_at": True,
        "html_url": True,
        "pull_request_url": True,
        "author_association": True,
    },
    ignored=frozenset(
        {
            *_LINKS,
            "diff_hunk",
            "body",
            "position",
            "original_position",
            "original_commit_id",
            "start_line",
            "original_start_line",
            "start_side",
            "subject_type",
            "reactions",
        }
    ),
    columns={
        "pull_number": BIGINT,
        "pull_request_review_id": BIGINT,
        "in_reply_to_id": BIGINT,
        "line": BIGINT,
        "original_line": BIGINT,
        "created_at": TIMESTAMP,
        "updated_at": TIMESTAMP,
        "user__login": TEXT,
        "user__id": BIGINT,
    },
    derived={"pull_number": _number_from("pull_request_url")},
    truth_fields=("repo", "pull_number", "updated_at"),
)

ISSUE_COMMENTS = RepoListing(
    name="pr_issue_comments",
    path="issues/comments",
    what="conversation comments",
    shape={
        "id": True,
        "node_id": True,
        "user": USER_REF,
        "created_at": True,
        "updated_at": True,
        "html_url": True,
        "issue_url": True,
        "author_association": True,
    },
    ignored=frozenset({*_LINKS, "body", "minimized", "reactions", "performed_via_github_app"}),
    columns={
        "pull_number": BIGINT,
        "created_at": TIMESTAMP,
        "updated_at": TIMESTAMP,
        "user__login": TEXT,
        "user__id": BIGINT,
    },
    derived={"pull_number": _number_from("issue_url")},
    # The endpoint returns comments on issues too; keep the pull requests' ones.
    keep=lambda row: "/pull/" in (row.get("html_url") or ""),
    truth_fields=("repo", "pull_number", "updated_at"),
)

#: The listings every run reads, per configured repository.
LISTINGS: tuple[RepoListing, ...] = (REVIEW_COMMENTS, ISSUE_COMMENTS)
