"""The dbt project against a real warehouse: a tiny sandbox company loaded by both pipelines and
built once by `dbt build` (see conftest.py). Expected values are computed here from the
sandbox's truth (what its APIs served, who is who in the company), never from the warehouse."""

from __future__ import annotations

import csv
import re
import shutil
from collections import defaultdict
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import duckdb
import pytest

from tests.dbt.dbt_support import (
    DBT_DIR,
    DUPLICATES,
    DbtRun,
    Truth,
    dbt_env,
    invoke_dbt,
    release_duckdb,
)
from tests.support.pr_stage_truth import is_bot

# One pytest-xdist worker runs this group: it shares a session fixture.
pytestmark = pytest.mark.xdist_group("dbt-warehouse")

HOURS_TOLERANCE = 1e-6
LINK_RANK = {
    "linear_attachment": 0,
    "branch_name": 1,
    "branch_identifier": 2,
    "title_identifier": 3,
    "body_magic_word": 4,
}
# Linear's documented magic words (https://linear.app/docs/github), as the bridge reads them.
CLOSING_WORDS = (
    r"close[sd]?|closing|fix(?:e[sd])?|fixing|resolve[sd]?|resolving|complete[sd]?|completing"
    r"|implement(?:s|ed|ing)?"
)
CONTRIBUTING_WORDS = r"refs?|references|part of|related to|relates to|contributes to|towards?"
IDENTIFIER = r"[A-Za-z0-9]+-[0-9]+[A-Za-z0-9]*"
# A magic word, then a list of identifiers on its line (`Fixes ENG-1, ENG-2 and ENG-3`).
MAGIC_WORD = re.compile(
    rf"(?:^|[^A-Za-z0-9])(?:{CLOSING_WORDS}|{CONTRIBUTING_WORDS})[ :]+"
    rf"({IDENTIFIER}(?:[ ,&]+(?:and +)?{IDENTIFIER})*)",
    re.I,
)
LISTED_IDENTIFIER = re.compile(rf"(?<![A-Za-z0-9-]){IDENTIFIER}")
PULL_URL = re.compile(r"^https?://github\.com/([^/]+/[^/]+)/pull/([0-9]+)")
GENERATOR_LINK_METHOD = {
    "branch": "branch_name",
    "feature": "branch_identifier",
    "title": "title_identifier",
}
UNIT_TESTS = {
    "test_issue_lead_and_cycle_time",
    "test_issue_labels_sorted_and_named",
    "test_pull_request_review_metrics",
    "test_identity_match_order",
    "test_identity_ties_put_unknown_creation_dates_last",
    "test_dim_users_keeps_unmatched_people_on_both_sides",
    "test_issue_pull_request_link_rules",
    "test_pull_request_reports_primary_issue",
    "test_issue_linked_pull_requests",
    # delivery: deployments and DORA
    "test_deployment_ships_several_pull_requests",
    "test_failed_deployment_restored_later",
    "test_incident_linked_to_the_deployment_it_followed",
    "test_weekly_dora_keys_and_a_week_without_deployments",
    "test_deployment_outcome_and_window",
    "test_issue_pull_request_linear_links",
    "test_issue_pull_request_magic_word_lists",
    "test_issue_label_changes_one_row_per_label",
    "test_state_span_arithmetic",
    "test_issue_hours_per_state_type",
    # pull-request stages and bots
    "test_pull_request_stages",
    "test_pull_request_activity_bots_and_authors",
    # delivery: issue delivery, cycles and weekly team trends
    "test_issue_delivery_steps",
    "test_issue_pull_request_delivery_on_links",
    "test_pull_request_delivery_steps",
    "test_issue_cycle_changes_from_history",
    "test_issue_cycle_stays_from_history",
    "test_cycle_scope_completion_and_carry_over",
    "test_weekly_team_throughput_wip_and_cycle_time",
    "test_issue_without_pull_request_has_no_delivery",
}
# Intermediate models that need both sources (so only the cross_source selector builds them).
CROSS_SOURCE_INTERMEDIATES = {
    "int_linear__issue_delivery",
    "int_linear__github_identity_matches",
    "int_linear__issue_pull_request_links",
}
MARTS = {"fct_issues", "dim_users", "fct_pull_requests", "bridge_issue_pull_requests"}


