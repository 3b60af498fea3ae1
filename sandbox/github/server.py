"""`GitHubServer`: the GitHub REST API imitation (the endpoints the pipeline reads), with
token auth, the primary rate limit, conditional requests and `Link` pagination."""

from __future__ import annotations

import itertools
import math
import threading
from collections.abc import Callable, Iterable
from dataclasses import replace
from datetime import datetime
from typing import Any

from sandbox.company import Company
from sandbox.core import GENERIC_FAULTS, ApiServer, Fault, RateWindow, Request, Response
from sandbox.github import graphql as github_graphql
from sandbox.github.clock import http_date, parse_gh_time, parse_http_date
from sandbox.github.data import GitHubOrg
from sandbox.github.deep_pages import ListingEdits, deep_page_error
from sandbox.github.delivery_api import DeliveryEndpoints
from sandbox.github.late_changes import LateChanges
from sandbox.github.models import Pull, Repo
from sandbox.github.responses import (
    RATE_DOCS,
    SECONDARY_LIMITS,
    GitHubResponse,
    error,
    etag_matches,
    link_header,
    not_found,
    page_args,
    paginate,
    secondary_limited,
    validation_failed,
    weak_etag,
)
from sandbox.github.routes import Route, parse_route
from sandbox.github.shapes import Json
from sandbox.github.world import IssueRef

PULLS_DOCS = "https://docs.github.com/rest/pulls/pulls#list-pull-requests"
REVIEW_COMMENTS_DOCS = (
    "https://docs.github.com/rest/pulls/comments#list-review-comments-in-a-repository"
)
ISSUE_COMMENTS_DOCS = (
    "https://docs.github.com/rest/issues/comments#list-issue-comments-for-a-repository"
)
MEMBERS_DOCS = "https://docs.github.com/rest/orgs/members#list-organization-members"
#: Fault kinds only GitHub has (see `GitHubServer.fault_response`).
GITHUB_FAULTS = ("primary_limit", *SECONDARY_LIMITS, "deep_page")


