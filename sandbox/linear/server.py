"""`LinearServer`: Linear's GraphQL API (`POST /graphql`) over a `LinearWorkspace`, with its
authentication, complexity limit, rate-limit budgets and error shapes."""

from __future__ import annotations

import json
import threading
import time
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from graphql import (
    DocumentNode,
    ExecutionContext,
    FieldNode,
    FragmentSpreadNode,
    GraphQLError,
    InlineFragmentNode,
    OperationDefinitionNode,
    SelectionSetNode,
    execute,
    get_operation_ast,
    parse,
    validate,
)
from graphql.execution.values import get_variable_values

from sandbox.company import Company
from sandbox.core import GENERIC_FAULTS, ApiServer, Fault, RateWindow, Request, Response
from sandbox.linear import errors
from sandbox.linear.complexity import complexity
from sandbox.linear.data import IssueRef, LinearWorkspace
from sandbox.linear.errors import InvalidInput
from sandbox.linear.partial import null_one_relation
from sandbox.linear.schema import FastJsNumbers, executable_schema

#: Fault kinds the Linear sandbox adds to the generic ones (see `LinearServer.fault_response`).
LINEAR_FAULTS = (
    "ratelimited_400",
    "ratelimited_429",
    "ratelimited_endpoint",
    "graphql_error",
    "partial_error",
    "complexity",
)


@dataclass(frozen=True)
class Compiled:
    """A query text parsed and validated against the sandbox schema."""

    document: DocumentNode | None
    errors: tuple[GraphQLError, ...]
    syntax_error: bool = False


@lru_cache(maxsize=512)
def compile_query(query: str) -> Compiled:
    """Parse and validate `query` once (clients repeat the same text for every page)."""
    try:
        document = parse(query)
    except GraphQLError as error:
        return Compiled(None, (error,), syntax_error=True)
    return Compiled(document, tuple(validate(executable_schema(), document)))


def root_fields(operation: OperationDefinitionNode, document: DocumentNode) -> list[str]:
    """The names of an operation's root fields (through fragments), in order."""
    fragments = {d.name.value: d for d in document.definitions if hasattr(d, "type_condition")}
    names: list[str] = []

    def walk(selection_set: SelectionSetNode | None) -> None:
        for selection in selection_set.selections if selection_set else ():
            if isinstance(selection, FieldNode):
                if not selection.name.value.startswith("__"):
                    names.append(selection.name.value)
            elif isinstance(selection, InlineFragmentNode):
                walk(selection.selection_set)
            elif isinstance(selection, FragmentSpreadNode) and selection.name.value in fragments:
                walk(fragments[selection.name.value].selection_set)  # type: ignore[attr-defined]

    walk(operation.selection_set)
    return names