# -- truth helpers ------------------------------------------------------------------------------
def aware(value: str) -> datetime:
    """An API timestamp (ISO 8601, `Z`) as an aware datetime."""
    return datetime.fromisoformat(value.replace("Z", "+00:00"))


def pull_key(pull: dict[str, Any]) -> tuple[str, int]:
    return pull["base"]["repo"]["full_name"], pull["number"]


def utc(value: str | None) -> datetime | None:
    """An API timestamp as the warehouse holds it: naive UTC."""
    if value is None:
        return None
    parsed = datetime.fromisoformat(value.replace("Z", "+00:00"))
    return parsed.astimezone(UTC).replace(tzinfo=None)


def hours(start: datetime | None, end: datetime | None) -> float | None:
    if start is None or end is None:
        return None
    return (end - start).total_seconds() / 3600


def assert_hours(actual: float | None, expected: float | None, what: str) -> None:
    if expected is None:
        assert actual is None, what
    else:
        assert actual == pytest.approx(expected, abs=HOURS_TOLERANCE), what


def by_key(rows: list[dict[str, Any]], key: str) -> dict[Any, dict[str, Any]]:
    return {row[key]: row for row in rows}


def override_seed() -> dict[str, str]:
    with (DBT_DIR / "seeds" / "github_identity_overrides.csv").open() as f:
        return {r["linear_email"].lower(): r["github_login"].lower() for r in csv.DictReader(f)}


def mentions(identifier: str, text: str | None) -> int | None:
    """Where `identifier` first occurs in `text` as a whole word (case-insensitive), else None."""
    if not text:
        return None
    found = re.search(rf"(?<![A-Za-z0-9]){re.escape(identifier)}(?![A-Za-z0-9])", text, re.I)
    return found.start() if found else None


def first_mention(identifiers: list[str], text: str | None) -> int | None:
    """The first position where any of an issue's identifiers occurs in `text` as a word."""
    found = [at for i in identifiers if (at := mentions(i, text)) is not None]
    return min(found, default=None)


def magic_word_mentions(body: str | None) -> list[tuple[str, int]]:
    """(identifier, position) of each identifier a magic word lists in a description."""
    return [
        (listed.group(0).upper(), phrase.start(1) + listed.start())
        for phrase in MAGIC_WORD.finditer(body or "")
        for listed in LISTED_IDENTIFIER.finditer(phrase.group(1))
    ]


def attached_pulls(truth: Truth) -> set[tuple[str, int, str]]:
    """(repo, PR number, issue id) of every live GitHub attachment."""
    out = set()
    for attachment in truth.linear["attachments"]:
        parsed = PULL_URL.match(attachment["url"])
        if attachment["sourceType"] == "github" and not attachment["archivedAt"] and parsed:
            out.add((parsed.group(1).lower(), int(parsed.group(2)), attachment["issue"]["id"]))
    return out


def expected_links(truth: Truth) -> dict[tuple[str, int, str], tuple[str, int]]:
    """(repo, PR number, issue identifier) -> (best link method, mention position), by the
    bridge's rules, written independently of its SQL: a regex with look-arounds per issue,
    over its current and previous identifiers."""
    issues = truth.linear["issues"]
    attached = attached_pulls(truth)
    links: dict[tuple[str, int, str], tuple[str, int]] = {}
    for pull in truth.github["pull_requests"]:
        repo, number = pull["base"]["repo"]["full_name"], pull["number"]
        head, title = pull["head"]["ref"], pull["title"]
        said = magic_word_mentions(pull.get("body"))
        for issue in issues:
            identifier = issue["identifier"]
            names = [identifier, *issue.get("previousIdentifiers", [])]
            upper = {n.upper() for n in names}
            in_body = [at for ident, at in said if ident in upper]
            if (repo.lower(), number, issue["id"]) in attached:
                found = ("linear_attachment", 0)
            elif head == issue["branchName"]:
                found = ("branch_name", 0)
            elif (at := first_mention(names, head)) is not None:
                found = ("branch_identifier", at)
            elif (at := first_mention(names, title)) is not None:
                found = ("title_identifier", at)
            elif in_body:
                found = ("body_magic_word", min(in_body))
            else:
                continue
            links[(repo, number, identifier)] = found
    return links


