"""`GraphQLServing`: the GraphQL half of `GitHubServer` (a mixin): where the endpoint is
mounted, its authentication answers, its rate-limit headers and its faults. The queries
themselves are answered by `GraphQLEndpoint`."""

from __future__ import annotations

import itertools
import threading
from typing import TYPE_CHECKING

from sandbox.core import Fault, Request, Response
from sandbox.github.responses import (
    SECONDARY_LIMITS,
    GitHubResponse,
    not_found,
    secondary_limited,
)

if TYPE_CHECKING:
    from sandbox.github.graphql.endpoint import GraphQLEndpoint

#: Fault kinds of the GraphQL endpoint: one pull request's nested connection fails (data plus
#: errors), the query times out (200 with GitHub's timeout error), or answers 502.
GRAPHQL_FAULTS = ("graphql_partial", "graphql_timeout", "graphql_502")
GRAPHQL_DOCS = "https://docs.github.com/graphql"
GRAPHQL_AUTH_DOCS = (
    "https://docs.github.com/graphql/guides/forming-calls-with-graphql#authenticating-with-graphql"
)


class GraphQLServing:
    """GraphQL routing for `GitHubServer` (the attributes below live there)."""

    path_prefix: str
    graphql: GraphQLEndpoint
    _request_ids: itertools.count[int]
    if TYPE_CHECKING:  # declared only: the real ones are GitHubServer's (later in the MRO)

        @property
        def url(self) -> str: ...
        @property
        def org_lock(self) -> threading.RLock: ...
        def _authenticate(self, request: Request) -> GitHubResponse | None: ...

    @property
    def graphql_path(self) -> str:
        """`/graphql` beside a root-mounted REST API (api.github.com); `/api/graphql` beside
        `/api/v3` (GitHub Enterprise Server)."""
        if self.path_prefix.endswith("/v3"):
            return self.path_prefix[: -len("/v3")] + "/graphql"
        return self.path_prefix + "/graphql"

    @property
    def graphql_url(self) -> str:
        """The GraphQL endpoint a client posts queries to."""
        return self.url + self.graphql_path

    def _is_graphql(self, request: Request) -> bool:
        return request.path.rstrip("/") == self.graphql_path

    def _serve_graphql(self, request: Request, fault: str | None = None) -> GitHubResponse:
        """Answer a GraphQL request (`fault`: "partial", "timeout" or "502")."""
        if request.method != "POST":
            return self._finish_graphql(not_found())
        denied = self._authenticate_graphql(request)
        if denied is not None:
            return self._finish_graphql(denied)
        with self.org_lock:
            return self._finish_graphql(self.graphql.answer(request, fault=fault))

    def _graphql_fault(self, fault: Fault, request: Request) -> Response | None:
        """Faults on the GraphQL endpoint: "primary_limit" exhausts the points budget (reset in
        `fault.seconds`) and answers RATE_LIMITED (HTTP 200, or `status` 403/429); secondary
        limits as on REST; the `GRAPHQL_FAULTS`. None: not a GraphQL fault."""
        if fault.kind == "primary_limit":
            self.graphql.window.exhaust(reset_in=fault.seconds)
            status = fault.status if fault.status in (403, 429) else 200
            return self._finish_graphql(self.graphql.rate_limited(status))
        if fault.kind in SECONDARY_LIMITS:
            return self._finish_graphql(secondary_limited(fault))
        if fault.kind in GRAPHQL_FAULTS:
            return self._serve_graphql(request, fault=fault.kind.removeprefix("graphql_"))
        return None

    def _authenticate_graphql(self, request: Request) -> GitHubResponse | None:
        if self._authenticate(request) is None:
            return None
        if not request.headers.get("authorization"):
            body = {
                "message": "This endpoint requires you to be authenticated.",
                "documentation_url": GRAPHQL_AUTH_DOCS,
            }
        else:
            body = {"message": "Bad credentials", "documentation_url": GRAPHQL_DOCS}
        return GitHubResponse(401, body)

    def _finish_graphql(self, response: GitHubResponse) -> GitHubResponse:
        response.headers.update(
            {
                **self.graphql.rate_headers(),
                "x-github-media-type": "github.v4; format=json",
                "x-github-request-id": f"5A1D:{next(self._request_ids):08X}",
            }
        )
        return response