class LinearServer(ApiServer):
    """The Linear sandbox. `workspace` holds the data; `requests_window` and
    `complexity_window` are the two rate-limit budgets; `complexity_log` lists
    (operation, points) for every executed query."""

    name = "linear"
    #: graphql-core's executor, each selection planned once (tests compare it to `JsNumbers`)
    execution_context_class: type[ExecutionContext] = FastJsNumbers

    def __init__(
        self,
        company: Company,
        *,
        api_key: str,
        latency_ms: float = 0,
        host: str = "127.0.0.1",
        port: int = 0,
        requests_per_hour: int = 2500,  # Linear's docs for API keys (configurable)
        complexity_per_hour: int = 3_000_000,
        window_seconds: float = 3600.0,
        ratelimit_status: int = 400,
        max_complexity: int = 10_000,
    ) -> None:
        super().__init__(host=host, port=port, latency_ms=latency_ms)
        self.company = company
        self.api_key = api_key
        self.workspace = LinearWorkspace(company, lock=self.lock)
        self.requests_window = RateWindow(requests_per_hour, window_seconds)
        self.complexity_window = RateWindow(complexity_per_hour, window_seconds)
        self.ratelimit_status = ratelimit_status
        self.max_complexity = max_complexity
        self.complexity_log: list[tuple[str, int]] = []
        self.schema = executable_schema()
        self._local = threading.local()

    def issue_refs(self) -> list[IssueRef]:
        """The workspace's issues as the GitHub half needs them."""
        return self.workspace.issue_refs()

    def inject(self, kind: str, **options: Any) -> Fault:
        """Queue a fault: a generic kind (see `sandbox.core.Fault`) or one of `LINEAR_FAULTS`."""
        if kind not in GENERIC_FAULTS + LINEAR_FAULTS:
            raise ValueError(f"unknown fault kind {kind!r}; use {GENERIC_FAULTS + LINEAR_FAULTS}")
        return super().inject(kind, **options)

    # -- ApiServer hooks -----------------------------------------------------------------------
    def operation(self, request: Request) -> str:
        """The query's root field names joined by "," (e.g. "issues"); "graphql" if unparsable."""
        self._local.charged = False
        if request.path.rstrip("/") != "/graphql":
            return f"{request.method} {request.path}"
        parsed = _parsed(request)
        if parsed is None:
            return "graphql"
        _, document, operation = parsed
        return ",".join(root_fields(operation, document)) or "graphql"

    def operation_name(self, request: Request) -> str | None:
        """The GraphQL operation's name (e.g. "Sync_issues"); None when unnamed or unparsable."""
        if request.path.rstrip("/") != "/graphql":
            return None
        parsed = _parsed(request)
        if parsed is None or parsed[2].name is None:
            return None
        return parsed[2].name.value

    def is_charged(self, request: Request, response: Response) -> bool:
        """Whether this request used rate-limit budget (authenticated, not rate limited)."""
        return bool(getattr(self._local, "charged", False))

    def fault_response(self, fault: Fault, request: Request) -> Response:
        """Linear's own faults: RATELIMITED (400 or 429; or by the endpoint budget only), a
        GraphQL error, a partial answer (one relation nulled, with its error), too complex."""
        if fault.kind in ("ratelimited_400", "ratelimited_429"):
            reset_ms = int((time.time() + fault.seconds) * 1000)
            headers = self.rate_headers(exhausted_until_ms=reset_ms)
            if fault.retry_after is not None:
                headers["Retry-After"] = str(int(fault.retry_after))
            status = 400 if fault.kind == "ratelimited_400" else 429
            return Response(status, errors.ratelimited("requests", fault.seconds), headers)
        if fault.kind == "ratelimited_endpoint":
            # Only the endpoint-specific budget is spent; the others still have room.
            reset_ms = int((time.time() + fault.seconds) * 1000)
            headers = {
                **self.rate_headers(),
                "X-RateLimit-Endpoint-Requests-Limit": str(self.requests_window.limit),
                "X-RateLimit-Endpoint-Requests-Remaining": "0",
                "X-RateLimit-Endpoint-Requests-Reset": str(reset_ms),
            }
            body = errors.ratelimited("endpoint requests", fault.seconds)
            return Response(self.ratelimit_status, body, headers)
        if fault.kind == "graphql_error":
            body = errors.body(errors.internal(fault.message), data=True)
            return Response(200, body, self.rate_headers())
        if fault.kind == "partial_error":
            response = self.handle(request)
            response.body = null_one_relation(json.loads(response.encoded()), fault.message)
            return response
        if fault.kind == "complexity":
            points = max(self._points(request) or 0, self.max_complexity + 1)
            headers = {**self.rate_headers(), "X-Complexity": str(points)}
            return Response(400, errors.too_complex(points, self.max_complexity), headers)
        return super().fault_response(fault, request)

    # -- answering -----------------------------------------------------------------------------
    def rate_headers(self, exhausted_until_ms: int | None = None) -> dict[str, str]:
        """`X-RateLimit-*` headers of both budgets (resets in epoch ms); with
        `exhausted_until_ms`, both say 0 remaining until then."""
        headers = {}
        for budget, window in (
            ("Requests", self.requests_window),
            ("Complexity", self.complexity_window),
        ):
            remaining = 0 if exhausted_until_ms is not None else window.remaining
            reset = exhausted_until_ms or int(window.reset_at * 1000)
            headers[f"X-RateLimit-{budget}-Limit"] = str(window.limit)
            headers[f"X-RateLimit-{budget}-Remaining"] = str(remaining)
            headers[f"X-RateLimit-{budget}-Reset"] = str(reset)
        return headers

    def _reply(self, status: int, body: Any, **extra_headers: str) -> Response:
        return Response(status, body, {**self.rate_headers(), **extra_headers})

    def _ratelimited(self, which: str, window: RateWindow) -> Response:
        body = errors.ratelimited(which, window.reset_at - time.time())
        return self._reply(self.ratelimit_status, body)

    def _points(self, request: Request) -> int | None:
        parsed = _parsed(request)
        if parsed is None:
            return None
        payload, document, _ = parsed
        variables = payload.get("variables")
        if compile_query(payload["query"]).errors or not isinstance(variables, dict | None):
            return None
        return complexity(self.schema, document, payload.get("operationName"), variables)

    def handle(self, request: Request) -> Response:
        """Answer one request as Linear would (called with `self.lock` held)."""
        if request.path.rstrip("/") != "/graphql":
            message = f"Not found: {request.method} {request.path}. Linear serves POST /graphql."
            return self._reply(404, errors.body(errors.graphql(message, "NOT_FOUND")))
        if request.method != "POST":
            message = "Only POST is supported: send the query as JSON."
            return self._reply(405, errors.body(errors.graphql(message, "BAD_REQUEST")))
        if request.headers.get("authorization") != self.api_key:
            return self._reply(401, errors.authentication())
        for which, window in (
            ("requests", self.requests_window),
            ("complexity", self.complexity_window),
        ):
            if window.remaining <= 0:
                return self._ratelimited(which, window)
        self.requests_window.try_charge(1)
        self._local.charged = True
        return self._graphql(request)

    def _graphql(self, request: Request) -> Response:
        try:
            payload = request.json()
        except ValueError:
            payload = None
        if not isinstance(payload, dict) or not isinstance(payload.get("query"), str):
            message = "POST body must be JSON with a string `query`."
            return self._reply(400, errors.body(errors.graphql(message, "BAD_REQUEST")))
        variables = payload.get("variables") or {}
        operation_name = payload.get("operationName")
        compiled = compile_query(payload["query"])
        if compiled.document is None or compiled.errors:
            code = "GRAPHQL_PARSE_FAILED" if compiled.syntax_error else "GRAPHQL_VALIDATION_FAILED"
            entries = [_formatted(e, errors.graphql(e.message, code)) for e in compiled.errors]
            return self._reply(400, errors.body(*entries))
        operation = get_operation_ast(compiled.document, operation_name)
        if operation is None or not isinstance(variables, dict):
            message = (
                "Variables must be a JSON object."
                if operation is not None
                else "Unknown operation, or operationName missing for several operations."
            )
            return self._reply(400, errors.body(errors.graphql(message)))
        coerced = get_variable_values(self.schema, operation.variable_definitions or (), variables)
        if isinstance(coerced, list):
            entries = [_formatted(e, errors.graphql(e.message)) for e in coerced]
            return self._reply(400, errors.body(*entries))
        points = complexity(self.schema, compiled.document, operation_name, coerced)
        if points > self.max_complexity:
            body = errors.too_complex(points, self.max_complexity)
            return self._reply(400, body, **{"X-Complexity": str(points)})
        if not self.complexity_window.try_charge(points):
            return self._ratelimited("complexity", self.complexity_window)
        self.complexity_log.append((",".join(root_fields(operation, compiled.document)), points))
        return self._execute(compiled.document, operation_name, variables, points)

    def _execute(
        self,
        document: DocumentNode,
        operation_name: str | None,
        variables: dict[str, Any],
        points: int,
    ) -> Response:
        result = execute(
            self.schema,
            document,
            context_value=self.workspace,
            variable_values=variables,
            operation_name=operation_name,
            execution_context_class=self.execution_context_class,
        )
        headers = {"X-Complexity": str(points)}
        if not result.errors:
            return self._reply(200, {"data": result.data}, **headers)
        entries = []
        status = 200
        for error in result.errors:
            original = error.original_error
            if isinstance(original, InvalidInput):
                status = 400
                entry = {"message": original.message, "extensions": original.extensions}
            elif original is None:
                entry = errors.graphql(error.message)
            else:  # a sandbox bug: make it loud
                status = 500
                entry = errors.internal(f"sandbox bug: {original!r}")
            entries.append(_formatted(error, entry))
        return self._reply(status, {"data": result.data, "errors": entries}, **headers)


def _parsed(
    request: Request,
) -> tuple[dict[str, Any], DocumentNode, OperationDefinitionNode] | None:
    """(payload, document, operation) of a parsable GraphQL request; None otherwise."""
    try:
        payload = request.json()
    except ValueError:
        return None
    if not isinstance(payload, dict) or not isinstance(payload.get("query"), str):
        return None
    document = compile_query(payload["query"]).document
    if document is None:
        return None
    operation = get_operation_ast(document, payload.get("operationName"))
    return None if operation is None else (payload, document, operation)


def _formatted(error: GraphQLError, entry: dict[str, Any]) -> dict[str, Any]:
    """`entry` with the error's `locations` and `path`, as GraphQL servers report them."""
    formatted = error.formatted
    out = {"message": entry["message"]}
    for key in ("locations", "path"):
        if formatted.get(key):
            out[key] = formatted[key]
    out["extensions"] = entry["extensions"]
    return out