# -- the build itself ---------------------------------------------------------------------------
def test_dbt_build_succeeds_without_failures_or_warnings(dbt_run: DbtRun) -> None:
    bad = {
        node: f"{status}: {dbt_run.build_messages[node]}"
        for node, status in dbt_run.build_statuses.items()
        if status not in ("success", "pass")
    }
    assert dbt_run.build_success and not bad, bad
    kinds = defaultdict(int)
    for node in dbt_run.build_statuses:
        kinds[node.split(".")[0]] += 1
    assert kinds["model"] == 55 and kinds["seed"] == 1 and kinds["test"] > 150, kinds


def test_every_unit_test_ran_and_passed(dbt_run: DbtRun) -> None:
    ran = {
        node.rsplit(".", 1)[-1]: status
        for node, status in dbt_run.build_statuses.items()
        if node.startswith("unit_test.")
    }
    assert set(ran) == UNIT_TESTS
    assert set(ran.values()) == {"pass"}, ran


def test_source_freshness_passes(dbt_run: DbtRun) -> None:
    assert dbt_run.freshness_success
    assert len(dbt_run.freshness_statuses) == 15  # every table with a load id, and _dlt_loads
    assert set(dbt_run.freshness_statuses.values()) == {"pass"}, dbt_run.freshness_statuses


def test_models_land_in_the_dataset_of_their_source(dbt_run: DbtRun) -> None:
    rows = dbt_run.query(
        "select table_schema, table_name, table_type from information_schema.tables "
        "where table_name like 'stg_%' or table_name like 'int_%' "
        "or table_name in ('fct_issues', 'dim_users', 'fct_pull_requests', "
        "'bridge_issue_pull_requests', 'github_identity_overrides')"
    )
    where = {name: (schema, kind) for schema, name, kind in rows}
    assert len(where) == 49
    for name, (schema, kind) in where.items():
        if name.startswith(("stg_", "int_")):
            assert schema == name.split("_")[1] and kind == "VIEW", (name, schema, kind)
    assert where["fct_issues"] == ("linear", "BASE TABLE")
    assert where["dim_users"] == ("linear", "BASE TABLE")
    assert where["bridge_issue_pull_requests"] == ("linear", "BASE TABLE")
    assert where["fct_pull_requests"] == ("github", "BASE TABLE")


def test_selectors_split_by_source(dbt_run: DbtRun) -> None:
    linear, github, cross = (dbt_run.selected[s] for s in ("linear", "github", "cross_source"))
    assert "int_linear__issues_enriched" in linear and "stg_linear__issues" in linear
    assert "int_github__pull_requests_enriched" in github and "stg_github__pull_requests" in github
    assert not any("github" in name for name in linear)
    assert not any("linear" in name for name in github)
    assert not (MARTS & (linear | github))
    assert MARTS | {"github_identity_overrides"} <= cross
    assert cross >= CROSS_SOURCE_INTERMEDIATES
    assert not any(name.startswith(("stg_", "int_")) for name in cross - CROSS_SOURCE_INTERMEDIATES)
    assert {"fct_cycles", "metrics_weekly_team", "int_linear__issue_cycle_stays"} <= linear


