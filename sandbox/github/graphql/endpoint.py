"""`GraphQLEndpoint`: answers `POST /graphql` (`/api/graphql` on Enterprise Server) as GitHub
does: parse and validate against the sandbox schema, GitHub's node limit and cost formula, a
points budget of its own (`x-ratelimit-resource: graphql`), execution, and GitHub's error
shapes. Authentication and routing stay with `GitHubServer`."""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import UTC, datetime
from functools import lru_cache
from typing import TYPE_CHECKING, Any

from graphql import (
    DocumentNode,
    ExecutionContext,
    FieldNode,
    GraphQLError,
    OperationDefinitionNode,
    StringValueNode,
    VariableNode,
    execute,
    get_operation_ast,
    parse,
    validate,
)
from graphql.execution.values import get_variable_values

from sandbox.core import RateWindow, Request
from sandbox.fast_execution import FastFields
from sandbox.github.graphql.context import Context, RateState
from sandbox.github.graphql.errors import (
    DOCS,
    HEAVY_MESSAGE,
    TIMEOUT_MESSAGE,
    execution_error,
    validation_error,
)
from sandbox.github.graphql.limits import MAX_NODES, QueryLimits, measure, node_limit_message
from sandbox.github.graphql.schema import executable_schema
from sandbox.github.models import Account
from sandbox.github.responses import GitHubResponse

if TYPE_CHECKING:
    from sandbox.github.data import GitHubOrg


@dataclass(frozen=True)
class Compiled:
    """A query text parsed and validated against the sandbox schema."""

    document: DocumentNode | None
    errors: tuple[GraphQLError, ...]


@lru_cache(maxsize=512)
def compile_query(query: str) -> Compiled:
    """Parse and validate `query` once (clients send the same text for every page)."""
    try:
        document = parse(query)
    except GraphQLError as error:
        return Compiled(None, (error,))
    return Compiled(document, tuple(validate(executable_schema(), document)))


@dataclass(frozen=True)
class Charge:
    """One GraphQL request as the budget saw it (`GraphQLEndpoint.charges`)."""

    operation: str
    cost: int
    nodes: int
    charged: bool
    outcome: str  # "ok", "partial", "rate_limited", "node_limit", "timeout", "502", "invalid"


@dataclass(frozen=True)
class _Prepared:
    document: DocumentNode
    operation: OperationDefinitionNode
    variables: dict[str, Any]
    limits: QueryLimits


def _body(request: Request) -> dict[str, Any] | None:
    try:
        payload = request.json()
    except ValueError:
        return None
    return payload if isinstance(payload, dict) else None


def operation_label(request: Request) -> str:
    """ "graphql repository acme/api", "graphql rateLimit", or "graphql" when unparsable."""
    payload = _body(request)
    if payload is None or not isinstance(payload.get("query"), str):
        return "graphql"
    document = compile_query(payload["query"]).document
    operation = get_operation_ast(document, payload.get("operationName")) if document else None
    if operation is None:
        return "graphql"
    variables = payload.get("variables") if isinstance(payload.get("variables"), dict) else {}
    parts = []
    for selection in operation.selection_set.selections:
        if not isinstance(selection, FieldNode):
            continue
        name = selection.name.value
        args = {a.name.value: _literal(a.value, variables) for a in selection.arguments or ()}
        if name == "repository" and args.get("owner") and args.get("name"):
            name += f" {args['owner']}/{args['name']}"
        parts.append(name)
    return "graphql " + ",".join(parts) if parts else "graphql"


def _literal(value: Any, variables: dict[str, Any]) -> Any:
    if isinstance(value, StringValueNode):
        return value.value
    if isinstance(value, VariableNode):
        return variables.get(value.name.value)
    return None