class GitHubServer(github_graphql.GraphQLServing, ApiServer):
    """Serves one company's GitHub org over HTTP on 127.0.0.1 (see the module docstring), and
    its GraphQL API (`graphql_url`; see `sandbox.github.graphql`)."""

    name = "github"

    def __init__(
        self,
        company: Company,
        linear_issue_refs: Iterable[IssueRef],
        *,
        token: str,
        org: str = "acme",
        latency_ms: float = 0,
        host: str = "127.0.0.1",
        port: int = 0,
        requests_per_hour: int = 5000,
        window_seconds: float = 3600.0,
        path_prefix: str = "",
        graphql_points_per_hour: int = 5000,
        graphql_bot_logins_without_suffix: bool = False,
        max_page: int | None = None,
        edit_during_read: bool = False,
        late_visibility: float | None = None,
        same_second_changes: bool = False,
    ) -> None:
        super().__init__(host=host, port=port, latency_ms=latency_ms)
        self.token = token
        #: Where the API is mounted: "" like api.github.com, "/api/v3" like GitHub Enterprise.
        self.path_prefix = path_prefix.rstrip("/")
        self.org_data = GitHubOrg(company, linear_issue_refs, org)
        self.rate_window = RateWindow(requests_per_hour, window_seconds)
        members = self.org_data.members()
        #: The account the token belongs to (named in the rate-limit message).
        self.token_user_id = members[0].id if members else self.org_data.org.id
        self._request_ids = itertools.count(1)
        #: The GraphQL API's own points budget (`x-ratelimit-resource: graphql`).
        self.graphql_window = RateWindow(graphql_points_per_hour, window_seconds)
        viewer = members[0] if members else self.org_data.org
        self.graphql = github_graphql.GraphQLEndpoint(self.org_data, viewer, self.graphql_window)
        #: github.com's GraphQL names bots without REST's "[bot]" ("dependabot", not
        #: "dependabot[bot]"); off by default until the GitHub source maps the two.
        self.graphql.bot_logins_without_suffix = graphql_bot_logins_without_suffix
        #: Comment listings answer 422 beyond this page (None: any page; see `deep_pages`).
        self.max_page = max_page
        #: Edit a comment between a comment listing's first two requests (see `deep_pages`).
        self.listing_edits = ListingEdits() if edit_during_read else None
        #: Stamp changes older than what was served, or in the same second (`late_changes`).
        if late_visibility is not None:
            self.org_data.late = LateChanges(late_visibility)
        self.org_data.clock.same_second = same_second_changes

    @property
    def repo_names(self) -> list[str]:
        """The org's repositories as "owner/name"."""
        return self.org_data.repo_names

    def inject(self, kind: str, **options: Any) -> Fault:
        """Queue a fault: a generic kind (see `sandbox.core.Fault`) or one of `GITHUB_FAULTS`."""
        kinds = GENERIC_FAULTS + GITHUB_FAULTS + github_graphql.GRAPHQL_FAULTS
        if kind not in kinds:
            raise ValueError(f"unknown fault kind {kind!r}; use {kinds}")
        return super().inject(kind, **options)

    @property
    def org_lock(self) -> threading.RLock:
        """The lock that serialises access to the org's data."""
        return self.org_data.lock

    @property
    def api_url(self) -> str:
        """The API root a client is configured with (`sources.github.base_url`)."""
        return self.url + self.path_prefix

    def start(self) -> GitHubServer:
        super().start()
        self.org_data.base_url = self.api_url
        return self

    def _unprefixed(self, request: Request) -> Request | None:
        """The request with the mount prefix taken off its path (None: outside the API)."""
        if not self.path_prefix:
            return request
        if request.path != self.path_prefix and not request.path.startswith(self.path_prefix + "/"):
            return None
        return replace(request, path=request.path[len(self.path_prefix) :] or "/")

    # -- ApiServer hooks -----------------------------------------------------------------------
    def operation(self, request: Request) -> str:
        """ "pulls.list acme/api", "pulls.get acme/api#12", "users.get <login>", "rate_limit";
        GraphQL: "graphql repository acme/api" (its root fields)."""
        if self._is_graphql(request):
            return github_graphql.operation_label(request)
        inner = self._unprefixed(request)
        route = parse_route(inner.path) if inner is not None else None
        if route is None:
            return f"{request.method} {request.path}"
        if route.kind == "rate_limit":
            return "rate_limit"
        if route.kind == "orgs.members":
            org = self.org_data.org
            name = org.login if route.org_id == org.id else route.org or str(route.org_id)
            return f"orgs.members {name}"
        if route.kind == "users.get":
            return f"users.get {route.login}"
        repo = self._repo(route)
        if repo is not None:
            name = repo.full_name
        elif route.repo_id is not None:
            name = f"repositories/{route.repo_id}"
        else:
            name = f"{route.owner}/{route.name}"
        number = f"#{route.number}" if route.number is not None else ""
        return f"{route.kind} {name}{number}"

    def is_charged(self, request: Request, response: Response) -> bool:
        """Charged: authenticated requests that were served (not /rate_limit, not 304s, not
        rate-limited ones, not injected generic faults). GraphQL requests are charged to the
        GraphQL budget, their points in the log entry's `cost`."""
        return isinstance(response, GitHubResponse) and response.charged

    def fault_response(self, fault: Fault, request: Request) -> Response:
        """ "primary_limit": exhaust the window (reset in `fault.seconds`) and answer 403 (or
        429 when `status=429`). "secondary_limit": 403 or 429 (`status`) with retry-after;
        "secondary_limit_no_retry_after": the same without it (the budget not spent).
        "deep_page": GitHub's 422 for a page number too deep for the dataset."""
        if self._is_graphql(request):
            answer = self._graphql_fault(fault, request)
            if answer is not None:
                return answer
        if fault.kind == "deep_page":
            return self._finish(deep_page_error())
        if fault.kind == "primary_limit":
            self.rate_window.exhaust(reset_in=fault.seconds)
            return self._finish(self._exceeded(429 if fault.status == 429 else 403))
        if fault.kind in SECONDARY_LIMITS:
            return self._finish(secondary_limited(fault))
        return super().fault_response(fault, request)

    def handle(self, request: Request) -> Response:
        if self._is_graphql(request):
            return self._serve_graphql(request)
        inner = self._unprefixed(request)
        if inner is None:
            return self._finish(not_found())
        with self.org_data.lock:
            return self._finish(self._answer(inner))

    # -- the request pipeline ------------------------------------------------------------------
    def _answer(self, request: Request) -> GitHubResponse:
        denied = self._authenticate(request)
        if denied is not None:
            return denied
        route = parse_route(request.path) if request.method in ("GET", "HEAD") else None
        if route is not None and route.kind == "rate_limit":
            return GitHubResponse(200, self._rate_body())
        if self.rate_window.remaining <= 0:
            return self._exceeded(403)
        host = f"http://{request.headers['host']}" if "host" in request.headers else self.url
        base = host + self.path_prefix
        response = not_found() if route is None else self._dispatch(request, route, base)
        if response.status == 200 and self._not_modified(request, response):
            kept = ("ETag", "Last-Modified")
            return GitHubResponse(
                304, None, {k: response.headers[k] for k in kept if k in response.headers}
            )
        if not self.rate_window.try_charge():
            return self._exceeded(403)
        response.charged = True
        return response

    def _authenticate(self, request: Request) -> GitHubResponse | None:
        header = request.headers.get("authorization")
        if not header:
            return error(401, "Requires authentication")
        scheme, _, credential = header.strip().partition(" ")
        if scheme.lower() not in ("bearer", "token") or credential.strip() != self.token:
            return error(401, "Bad credentials")
        return None

    def _not_modified(self, request: Request, response: GitHubResponse) -> bool:
        if_none_match = request.headers.get("if-none-match")
        if if_none_match is not None:
            return etag_matches(if_none_match, response.headers["ETag"])
        since = request.headers.get("if-modified-since")
        modified = response.headers.get("Last-Modified")
        if since is None or modified is None:
            return False
        since_at, modified_at = parse_http_date(since), parse_http_date(modified)
        return since_at is not None and modified_at is not None and modified_at <= since_at

    def _finish(self, response: GitHubResponse) -> GitHubResponse:
        window = self.rate_window
        response.headers.update(
            {
                "x-ratelimit-limit": str(window.limit),
                "x-ratelimit-remaining": str(window.remaining),
                "x-ratelimit-used": str(min(window.used, window.limit)),
                "x-ratelimit-reset": str(math.ceil(window.reset_at)),
                "x-ratelimit-resource": "core",
                "x-github-media-type": "github.v3; format=json",
                "x-github-request-id": f"5A1D:{next(self._request_ids):08X}",
            }
        )
        return response

    def _exceeded(self, status: int) -> GitHubResponse:
        body = {
            "message": f"API rate limit exceeded for user ID {self.token_user_id}.",
            "documentation_url": RATE_DOCS,
        }
        return GitHubResponse(status, body)

    def _rate_body(self) -> Json:
        window = self.rate_window
        core = {
            "limit": window.limit,
            "remaining": window.remaining,
            "reset": math.ceil(window.reset_at),
            "used": min(window.used, window.limit),
        }
        fresh = {"limit": 30, "remaining": 30, "reset": math.ceil(window.reset_at), "used": 0}
        return {
            "resources": {
                "core": core,
                "search": fresh,
                "graphql": self.graphql.rate_resource(),
            },
            "rate": core,
        }

    # -- endpoints -----------------------------------------------------------------------------
    def _repo(self, route: Route) -> Repo | None:
        if route.repo_id is not None:
            return self.org_data.repo_by_id(route.repo_id)
        if route.owner is None or route.name is None:
            return None
        return self.org_data.repo(route.owner, route.name)

    def _dispatch(self, request: Request, route: Route, base: str) -> GitHubResponse:
        data, render = self.org_data, self.org_data.render
        if route.kind == "orgs.members":
            return self._members(request, route, base)
        if route.kind == "users.get":
            account = data.account(route.login or "")
            if account is None:
                return not_found()
            return self._ok(data.dumps(render.public_user(account), base), account.updated_at)
        repo = self._repo(route)
        if repo is None:
            return not_found()
        if route.kind == "repos.get":
            return self._ok(data.dumps(render.full_repo(repo), base), repo.updated_at)
        link_path = f"/repositories/{repo.id}{route.suffix}"
        if route.kind == "pulls.list":
            return self._pulls(request, repo, base, link_path)
        if route.kind in ("pulls.comments", "issues.comments"):
            return self._comments(request, route.kind, repo, base, link_path)
        if route.kind.split(".")[0] in ("deployments", "actions", "releases", "commits"):
            return DeliveryEndpoints(data.delivery, render).answer(
                route.kind,
                request,
                repo,
                route.number,
                route.workflow,
                lambda rows: self._page(request, rows, lambda row: row, base, link_path),
                lambda body: self._ok(data.dumps(body, base)),
                base,
                link_path,
            )
        pull = data.pull(repo, route.number or 0)
        if pull is None:
            return not_found()
        if route.kind == "pulls.get":
            return self._ok(data.dumps(render.pull_full(pull), base), pull.updated_at)
        return self._page(request, data.reviews(pull), render.review, base, link_path)

    def _members(self, request: Request, route: Route, base: str) -> GitHubResponse:
        org = self.org_data.org
        if route.org_id != org.id and (route.org or "").lower() != org.login.lower():
            return not_found()
        invalid = self._invalid(
            request,
            "Member",
            MEMBERS_DOCS,
            {
                "filter": ("2fa_disabled", "2fa_insecure", "all"),
                "role": ("all", "admin", "member"),
            },
        )
        if invalid is not None:
            return invalid
        members = self.org_data.members(request.arg("role") or "all")
        if (request.arg("filter") or "all") != "all":
            members = []  # everyone in the sandbox has secure two-factor authentication
        link_path = f"/organizations/{org.id}/members"
        return self._page(request, members, self.org_data.render.user, base, link_path)

    def _pulls(self, request: Request, repo: Repo, base: str, link_path: str) -> GitHubResponse:
        invalid = self._invalid(
            request,
            "PullRequest",
            PULLS_DOCS,
            {
                "state": ("open", "closed", "all"),
                "sort": ("created", "updated", "popularity", "long-running"),
                "direction": ("asc", "desc"),
            },
        )
        if invalid is not None:
            return invalid
        rows: list[Pull] = self.org_data.pulls(
            repo,
            state=request.arg("state") or "open",
            sort=request.arg("sort") or "created",
            direction=request.arg("direction") or None,
            head=request.arg("head"),
            base=request.arg("base"),
        )
        return self._page(request, rows, self.org_data.render.pull_simple, base, link_path)

    def _comments(
        self, request: Request, kind: str, repo: Repo, base: str, link_path: str
    ) -> GitHubResponse:
        review = kind == "pulls.comments"
        resource, docs = (
            ("PullRequestReviewComment", REVIEW_COMMENTS_DOCS)
            if review
            else ("IssueComment", ISSUE_COMMENTS_DOCS)
        )
        sorts = ("created", "updated", "created_at") if review else ("created", "updated")
        invalid = self._invalid(
            request,
            resource,
            docs,
            {
                "sort": sorts,
                "direction": ("asc", "desc"),
            },
        )
        if invalid is not None:
            return invalid
        since: datetime | None = None
        if request.arg("since"):
            try:
                since = parse_gh_time(request.arg("since") or "")
            except ValueError:
                return validation_failed(resource, "since", docs)
        if self.max_page is not None and page_args(request)[1] > self.max_page:
            return deep_page_error()
        sort, direction = request.arg("sort") or None, request.arg("direction") or None
        listing = self.org_data.review_comments if review else self.org_data.issue_comments
        rows: list[Any] = listing(repo, since=since, sort=sort, direction=direction)
        if self.listing_edits is not None:
            with self.org_lock:
                edited = self.listing_edits.before_request(
                    f"{kind} {repo.full_name}", rows, self.org_data.clock
                )
                if edited:
                    self.org_data._changed()
                    rows = listing(repo, since=since, sort=sort, direction=direction)
        render: Callable[[Any], Json] = (
            self.org_data.render.review_comment if review else self.org_data.render.issue_comment
        )
        if self.org_data.late is not None:
            chunk, _ = paginate(rows, *page_args(request))
            self.org_data.late.served(f"{kind} {repo.full_name}", (c.updated_at for c in chunk))
        return self._page(request, rows, render, base, link_path)

    # -- helpers -------------------------------------------------------------------------------
    @staticmethod
    def _invalid(
        request: Request, resource: str, docs: str, enums: dict[str, tuple[str, ...]]
    ) -> GitHubResponse | None:
        for field, allowed in enums.items():
            value = request.arg(field)
            if value and value not in allowed:
                return validation_failed(resource, field, docs)
        return None

    def _page(
        self,
        request: Request,
        rows: list[Any],
        render: Callable[[Any], Json],
        base: str,
        link_path: str,
    ) -> GitHubResponse:
        per_page, page = page_args(request)
        chunk, last = paginate(rows, per_page, page)
        response = self._ok(self.org_data.dumps([render(row) for row in chunk], base))
        link = link_header(base, link_path, request.query, page, last)
        if link is not None:
            response.headers["Link"] = link
        return response

    @staticmethod
    def _ok(body: str, modified: datetime | None = None) -> GitHubResponse:
        headers = {"ETag": weak_etag(body), "Cache-Control": "private, max-age=60, s-maxage=60"}
        if modified is not None:
            headers["Last-Modified"] = http_date(modified)
        return GitHubResponse(200, body, headers)