# -- staging: every raw row arrives ---------------------------------------------------------------
STAGING_COUNTS = {
    "linear.stg_linear__users": ("linear", "users"),
    "linear.stg_linear__teams": ("linear", "teams"),
    "linear.stg_linear__workflow_states": ("linear", "workflowStates"),
    "linear.stg_linear__cycles": ("linear", "cycles"),
    "linear.stg_linear__projects": ("linear", "projects"),
    "linear.stg_linear__labels": ("linear", "issueLabels"),
    "linear.stg_linear__issues": ("linear", "issues"),
    "linear.stg_linear__comments": ("linear", "comments"),
    "linear.stg_linear__attachments": ("linear", "attachments"),
    "github.stg_github__users": ("github", "users"),
    "github.stg_github__pull_requests": ("github", "pull_requests"),
    "github.stg_github__pr_reviews": ("github", "pr_reviews"),
    "github.stg_github__pr_comments": ("github", "pr_comments"),
    "github.stg_github__pr_issue_comments": ("github", "pr_issue_comments"),
}


@pytest.mark.parametrize("view", sorted(STAGING_COUNTS))
def test_staging_view_has_every_row(dbt_run: DbtRun, view: str) -> None:
    source, entity = STAGING_COUNTS[view]
    truth = getattr(dbt_run.truth, source)[entity]
    assert dbt_run.query(f"select count(*) from {view}")[0][0] == len(truth)


def test_staging_child_tables_have_every_row(dbt_run: DbtRun) -> None:
    truth = dbt_run.truth
    pulls = truth.github["pull_requests"]
    expected = {
        "linear.stg_linear__issue_labels": sum(len(i["labelIds"]) for i in truth.linear["issues"]),
        "github.stg_github__pull_request_labels": sum(len(p["labels"]) for p in pulls),
        "github.stg_github__pull_request_assignees": sum(len(p["assignees"]) for p in pulls),
        "github.stg_github__pull_request_requested_reviewers": sum(
            len(p["requested_reviewers"]) for p in pulls
        ),
        "github.stg_github__pull_request_requested_teams": sum(
            len(p["requested_teams"]) for p in pulls
        ),
    }
    actual = {view: dbt_run.query(f"select count(*) from {view}")[0][0] for view in expected}
    assert actual == expected


# -- fct_issues -------------------------------------------------------------------------------
def test_fct_issues_matches_linear_truth(dbt_run: DbtRun) -> None:
    truth = dbt_run.truth.linear
    teams = by_key(truth["teams"], "id")
    states = by_key(truth["workflowStates"], "id")
    users = by_key(truth["users"], "id")
    label_names = {label["id"]: label["name"] for label in truth["issueLabels"]}
    rows = by_key(dbt_run.records("select * from linear.fct_issues"), "issue_id")
    assert len(rows) == len(truth["issues"])

    completed = duplicates = 0
    for issue in truth["issues"]:
        row = rows[issue["id"]]
        what = issue["identifier"]
        created, started, done = (utc(issue[k]) for k in ("createdAt", "startedAt", "completedAt"))
        assert row["issue_identifier"] == issue["identifier"]
        assert row["team_key"] == teams[issue["team"]["id"]]["key"], what
        state = states[issue["state"]["id"]]
        assert (row["state_name"], row["state_type"]) == (state["name"], state["type"]), what
        assignee = issue["assignee"] and users[issue["assignee"]["id"]]
        assert row["assignee_name"] == (assignee["name"] if assignee else None), what
        names = sorted(label_names[i] for i in issue["labelIds"])
        assert row["labels"] == (", ".join(names) if names else None), what
        assert row["priority"] == issue["priority"] and row["estimate"] == issue["estimate"]
        assert row["created_at"] == created and row["completed_at"] == done, what
        assert row["is_completed"] == (state["type"] == "completed"), what
        assert row["is_canceled"] == (state["type"] == "canceled"), what
        assert row["is_duplicate"] == (state["type"] == "duplicate"), what
        duplicates += state["type"] == "duplicate"
        assert row["is_archived"] == (issue["archivedAt"] is not None), what
        assert_hours(row["lead_time_hours"], hours(created, done), f"{what} lead time")
        assert_hours(row["cycle_time_hours"], hours(started, done), f"{what} cycle time")
        completed += done is not None
    assert completed > 20, "the tiny company should complete plenty of issues"
    assert duplicates == DUPLICATES, "the tiny company marks a few issues as duplicates"


