"""The GitHub sandbox over real HTTP: pagination and Link headers, parameter defaults,
conditional requests, rate limits, faults, auth, mutations and determinism."""

from __future__ import annotations

import json
import math
import re
import time
from collections import Counter
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
import requests

from sandbox.company import Company, Size
from sandbox.github import GitHubOrg, GitHubServer
from sandbox.linear.data import IssueRef

TOKEN = "ghp_test_token"
NOW = datetime(2026, 6, 1, 12, 0, 0, tzinfo=UTC)
SHARED = Path(__file__).resolve().parents[2].parent / "shared"
PAGINATE_FIXTURE = (
    SHARED / "reference/github/octokit_fixtures/paginate-issues.normalized-fixture.json"
)
LINK_PART = re.compile(r'<(?P<url>[^>]+)>; rel="(?P<rel>[a-z]+)"')


def make_refs(company: Company, count: int = 150) -> list[IssueRef]:
    """Linear-like issues spread over the company's history, most of them started."""
    rng = company.rng("test-linear-refs")
    logins = [p.github_login for p in company.github_people]
    span = (company.now - company.start).total_seconds()
    refs = []
    for i in range(count):
        team = "OPS" if i % 3 == 0 else "ENG"
        identifier = f"{team}-{i + 1}"
        created = company.start + timedelta(seconds=int(rng.uniform(0, span * 0.97)))
        started = created + timedelta(hours=rng.randint(1, 72)) if rng.random() < 0.8 else None
        completed = None
        if started is not None and rng.random() < 0.7:
            completed = started + timedelta(hours=rng.randint(2, 200))
        started = started if started and started < company.now else None
        completed = completed if completed and completed < company.now else None
        login = rng.choice(logins) if rng.random() < 0.8 else None
        title = f"Improve the {rng.choice(['billing', 'login', 'search', 'export'])} flow {i}"
        slug = "-".join(title.lower().split()[:4])
        branch = f"{login or 'someone'}/{identifier.lower()}-{slug}"
        refs.append(
            IssueRef(
                f"issue-{i}", identifier, branch, title, team, created, started, completed, login
            )
        )
    return refs


def start_server(company: Company, refs: list[IssueRef] | None = None, **options: Any):
    return GitHubServer(
        company, refs if refs is not None else make_refs(company), token=TOKEN, **options
    ).start()


@pytest.fixture
def company() -> Company:
    return Company(seed=7, size="tiny", now=NOW)


@pytest.fixture(scope="module")
def shared_server() -> Iterator[GitHubServer]:
    box = start_server(Company(seed=7, size="tiny", now=NOW))
    yield box
    box.stop()


@pytest.fixture
def server(shared_server: GitHubServer) -> GitHubServer:
    """The module's server for tests that do not change data: log, budget and faults reset."""
    shared_server.clear_faults()
    shared_server.clear_log()
    shared_server.rate_window.reset()
    return shared_server


@pytest.fixture
def fresh(company: Company) -> Iterator[GitHubServer]:
    """A server of its own, for tests that change the data."""
    box = start_server(company)
    yield box
    box.stop()


@pytest.fixture
def http() -> requests.Session:
    session = requests.Session()
    session.headers["Authorization"] = f"Bearer {TOKEN}"
    return session


def walk(http: requests.Session, url: str, **params: Any) -> tuple[list[dict], list[Any]]:
    """Every item of a paginated list, following Link rel="next"; and the responses."""
    items: list[dict] = []
    pages = []
    response = http.get(url, params=params)
    while True:
        assert response.status_code == 200, response.text
        pages.append(response)
        items += response.json()
        if "next" not in response.links:
            return items, pages
        response = http.get(response.links["next"]["url"])


def rels(link: str) -> list[tuple[str, int]]:
    """(rel, page) pairs of a Link header, checking it has exactly GitHub's form."""
    parts = link.split(", ")
    assert all(LINK_PART.fullmatch(p) for p in parts), link
    out = []
    for part in parts:
        match = LINK_PART.fullmatch(part)
        assert match is not None
        page = re.search(r"[?&]page=(\d+)$", match["url"])
        assert page is not None, f"page must be the last parameter: {match['url']}"
        out.append((match["rel"], int(page[1])))
    return out


def parse_time(text: str) -> datetime:
    assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ", text), text
    return datetime.fromisoformat(text.replace("Z", "+00:00"))


def by_repo(rows: list[dict]) -> dict[str, set[int]]:
    out: dict[str, set[int]] = {}
    for row in rows:
        out.setdefault(row["base"]["repo"]["full_name"], set()).add(row["number"])
    return out