class GraphQLEndpoint:
    """The GraphQL API of one sandbox org. `window` is the points budget; queries above
    `heavy_query_nodes` nodes answer 502, above `timeout_query_nodes` time out (None: never);
    `charges` lists every request's cost."""

    #: graphql-core's executor, each selection planned once (tests compare it to graphql-core's)
    execution_context_class: type[ExecutionContext] = FastFields

    def __init__(self, org: GitHubOrg, viewer: Account, window: RateWindow) -> None:
        self.org = org
        self.viewer = viewer
        self.window = window
        self.schema = executable_schema()
        self.heavy_query_nodes: int | None = None
        self.bot_logins_without_suffix = False
        self.timeout_query_nodes: int | None = None
        self.charges: list[Charge] = []

    # -- headers -------------------------------------------------------------------------------
    def rate_headers(self) -> dict[str, str]:
        window = self.window
        return {
            "x-ratelimit-limit": str(window.limit),
            "x-ratelimit-remaining": str(window.remaining),
            "x-ratelimit-used": str(min(window.used, window.limit)),
            "x-ratelimit-reset": str(math.ceil(window.reset_at)),
            "x-ratelimit-resource": "graphql",
        }

    def rate_resource(self) -> dict[str, int]:
        """The `graphql` entry of REST's `GET /rate_limit`."""
        window = self.window
        return {
            "limit": window.limit,
            "remaining": window.remaining,
            "reset": math.ceil(window.reset_at),
            "used": min(window.used, window.limit),
        }

    def rate_limited(self, status: int = 200) -> GitHubResponse:
        """The primary limit exceeded: RATE_LIMITED (HTTP 200 on github.com)."""
        message = f"API rate limit exceeded for user ID {self.viewer.id}."
        return GitHubResponse(status, {"errors": [{"type": "RATE_LIMITED", "message": message}]})

    # -- answering -----------------------------------------------------------------------------
    def answer(self, request: Request, *, fault: str | None = None) -> GitHubResponse:
        """The answer to one authenticated request; `fault` is "partial", "timeout" or "502"."""
        label = operation_label(request)
        prepared = self._prepare(request)
        if isinstance(prepared, GitHubResponse):
            self.charges.append(Charge(label, 0, 0, False, "invalid"))
            return prepared
        limits = prepared.limits
        cost = limits.cost

        def record(charged: bool, outcome: str) -> None:
            self.charges.append(Charge(label, cost, limits.nodes, charged, outcome))

        if limits.nodes > MAX_NODES:
            record(False, "node_limit")
            error = {"type": "MAX_NODE_LIMIT_EXCEEDED", "message": node_limit_message(limits.nodes)}
            return GitHubResponse(200, {"errors": [error]})
        if self.window.remaining <= 0 or cost > self.window.remaining:
            record(False, "rate_limited")
            return self.rate_limited()
        heavy = self.heavy_query_nodes is not None and limits.nodes > self.heavy_query_nodes
        if fault == "502" or heavy:
            record(False, "502")
            return GitHubResponse(502, {"message": HEAVY_MESSAGE, "documentation_url": DOCS})
        dry_run = _dry_run(prepared)
        if not dry_run:
            self.window.try_charge(cost)
        slow = self.timeout_query_nodes is not None and limits.nodes > self.timeout_query_nodes
        if fault == "timeout" or slow:
            record(not dry_run, "timeout")
            message = TIMEOUT_MESSAGE.format(request_id="5A1D:0000:0000000:0000000:00000000")
            return self._charged(
                GitHubResponse(200, {"data": None, "errors": [{"message": message}]}), cost, dry_run
            )
        body = self._execute(prepared, cost, partial=fault == "partial")
        record(not dry_run, "partial" if "errors" in body else "ok")
        return self._charged(GitHubResponse(200, body), cost, dry_run)

    @staticmethod
    def _charged(response: GitHubResponse, cost: int, dry_run: bool) -> GitHubResponse:
        response.charged = not dry_run
        response.cost = 0 if dry_run else cost
        return response

    def _prepare(self, request: Request) -> _Prepared | GitHubResponse:
        payload = _body(request)
        if payload is None:
            return GitHubResponse(
                400, {"message": "Problems parsing JSON", "documentation_url": DOCS}
            )
        query = payload.get("query")
        if not isinstance(query, str):
            message = "A query attribute must be specified and must be a string."
            return GitHubResponse(200, {"errors": [{"message": message}]})
        compiled = compile_query(query)
        if compiled.document is None or compiled.errors:
            entries = [validation_error(e, compiled.document) for e in compiled.errors]
            return GitHubResponse(200, {"errors": entries})
        operation = get_operation_ast(compiled.document, payload.get("operationName"))
        if operation is None:
            message = (
                "An operation name is required"
                if payload.get("operationName") is None
                else (f'No operation named "{payload["operationName"]}"')
            )
            return GitHubResponse(200, {"errors": [{"message": message}]})
        raw = payload.get("variables") or {}
        if not isinstance(raw, dict):
            return GitHubResponse(200, {"errors": [{"message": "Variables must be an object"}]})
        coerced = get_variable_values(self.schema, operation.variable_definitions or (), raw)
        if isinstance(coerced, list):
            entries = [validation_error(e, compiled.document) for e in coerced]
            return GitHubResponse(200, {"errors": entries})
        limits = measure(self.schema, compiled.document, operation, coerced)
        return _Prepared(compiled.document, operation, raw, limits)

    def _execute(self, prepared: _Prepared, cost: int, *, partial: bool) -> dict[str, Any]:
        window = self.window
        rate = RateState(
            cost=cost,
            limit=window.limit,
            node_count=prepared.limits.nodes,
            remaining=window.remaining,
            reset_at=datetime.fromtimestamp(math.ceil(window.reset_at), UTC),
            used=min(window.used, window.limit),
        )
        context = Context(
            self.org,
            self.viewer,
            rate,
            fail_one_nested=partial,
            bot_logins_without_suffix=self.bot_logins_without_suffix,
        )
        name = prepared.operation.name.value if prepared.operation.name else None
        result = execute(
            self.schema,
            prepared.document,
            context_value=context,
            variable_values=prepared.variables,
            operation_name=name,
            execution_context_class=self.execution_context_class,
        )
        body: dict[str, Any] = {"data": result.data}
        if result.errors:
            body["errors"] = [execution_error(e) for e in result.errors]
        return body


def _dry_run(prepared: _Prepared) -> bool:
    """Whether the query only asks `rateLimit(dryRun: true)` (GitHub charges nothing then)."""
    for selection in prepared.operation.selection_set.selections:
        if not isinstance(selection, FieldNode) or selection.name.value != "rateLimit":
            return False
        dry = next((a for a in selection.arguments or () if a.name.value == "dryRun"), None)
        value = _bool(dry.value, prepared.variables) if dry is not None else False
        if not value:
            return False
    return True


def _bool(value: Any, variables: dict[str, Any]) -> bool:
    if isinstance(value, VariableNode):
        return bool(variables.get(value.name.value))
    return getattr(value, "value", False) is True