def test_fct_issues_lead_time_of_a_few_completed_issues(dbt_run: DbtRun) -> None:
    """Spelled out for three completed issues (the full comparison is above)."""
    done = [i for i in dbt_run.truth.linear["issues"] if i["completedAt"] and i["startedAt"]][:3]
    assert len(done) == 3
    for issue in done:
        created, started, completed = (
            aware(issue[k]) for k in ("createdAt", "startedAt", "completedAt")
        )
        [(lead, cycle)] = dbt_run.query(
            "select lead_time_hours, cycle_time_hours from linear.fct_issues "
            f"where issue_identifier = '{issue['identifier']}'"
        )
        assert lead == pytest.approx((completed - created).total_seconds() / 3600, abs=1e-6)
        assert cycle == pytest.approx((completed - started).total_seconds() / 3600, abs=1e-6)
        assert lead >= cycle >= 0


def test_fct_issues_linked_pull_requests(dbt_run: DbtRun) -> None:
    truth = dbt_run.truth
    pulls = {pull_key(p): p for p in truth.github["pull_requests"]}
    per_issue: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for repo, number, identifier in expected_links(truth):
        per_issue[identifier].append(pulls[(repo, number)])
    rows = by_key(dbt_run.records("select * from linear.fct_issues"), "issue_identifier")
    assert per_issue, "the tiny company should link pull requests to issues"
    for identifier, row in rows.items():
        linked = per_issue.get(identifier, [])
        merged = [utc(p["merged_at"]) for p in linked if p["merged_at"]]
        assert row["linked_pull_request_count"] == len(linked), identifier
        assert row["merged_pull_request_count"] == len(merged), identifier
        opened = min((utc(p["created_at"]) for p in linked), default=None)
        assert row["first_pull_request_opened_at"] == opened, identifier
        assert row["last_pull_request_merged_at"] == max(merged, default=None), identifier


# -- fct_pull_requests ------------------------------------------------------------------------
def expected_review_metrics(truth: Truth, pull: dict[str, Any]) -> dict[str, Any]:
    """Submitted reviews by anyone but the author and bots; PENDING ones excluded (bots'
    comments left out too; the stages, `hours_to_first_review` included: test_dbt_pr_stages)."""
    key = (pull["base"]["repo"]["full_name"], pull["number"])
    author = pull["user"]["id"]
    reviews = [
        r
        for r in truth.github["pr_reviews"]
        if (r["repo"], r["pull_number"]) == key
        and r["state"] != "PENDING"
        and r["user"]["id"] != author
        and not is_bot(r["user"])
    ]
    first = min((utc(r["submitted_at"]) for r in reviews), default=None)
    approvals = [utc(r["submitted_at"]) for r in reviews if r["state"] == "APPROVED"]
    created = utc(pull["created_at"])
    return {
        "review_count": len(reviews),
        "approval_count": len(approvals),
        "changes_requested_count": sum(r["state"] == "CHANGES_REQUESTED" for r in reviews),
        "reviewer_count": len({r["user"]["id"] for r in reviews}),
        "first_reviewed_at": first,
        "first_approved_at": min(approvals, default=None),
        "hours_to_merge": hours(created, utc(pull["merged_at"])),
        "review_comment_count": sum(
            (c["repo"], c["pull_number"]) == key and not is_bot(c["user"])
            for c in truth.github["pr_comments"]
        ),
        "conversation_comment_count": sum(
            (c["repo"], c["pull_number"]) == key and not is_bot(c["user"])
            for c in truth.github["pr_issue_comments"]
        ),
    }