# -- pagination --------------------------------------------------------------------------------
@pytest.mark.parametrize("per_page", [100, 7])
def test_walking_link_next_returns_every_pull_once(
    server: GitHubServer, http: requests.Session, per_page: int
) -> None:
    truth = by_repo(server.org_data.truth("pull_requests"))
    assert set(truth) == set(server.repo_names)
    for repo in server.repo_names:
        items, pages = walk(
            http, f"{server.url}/repos/{repo}/pulls", state="all", per_page=per_page
        )
        numbers = [item["number"] for item in items]
        assert len(numbers) == len(set(numbers)) == len(truth[repo])
        assert set(numbers) == truth[repo]
        assert len(pages) == math.ceil(len(numbers) / per_page)
        assert all(p.request.path_url.startswith("/repositories/") for p in pages[1:])


def test_link_headers_have_githubs_form(server: GitHubServer, http: requests.Session) -> None:
    repo = server.repo_names[0]
    total = len(by_repo(server.org_data.truth("pull_requests"))[repo])
    per_page = next(p for p in range(1, 101) if math.ceil(total / p) == 5)
    _, pages = walk(http, f"{server.url}/repos/{repo}/pulls", per_page=per_page, state="all")
    assert len(pages) == 5
    ours = [rels(p.headers["Link"]) for p in pages]
    assert ours[0] == [("next", 2), ("last", 5)]
    assert ours[2] == [("prev", 2), ("next", 4), ("last", 5), ("first", 1)]
    assert ours[4] == [("prev", 4), ("first", 1)]
    repo_id = server.org_data.repo(*repo.split("/")).id  # type: ignore[union-attr]
    first = LINK_PART.match(pages[0].headers["Link"])
    assert first is not None
    assert first["url"] == (
        f"{server.url}/repositories/{repo_id}/pulls?per_page={per_page}&state=all&page=2"
    )
    if not PAGINATE_FIXTURE.exists():
        print(f"octokit fixture absent ({PAGINATE_FIXTURE}): compared with the known form only")
        return
    recorded = [entry["headers"]["link"] for entry in json.loads(PAGINATE_FIXTURE.read_text())]
    assert [rels(link) for link in recorded] == ours
    # Same URL form: absolute, /repositories/{id}/..., other parameters kept, page last.
    for theirs, mine in zip(recorded, (p.headers["Link"] for p in pages), strict=True):
        theirs_form = re.sub(
            r"https://api\.github\.com/repositories/\d+/issues\?per_page=3", "URL", theirs
        )
        mine_form = re.sub(
            rf"{re.escape(server.url)}/repositories/\d+/pulls\?per_page={per_page}&state=all",
            "URL",
            mine,
        )
        assert theirs_form == mine_form


def test_single_page_has_no_link_header(server: GitHubServer, http: requests.Session) -> None:
    response = http.get(f"{server.url}/orgs/acme/members", params={"per_page": "100"})
    assert response.status_code == 200
    assert "Link" not in response.headers
    members = http.get(f"{server.url}/orgs/acme/members", params={"per_page": "2"})
    link = members.headers["Link"]
    assert f"{server.url}/organizations/{server.org_data.org.id}/members?per_page=2&page=2" in link


def test_per_page_is_capped_at_100(http: requests.Session) -> None:
    company = Company(seed=3, size=Size(repos=1, pulls=230), now=NOW)
    box = start_server(company, [])
    try:
        url = f"{box.url}/repos/{box.repo_names[0]}/pulls"
        big = http.get(url, params={"state": "all", "per_page": "500"})
        assert len(big.json()) == 100
        assert rels(big.headers["Link"]) == [("next", 2), ("last", 3)]
        default = http.get(url, params={"state": "all"})
        assert len(default.json()) == 30
    finally:
        box.stop()