def test_fct_pull_requests_matches_github_truth(dbt_run: DbtRun) -> None:
    truth = dbt_run.truth
    rows = by_key(dbt_run.records("select * from github.fct_pull_requests"), "pull_request_id")
    assert len(rows) == len(truth.github["pull_requests"])
    reviewed = 0
    for pull in truth.github["pull_requests"]:
        row = rows[str(pull["id"])]
        what = f"{pull['base']['repo']['full_name']}#{pull['number']}"
        assert row["repo_full_name"] == pull["base"]["repo"]["full_name"], what
        assert row["pull_request_number"] == pull["number"], what
        assert row["author_login"] == pull["user"]["login"], what
        assert row["state"] == pull["state"] and row["is_draft"] == pull["draft"], what
        assert row["is_merged"] == (pull["merged_at"] is not None), what
        assert row["created_at"] == utc(pull["created_at"]), what
        expected = expected_review_metrics(truth, pull)
        for column, value in expected.items():
            if column.startswith("hours_"):
                assert_hours(row[column], value, f"{what} {column}")
            else:
                assert row[column] == value, f"{what} {column}"
        reviewed += expected["review_count"] > 0
    assert reviewed > 10, "the tiny company should review plenty of pull requests"


def test_fct_pull_requests_review_numbers_of_a_few_pull_requests(dbt_run: DbtRun) -> None:
    """Spelled out for three merged, reviewed pull requests (the full comparison is above)."""
    truth = dbt_run.truth
    reviewed = {(r["repo"], r["pull_number"]) for r in truth.github["pr_reviews"]}
    merged = [
        p
        for p in truth.github["pull_requests"]
        if p["merged_at"] and (p["base"]["repo"]["full_name"], p["number"]) in reviewed
    ][:3]
    assert len(merged) == 3
    for pull in merged:
        repo, number = pull["base"]["repo"]["full_name"], pull["number"]
        reviews = [
            r
            for r in truth.github["pr_reviews"]
            if r["repo"] == repo
            and r["pull_number"] == number
            and r["submitted_at"]
            and not is_bot(r["user"])
        ]
        opened, merged_at = aware(pull["created_at"]), aware(pull["merged_at"])
        [(count, approvals, to_merge)] = dbt_run.query(
            "select review_count, approval_count, hours_to_merge "
            f"from github.fct_pull_requests where repo_full_name = '{repo}' "
            f"and pull_request_number = {number}"
        )
        assert count == len(reviews)
        assert approvals == sum(r["state"] == "APPROVED" for r in reviews) >= 1
        assert to_merge == pytest.approx((merged_at - opened).total_seconds() / 3600, abs=1e-6)


def test_fct_pull_requests_authors_are_people(dbt_run: DbtRun) -> None:
    members = {str(u["id"]) for u in dbt_run.truth.github["users"]}
    rows = dbt_run.records(
        "select p.author_github_user_id, p.author_user_key, u.github_user_id as user_github_id "
        "from github.fct_pull_requests p left join linear.dim_users u "
        "on p.author_user_key = u.user_key"
    )
    for row in rows:
        if row["author_github_user_id"] in members:
            assert row["user_github_id"] == row["author_github_user_id"], row
        else:  # bots and outside contributors are nobody's person
            assert row["author_user_key"] is None, row
    assert any(r["author_user_key"] is None for r in rows), "the bot opens pull requests too"


# -- the issue <-> pull request bridge ----------------------------------------------------------
def test_bridge_matches_the_link_rules(dbt_run: DbtRun) -> None:
    expected = {key: method for key, (method, _) in expected_links(dbt_run.truth).items()}
    rows = dbt_run.query(
        "select repo_full_name, pull_request_number, issue_identifier, link_method "
        "from linear.bridge_issue_pull_requests"
    )
    actual = {(repo, number, identifier): method for repo, number, identifier, method in rows}
    assert len(rows) == len(expected)
    assert actual == expected
    assert set(LINK_RANK) <= set(actual.values())


def test_fct_pull_requests_reports_the_issue_it_implements(dbt_run: DbtRun) -> None:
    """The generator's own intent (which issue a PR was made for, and how it names it) is the
    oracle here; decoy branches like `patch-4` or `dependabot/pip/boto3-6.0` link nothing."""
    truth = dbt_run.truth
    links = expected_links(truth)
    rows = by_key(dbt_run.records("select * from github.fct_pull_requests"), "pull_request_id")
    kinds = defaultdict(int)
    issue_ids = {
        name: issue["id"]
        for issue in truth.linear["issues"]
        for name in (issue["identifier"], *issue["previousIdentifiers"])
    }
    for pull in truth.github["pull_requests"]:
        row = rows[str(pull["id"])]
        kind, identifier = truth.pull_links[pull["id"]]
        kinds[kind] += 1
        # the rules' choice: best method, then first mention, then identifier
        candidates = [
            (LINK_RANK[method], at, ident, method)
            for (repo, number, ident), (method, at) in links.items()
            if (repo, number) == (pull["base"]["repo"]["full_name"], pull["number"])
        ]
        best = min(candidates, default=None)
        assert (row["linear_issue_identifier"], row["link_method"]) == (
            (best[2], best[3]) if best else (None, None)
        )
        # Linear's own link (sandbox.pr_links) wins; an issue moved to another team since keeps
        # the generator's identifier among its previous ones.
        linear_link = truth.linear_pull_links.get(pull["id"])
        if linear_link is not None:
            method, issue_id = linear_link
            kinds[method] += 1
            assert (row["linear_issue_id"], row["link_method"]) == (issue_id, method)
        elif kind == "none":
            assert row["linear_issue_id"] is None, (pull["head"]["ref"], pull["title"])
        else:
            assert row["linear_issue_id"] == issue_ids[identifier]
            assert row["link_method"] == GENERATOR_LINK_METHOD[kind]
    assert all(kinds[k] for k in ("branch", "feature", "title", "none")), kinds
    assert kinds["linear_attachment"] and kinds["body_magic_word"], kinds


# -- dim_users -------------------------------------------------------------------------------
def test_dim_users_matches_the_company(dbt_run: DbtRun) -> None:
    people = dbt_run.truth.people
    overrides = override_seed()
    rows = dbt_run.records("select * from linear.dim_users")
    by_email = {r["email"]: r for r in rows if r["linear_user_id"] is not None}
    by_login = {r["github_login"]: r for r in rows if r["github_login"] is not None}
    linear_people = [p for p in people if p.in_linear]
    github_only = [p for p in people if p.github_login and not p.in_linear]
    assert len(rows) == len(linear_people) + len(github_only)
    assert len({r["user_key"] for r in rows}) == len(rows)

    methods = defaultdict(int)
    for person in linear_people:
        row = by_email[person.email]
        if person.links_github:
            method = "github_user_id"
        elif person.github_login and person.github_email == person.email:
            method = "email"
        elif person.github_login and overrides.get(person.email) == person.github_login:
            method = "override"
        else:
            method = "unmatched"
        methods[method] += 1
        assert row["match_method"] == method, person
        assert row["user_key"] == row["linear_user_id"], person
        assert row["name"] == person.name and row["is_linear_active"] == person.linear_active
        if method == "unmatched":
            assert row["github_user_id"] is None and not row["is_github_member"], person
        else:
            assert row["github_login"] == person.github_login, person
            assert row["github_user_id"] == str(person.github_id) and row["is_github_member"]
    for person in github_only:
        row = by_login[person.github_login]
        assert row["user_key"] == f"gh-{person.github_id}" and row["linear_user_id"] is None
        assert row["match_method"] == "unmatched" and row["is_github_member"]
        methods["github only"] += 1
    # the tiny company exercises every rule (it has no GitHub-only people; unit tests do)
    assert all(methods[m] for m in ("github_user_id", "email", "override", "unmatched")), methods