# -- parameters --------------------------------------------------------------------------------
def test_pull_list_defaults(server: GitHubServer, http: requests.Session) -> None:
    repo = server.repo_names[0]
    url = f"{server.url}/repos/{repo}/pulls"
    everything = [
        p for p in server.org_data.truth("pull_requests") if p["base"]["repo"]["full_name"] == repo
    ]
    default = http.get(url, params={"per_page": "100"}).json()
    assert {p["state"] for p in default} == {"open"}
    assert len(default) == sum(1 for p in everything if p["state"] == "open")
    created = [p["created_at"] for p in default]
    assert created == sorted(created, reverse=True)  # sort=created: desc by default

    updated = http.get(url, params={"state": "all", "sort": "updated", "per_page": "100"}).json()
    stamps = [p["updated_at"] for p in updated]
    assert stamps == sorted(stamps)  # other sorts: asc by default
    desc = http.get(
        url, params={"state": "all", "sort": "updated", "direction": "desc", "per_page": "100"}
    ).json()
    assert [p["number"] for p in desc] == [p["number"] for p in reversed(updated)]
    closed = http.get(url, params={"state": "closed", "per_page": "100"}).json()
    assert closed and {p["state"] for p in closed} == {"closed"}
    # `since` is not a parameter of this endpoint: ignored like any unknown one
    ignored = http.get(url, params={"state": "all", "per_page": "100", "since": "2099-01-01"})
    assert len(ignored.json()) == len(everything)