def test_dim_users_links_every_linear_user_with_a_github_user_id(dbt_run: DbtRun) -> None:
    logins = {str(u["id"]): u["login"] for u in dbt_run.truth.github["users"]}
    rows = by_key(dbt_run.records("select * from linear.dim_users"), "linear_user_id")
    linked = [u for u in dbt_run.truth.linear["users"] if u["gitHubUserId"]]
    assert linked
    for user in linked:
        row = rows[user["id"]]
        assert row["match_method"] == "github_user_id", user["name"]
        assert row["github_user_id"] == user["gitHubUserId"]
        assert row["github_login"] == logins[user["gitHubUserId"]]


# -- the pipelines' single-source builds -----------------------------------------------------------
@pytest.mark.parametrize(
    ("selector", "missing", "useful"),
    [
        ("linear", "github", "int_linear__issues_enriched"),
        ("github", "linear", "int_github__pull_requests_enriched"),
    ],
)
def test_single_source_selector_builds_without_the_other_source(
    dbt_run: DbtRun, tmp_path: Path, selector: str, missing: str, useful: str
) -> None:
    """What `python pipelines/<source>.py` builds must work before the other source ever loaded."""
    warehouse = tmp_path / "warehouse.duckdb"
    shutil.copy(dbt_run.duckdb_file, warehouse)
    with duckdb.connect(str(warehouse)) as con:
        con.execute(f"drop schema {missing} cascade")
    with dbt_env(warehouse):
        try:
            result = invoke_dbt(tmp_path, "build", "--selector", selector)
        finally:
            release_duckdb()
    statuses = {r.node.unique_id: str(r.status) for r in result.result.results}
    assert result.success, {k: v for k, v in statuses.items() if v not in ("success", "pass")}
    built = {uid.split(".")[-1] for uid in statuses if uid.startswith("model.")}
    assert useful in built
    assert not built & MARTS


def test_an_unknown_state_type_warns_and_never_fails_the_build(
    dbt_run: DbtRun, tmp_path: Path
) -> None:
    """A workflow state type Linear adds after this was written is a warning, not a failed
    build (a failed source test would skip every Linear model)."""
    warehouse = tmp_path / "warehouse.duckdb"
    shutil.copy(dbt_run.duckdb_file, warehouse)
    with duckdb.connect(str(warehouse)) as con:
        con.execute(
            "insert into linear.raw_workflow_states (id, name, type, team__id, created_at, "
            "updated_at, _dlt_load_id, _dlt_id) select 'future-state', 'Someday', 'someday', "
            "team__id, created_at, updated_at, _dlt_load_id, 'future-dlt-id' "
            "from linear.raw_workflow_states limit 1"
        )
    with dbt_env(warehouse):
        try:
            result = invoke_dbt(
                tmp_path,
                "build",
                "--select",
                "source:linear.raw_workflow_states",
                "stg_linear__workflow_states",
            )
        finally:
            release_duckdb()
    statuses = {r.node.unique_id: str(r.status) for r in result.result.results}
    assert result.success, statuses
    warned = {uid for uid, status in statuses.items() if status == "warn"}
    assert len(warned) == 2 and all("accepted_values" in uid for uid in warned), statuses


def test_github_graphql_staging_views_carry_every_row(dbt_run: DbtRun) -> None:
    """Issue 11's staging views: every raw timeline event and review request, and the new
    pull request columns as loaded."""
    for view, raw in (
        ("github.stg_github__pr_timeline_events", "github.raw_pr_timeline_events"),
        ("github.stg_github__pr_review_requests", "github.raw_pr_review_requests"),
    ):
        try:
            expected = dbt_run.query(f"select count(*) from {raw}")[0][0]
        except Exception:
            expected = 0  # no pull request had such an event: the view reads an empty relation
        assert dbt_run.query(f"select count(*) from {view}")[0][0] == expected
    mismatched = dbt_run.query(
        "select count(*) from github.stg_github__pull_requests s "
        "join github.raw_pull_requests r on s.pull_request_id = cast(r.id as varchar) "
        "where s.additions is distinct from r.additions "
        "or s.changed_files is distinct from r.changed_files "
        "or s.commit_count is distinct from r.commits "
        "or s.is_bot_author is distinct from r.is_bot"
    )[0][0]
    assert mismatched == 0