@pytest.mark.parametrize("endpoint", ["pulls/comments", "issues/comments"])
def test_since_filters_comments_by_updated_at(
    server: GitHubServer, http: requests.Session, endpoint: str
) -> None:
    repo = server.repo_names[0]
    url = f"{server.url}/repos/{repo}/{endpoint}"
    every, _ = walk(http, url, per_page=100)
    assert [c["id"] for c in every] == sorted(c["id"] for c in every)  # default: by id
    stamps = sorted(parse_time(c["updated_at"]) for c in every)
    cutoff = stamps[len(stamps) // 2]
    since, _ = walk(http, url, since=cutoff.strftime("%Y-%m-%dT%H:%M:%SZ"), per_page=100)
    expected = {c["id"] for c in every if parse_time(c["updated_at"]) >= cutoff}
    assert {c["id"] for c in since} == expected and 0 < len(expected) < len(every)
    newest, _ = walk(http, url, sort="updated", direction="desc", per_page=100)
    assert [c["updated_at"] for c in newest] == sorted(
        (c["updated_at"] for c in every), reverse=True
    )


def test_issue_comments_cover_pulls_and_plain_issues(
    server: GitHubServer, http: requests.Session
) -> None:
    every = []
    for repo in server.repo_names:
        every += walk(http, f"{server.url}/repos/{repo}/issues/comments", per_page=100)[0]
    kinds = Counter("/pull/" in c["html_url"] for c in every)
    assert kinds[True] and kinds[False]
    truth = server.org_data.truth("pr_issue_comments")
    assert {c["id"] for c in truth} == {c["id"] for c in every if "/pull/" in c["html_url"]}
    assert all(c["html_url"].startswith("https://github.com/") for c in every)
    assert all(c["url"].startswith(f"{server.url}/repos/") for c in every)


def test_invalid_enum_is_422(server: GitHubServer, http: requests.Session) -> None:
    repo = server.repo_names[0]
    for path, params in [
        ("pulls", {"state": "merged"}),
        ("pulls", {"direction": "up"}),
        ("pulls/comments", {"sort": "popularity"}),
        ("issues/comments", {"since": "yesterday"}),
    ]:
        response = http.get(f"{server.url}/repos/{repo}/{path}", params=params)
        assert response.status_code == 422, (path, params)
        body = response.json()
        assert body["message"] == "Validation Failed"
        assert body["errors"][0]["code"] == "invalid"
        assert body["errors"][0]["field"] == next(iter(params))


def test_unknown_things_are_404(server: GitHubServer, http: requests.Session) -> None:
    for path in [
        "/repos/acme/nope/pulls",
        "/repos/acme/api/pulls/99999",
        "/users/nobody-x",
        "/repositories/1/pulls",
        "/orgs/other/members",
        "/repos/acme/api/unknown",
    ]:
        response = http.get(server.url + path)
        assert response.status_code == 404, path
        assert response.json() == {
            "message": "Not Found",
            "documentation_url": "https://docs.github.com/rest",
            "status": "404",
        }


# -- auth, rate limits, conditional requests ---------------------------------------------------
def test_auth_failures_are_401_and_not_charged(server: GitHubServer) -> None:
    url = f"{server.url}/repos/acme/api"
    missing = requests.get(url)
    wrong = requests.get(url, headers={"Authorization": "Bearer nope"})
    assert (missing.status_code, missing.json()["message"]) == (401, "Requires authentication")
    assert (wrong.status_code, wrong.json()["message"]) == (401, "Bad credentials")
    ok = requests.get(url, headers={"Authorization": f"token {TOKEN}"})
    assert ok.status_code == 200
    assert [r.charged for r in server.log] == [False, False, True]


def test_rate_headers_count_down(server: GitHubServer, http: requests.Session) -> None:
    seen = []
    for _ in range(3):
        headers = http.get(f"{server.url}/repos/acme/api/pulls").headers
        seen.append(int(headers["x-ratelimit-remaining"]))
        assert headers["x-ratelimit-limit"] == "5000"
        assert headers["x-ratelimit-resource"] == "core"
        reset = int(headers["x-ratelimit-reset"])  # epoch seconds
        assert time.time() < reset <= time.time() + 3601
    assert seen == [4999, 4998, 4997]
    assert headers["x-ratelimit-used"] == "3"
    rate = http.get(f"{server.url}/rate_limit")
    assert rate.json()["rate"]["remaining"] == 4997  # /rate_limit is free
    assert rate.json()["resources"]["core"]["used"] == 3
    assert server.requests("rate_limit")[0].charged is False


def test_etag_304_is_not_charged(fresh: GitHubServer, http: requests.Session) -> None:
    server = fresh
    url = f"{server.url}/repos/acme/api/pulls"
    params = {"state": "all", "per_page": "100"}
    first = http.get(url, params=params)
    etag = first.headers["ETag"]
    assert etag.startswith('W/"')
    again = http.get(url, params=params, headers={"If-None-Match": etag})
    assert again.status_code == 304 and again.content == b""
    assert again.headers["x-ratelimit-remaining"] == first.headers["x-ratelimit-remaining"]
    assert server.log[-1].charged is False and server.log[-1].status == 304
    server.org_data.update_pulls(1000)  # every pull request
    changed = http.get(url, params=params, headers={"If-None-Match": etag})
    assert changed.status_code == 200 and changed.headers["ETag"] != etag
    user = server.org_data.members()[0].login
    profile = http.get(f"{server.url}/users/{user}")
    modified = profile.headers["Last-Modified"]
    cached = http.get(f"{server.url}/users/{user}", headers={"If-Modified-Since": modified})
    assert cached.status_code == 304


def test_primary_limit_exhaustion(company: Company, http: requests.Session) -> None:
    box = start_server(company, [], requests_per_hour=2)
    try:
        url = f"{box.url}/repos/acme/api"
        assert [http.get(url).status_code for _ in range(2)] == [200, 200]
        blocked = http.get(url)
        assert blocked.status_code == 403
        assert blocked.json()["message"].startswith("API rate limit exceeded for user ID")
        assert blocked.headers["x-ratelimit-remaining"] == "0"
        assert int(blocked.headers["x-ratelimit-reset"]) > time.time()
        assert box.log[-1].charged is False
    finally:
        box.stop()


def test_primary_limit_fault_resets_after_its_seconds(
    server: GitHubServer, http: requests.Session
) -> None:
    server.inject("primary_limit", match="pulls.list", seconds=1)
    url = f"{server.url}/repos/acme/api/pulls"
    blocked = http.get(url)
    assert blocked.status_code == 403
    assert blocked.headers["x-ratelimit-remaining"] == "0"
    reset = int(blocked.headers["x-ratelimit-reset"])
    assert time.time() < reset <= time.time() + 2
    assert http.get(f"{server.url}/repos/acme/api").status_code == 403  # the whole budget
    time.sleep(max(reset - time.time(), 0) + 0.1)
    assert http.get(url).status_code == 200


@pytest.mark.parametrize("status", [403, 429])
def test_secondary_limit(server: GitHubServer, http: requests.Session, status: int) -> None:
    server.inject("secondary_limit", status=status, retry_after=7)
    response = http.get(f"{server.url}/repos/acme/api/pulls")
    assert response.status_code == status
    assert response.headers["retry-after"] == "7"
    assert "secondary rate limit" in response.json()["message"]
    assert int(response.headers["x-ratelimit-remaining"]) > 0
    assert http.get(f"{server.url}/repos/acme/api/pulls").status_code == 200
    server.inject("secondary_limit")
    assert http.get(f"{server.url}/rate_limit").headers["retry-after"] == "1"
    with pytest.raises(ValueError, match="unknown fault kind"):
        server.inject("tertiary_limit")
    server.inject("secondary_limit_no_retry_after", status=status)
    response = http.get(f"{server.url}/repos/acme/api/pulls")
    assert response.status_code == status
    assert "retry-after" not in response.headers
    assert "secondary rate limit" in response.json()["message"]
    assert int(response.headers["x-ratelimit-remaining"]) > 0


def test_operation_labels(server: GitHubServer, http: requests.Session) -> None:
    repo_id = server.org_data.repo("acme", "api").id  # type: ignore[union-attr]
    number = next(
        p["number"]
        for p in server.org_data.truth("pull_requests")
        if p["base"]["repo"]["full_name"] == "acme/api"
    )
    login = server.org_data.members()[0].login
    for path in [
        "/orgs/acme/members",
        f"/users/{login}",
        "/repos/acme/api",
        "/repos/acme/api/pulls",
        f"/repositories/{repo_id}/pulls",
        f"/repos/acme/api/pulls/{number}",
        f"/repos/acme/api/pulls/{number}/reviews",
        "/repos/acme/api/pulls/comments",
        "/repos/acme/api/issues/comments",
        "/rate_limit",
    ]:
        http.get(server.url + path)
    assert [r.operation for r in server.log] == [
        "orgs.members acme",
        f"users.get {login}",
        "repos.get acme/api",
        "pulls.list acme/api",
        "pulls.list acme/api",
        f"pulls.get acme/api#{number}",
        f"pulls.reviews acme/api#{number}",
        "pulls.comments acme/api",
        "issues.comments acme/api",
        "rate_limit",
    ]


# -- data --------------------------------------------------------------------------------------
def test_branch_and_title_mix(server: GitHubServer, company: Company) -> None:
    refs = {r.identifier: r for r in make_refs(company)}
    by_branch = {r.branch_name: r for r in refs.values()}
    pulls = server.org_data.truth("pull_requests")
    kinds: Counter[str] = Counter()
    for pull in pulls:
        ref, branch, title = None, pull["head"]["ref"], pull["title"]
        feature = re.fullmatch(r"feature/([A-Z]+-\d+)-[a-z0-9-]+", branch)
        titled = re.match(r"([A-Z]+-\d+): ", title)
        if branch in by_branch:
            kinds["branch"] += 1
            ref = by_branch[branch]
            if ref.assignee_github_login:
                assert pull["user"]["login"] == ref.assignee_github_login
        elif feature:
            kinds["feature"] += 1
            ref = refs[feature[1]]
        elif titled:
            kinds["title"] += 1
            ref = refs[titled[1]]
            assert ref.identifier.lower() not in branch.lower()
        else:
            kinds["none"] += 1
            assert not any(key in (branch + title).upper() for key in ("ENG-", "OPS-"))
        if ref is not None:  # dates fit the Linear issue
            created = parse_time(pull["created_at"])
            assert created >= (ref.started_at or ref.created_at)
            if pull["merged_at"]:
                assert ref.completed_at and parse_time(pull["merged_at"]) <= ref.completed_at
    n = len(pulls)
    assert kinds == {
        "branch": round(n * 0.4),
        "feature": round(n * 0.15),
        "title": round(n * 0.15),
        "none": n - 2 * round(n * 0.15) - round(n * 0.4),
    }
    authors = {p["user"]["login"] for p in pulls}
    assert "dependabot[bot]" in authors
    members = {a.login for a in server.org_data.members()}
    assert authors - members - {"dependabot[bot]"}  # an outside contributor too


def test_states_and_updated_at_cover_activity(server: GitHubServer) -> None:
    data = server.org_data
    pulls = {(p["base"]["repo"]["full_name"], p["number"]): p for p in data.truth("pull_requests")}
    states = Counter(
        "merged" if p["merged_at"] else "draft" if p["draft"] else p["state"]
        for p in pulls.values()
    )
    assert set(states) == {"merged", "closed", "open", "draft"}
    for p in pulls.values():
        if p["merged_at"]:
            assert p["closed_at"] == p["merged_at"] and p["merge_commit_sha"]
    activity = [
        (r["repo"], r["pull_number"], r.get("submitted_at")) for r in data.truth("pr_reviews")
    ]
    activity += [
        (c["repo"], c["pull_number"], c["updated_at"])
        for table in ("pr_comments", "pr_issue_comments")
        for c in data.truth(table)
    ]
    for repo, number, stamp in activity:
        if stamp is not None:
            assert pulls[(repo, number)]["updated_at"] >= stamp


def test_pending_reviews_lack_submitted_at(server: GitHubServer, http: requests.Session) -> None:
    reviews = server.org_data.truth("pr_reviews")
    pending = [r for r in reviews if r["state"] == "PENDING"]
    assert pending
    assert all("submitted_at" not in r for r in pending)
    assert all("submitted_at" in r for r in reviews if r["state"] != "PENDING")
    assert {r["state"] for r in reviews} >= {
        "APPROVED",
        "CHANGES_REQUESTED",
        "COMMENTED",
        "DISMISSED",
    }
    one = pending[0]
    served = http.get(f"{server.url}/repos/{one['repo']}/pulls/{one['pull_number']}/reviews")
    assert "submitted_at" not in next(r for r in served.json() if r["id"] == one["id"])
    comments = server.org_data.truth("pr_comments")
    assert {c["pull_request_review_id"] for c in comments} <= {r["id"] for r in reviews}
    replies = [c for c in comments if "in_reply_to_id" in c]
    assert replies
    ids = {c["id"] for c in comments}
    assert all(c["in_reply_to_id"] in ids for c in replies)


def test_mutations_bump_updated_at(fresh: GitHubServer, http: requests.Session) -> None:
    server, data = fresh, fresh.org_data

    def pulls_by_updated(repo: str) -> list[dict]:
        params = {"state": "all", "sort": "updated", "direction": "desc", "per_page": "100"}
        return http.get(f"{server.url}/repos/{repo}/pulls", params=params).json()

    mutations = [
        lambda: data.add_reviews(2),
        lambda: [(r, n) for r, n, _ in data.add_review_comments(2)],
        lambda: [(r, n) for r, n, _ in data.add_issue_comments(2)],
        lambda: data.merge_pulls(2),
        lambda: data.close_pulls(1),
        lambda: data.update_pulls(2),
        lambda: data.open_pulls(2),
    ]
    previous = datetime.now(UTC).replace(microsecond=0) - timedelta(seconds=1)
    for mutate in mutations:
        keys = mutate()
        assert keys
        rows = {
            (repo, p["number"]): p for repo in server.repo_names for p in pulls_by_updated(repo)
        }
        stamps = {parse_time(rows[key]["updated_at"]) for key in keys}
        assert len(stamps) == 1  # one tick per mutation call, later than any before
        stamp = stamps.pop()
        assert stamp > previous
        previous = stamp
        repo = keys[0][0]
        assert (repo, pulls_by_updated(repo)[0]["number"]) in keys  # newest first
    merged = data.merge_pulls(1)[0]
    detail = http.get(f"{server.url}/repos/{merged[0]}/pulls/{merged[1]}").json()
    assert detail["merged"] and detail["state"] == "closed" and detail["merged_by"]
    assert detail["merged_at"] == detail["closed_at"] == detail["updated_at"]
    login = data.update_users(1)[0]
    profile = http.get(f"{server.url}/users/{login}").json()
    assert parse_time(profile["updated_at"]) > previous


def test_new_comments_show_up_with_since(fresh: GitHubServer, http: requests.Session) -> None:
    server = fresh
    data = server.org_data
    mark = data.clock.peek().strftime("%Y-%m-%dT%H:%M:%SZ")
    repo, _, comment_id = data.add_issue_comments(1)[0]
    edited_repo, _, edited_id = data.edit_comments(1)[0]
    found = http.get(f"{server.url}/repos/{repo}/issues/comments", params={"since": mark})
    assert comment_id in {c["id"] for c in found.json()}
    endpoints = ["issues/comments", "pulls/comments"]
    seen = set()
    for endpoint in endpoints:
        rows = http.get(f"{server.url}/repos/{edited_repo}/{endpoint}", params={"since": mark})
        seen |= {c["id"] for c in rows.json()}
    assert edited_id in seen


def test_determinism(company: Company) -> None:
    tables = ("users", "pull_requests", "pr_reviews", "pr_comments", "pr_issue_comments")
    one = GitHubOrg(company, make_refs(company))
    two = GitHubOrg(Company(seed=7, size="tiny", now=NOW), make_refs(company))
    for table in tables:
        assert one.truth(table) == two.truth(table), table
    other = GitHubOrg(Company(seed=8, size="tiny", now=NOW), make_refs(company))
    assert other.truth("pull_requests") != one.truth("pull_requests")
    assert one.add_reviews(3) == two.add_reviews(3)
    assert one.open_pulls(2) == two.open_pulls(2)
    assert one.update_users(2) == two.update_users(2)


def test_large_org_builds() -> None:
    """The bench's large org builds (its build time is a bench figure, never asserted here)."""
    company = Company(seed=1, size="large", now=NOW)
    org = GitHubOrg(company, make_refs(company, 3000))
    assert len(org.world.pulls) == 10_000 and len(org.repo_names) == 5
