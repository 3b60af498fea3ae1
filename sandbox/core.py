"""HTTP machinery shared by the imitation APIs: a threaded server on 127.0.0.1, a request log,
injectable faults, simulated latency and rate-limit windows.

An API (Linear, GitHub) subclasses `ApiServer` and implements `operation` (a short label for a
request, used by the log and by fault matching) and `handle` (the real answer). Faults are
applied here, before `handle` runs, so every API gets the same fault vocabulary; API-specific
faults (Linear's RATELIMITED payload, GitHub's 403 limits) are answered by `fault_response`.
"""

from __future__ import annotations

import contextlib
import json
import socket
import threading
import time
from abc import ABC, abstractmethod
from collections.abc import Callable
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlsplit

#: Fault kinds every API understands. APIs add their own (see their `fault_response`).
GENERIC_FAULTS = ("status", "timeout", "reset", "truncate", "mangle")


@dataclass(frozen=True)
class Request:
    """One parsed HTTP request as the API sees it."""

    method: str
    path: str
    query: dict[str, list[str]]
    headers: dict[str, str]  # lower-cased names
    body: bytes

    def arg(self, name: str, default: str | None = None) -> str | None:
        """The first value of query parameter `name`."""
        values = self.query.get(name)
        return values[0] if values else default

    def json(self) -> Any:
        """The body parsed as JSON (raises ValueError when it is not JSON)."""
        return json.loads(self.body or b"null")


@dataclass
class Response:
    """What an API answers: a status, headers and a JSON-able or raw body."""

    status: int = 200
    body: Any = None
    headers: dict[str, str] = field(default_factory=dict)

    def encoded(self) -> bytes:
        if self.body is None:
            return b""
        if isinstance(self.body, bytes):
            return self.body
        if isinstance(self.body, str):
            return self.body.encode()
        return json.dumps(self.body, separators=(",", ":")).encode()


@dataclass
class LoggedRequest:
    """One entry of the request log."""

    method: str
    path: str
    query: dict[str, list[str]]
    operation: str
    status: int | None  # None when the connection was dropped
    fault: str | None
    charged: bool
    started_at: float
    duration_ms: float
    request_headers: dict[str, str]  # without Authorization
    response_headers: dict[str, str]
    body: bytes
    cost: int | None = None  # GraphQL points charged (APIs that count points set it)


@dataclass
class Fault:
    """A fault to inject into the requests whose operation contains `match` (all when None).

    Generic kinds: "status" (answer `status`, optional `retry_after`), "timeout" (stall
    `seconds`, then drop the connection), "reset" (drop the connection at once), "truncate"
    (the real answer cut in half), "mangle" (the real answer rewritten by `transform`).

    `named` narrows it to requests whose GraphQL operation carries that name (e.g.
    "Sync_issues", where several queries share a root field). `skip` matching requests pass
    untouched first; then `times` are hit (-1: every one).
    """

    kind: str
    match: str | None = None
    named: str | None = None
    times: int = 1
    skip: int = 0
    status: int = 503
    retry_after: float | None = None
    seconds: float = 5.0
    message: str | None = None
    transform: Callable[[Any], Any] | None = None  # for "mangle": rewrites the decoded body
    hits: int = 0

    def matches(self, operation: str, name: str | None = None) -> bool:
        if self.named is not None and name != self.named:
            return False
        return self.match is None or self.match in operation

    @property
    def spent(self) -> bool:
        return self.times >= 0 and self.hits >= self.times


class RateWindow:
    """A fixed-window budget (requests or points) that resets every `window_seconds`."""

    def __init__(self, limit: int, window_seconds: float = 3600.0) -> None:
        self.limit = limit
        self.window_seconds = window_seconds
        self._lock = threading.Lock()
        self._start = time.time()
        self._used = 0

    def _roll(self) -> None:
        now = time.time()
        if now >= self._start + self.window_seconds:
            elapsed_windows = int((now - self._start) // self.window_seconds)
            self._start += elapsed_windows * self.window_seconds
            self._used = 0

    @property
    def remaining(self) -> int:
        with self._lock:
            self._roll()
            return max(self.limit - self._used, 0)

    @property
    def used(self) -> int:
        with self._lock:
            self._roll()
            return self._used

    @property
    def reset_at(self) -> float:
        """Epoch seconds at which the budget refills."""
        with self._lock:
            self._roll()
            return self._start + self.window_seconds

    def try_charge(self, cost: float = 1) -> bool:
        """Charge `cost` if the budget allows it; False (and nothing charged) otherwise."""
        with self._lock:
            self._roll()
            if self._used + cost > self.limit:
                return False
            self._used += cost
            return True

    def exhaust(self, reset_in: float | None = None) -> None:
        """Use up the budget now; optionally make it reset `reset_in` seconds from now."""
        with self._lock:
            self._roll()
            self._used = self.limit
            if reset_in is not None:
                self._start = time.time() + reset_in - self.window_seconds

    def reset(self) -> None:
        with self._lock:
            self._start = time.time()
            self._used = 0

    def advance(self, seconds: float) -> None:
        """Let `seconds` pass for this budget (tests: "an hour later" without waiting): a
        window whose reset falls inside them refills, and the next reset is still in the
        future of the real clock, as the API would say it."""
        with self._lock:
            self._start -= seconds
            self._roll()


class ApiServer(ABC):
    """A real HTTP server on 127.0.0.1 that serves one imitation API."""

    name = "api"

    def __init__(self, *, host: str = "127.0.0.1", port: int = 0, latency_ms: float = 0) -> None:
        self.host = host
        self.port = port
        self.latency_ms = latency_ms
        self.lock = threading.RLock()  # serialises access to the API's data
        self._log: list[LoggedRequest] = []
        self._faults: list[Fault] = []
        self._meta_lock = threading.Lock()
        self._httpd: ThreadingHTTPServer | None = None
        self._thread: threading.Thread | None = None

    # -- to implement --------------------------------------------------------------------------
    @abstractmethod
    def operation(self, request: Request) -> str:
        """A short label for the request (route or GraphQL root fields), for logs and faults."""

    @abstractmethod
    def handle(self, request: Request) -> Response:
        """The API's real answer to the request (called with `self.lock` held)."""

    def operation_name(self, request: Request) -> str | None:
        """The GraphQL operation's name, where the API has one (for `Fault.named`)."""
        return None

    def fault_response(self, fault: Fault, request: Request) -> Response:
        """The answer for an API-specific fault kind. Subclasses extend this."""
        raise ValueError(f"{self.name} sandbox has no fault kind {fault.kind!r}")

    def is_charged(self, request: Request, response: Response) -> bool:
        """Whether the request counted against a rate limit (subclasses decide)."""
        return response.status < 500

    def rate_windows(self) -> list[RateWindow]:
        """Every rate-limit budget of this API (any `RateWindow` attribute)."""
        return [value for value in vars(self).values() if isinstance(value, RateWindow)]

    def advance_clock(self, seconds: float) -> None:
        """Let `seconds` pass for every budget of this API (see `RateWindow.advance`)."""
        for window in self.rate_windows():
            window.advance(seconds)

    # -- lifecycle -----------------------------------------------------------------------------
    @property
    def url(self) -> str:
        if self._httpd is None:
            raise RuntimeError(f"{self.name} sandbox is not started")
        return f"http://{self.host}:{self._httpd.server_address[1]}"

    def start(self) -> ApiServer:
        server = self

        class Handler(_Handler):
            api = server

        self._httpd = ThreadingHTTPServer((self.host, self.port), Handler)
        self._httpd.daemon_threads = True
        self._thread = threading.Thread(
            target=self._httpd.serve_forever, name=f"sandbox-{self.name}", daemon=True
        )
        self._thread.start()
        return self

    def stop(self) -> None:
        if self._httpd is not None:
            self._httpd.shutdown()
            self._httpd.server_close()
            self._httpd = None

    def __enter__(self) -> ApiServer:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    # -- request log ---------------------------------------------------------------------------
    @property
    def log(self) -> list[LoggedRequest]:
        """A copy of the request log, oldest first."""
        with self._meta_lock:
            return list(self._log)

    def clear_log(self) -> None:
        with self._meta_lock:
            self._log.clear()

    def requests(self, operation: str | None = None) -> list[LoggedRequest]:
        """Logged requests whose operation contains `operation` (all when None)."""
        return [r for r in self.log if operation is None or operation in r.operation]

    # -- faults --------------------------------------------------------------------------------
    def inject(self, kind: str, **options: Any) -> Fault:
        """Queue a fault (see `Fault`); returns it so a test can read `hits` afterwards."""
        fault = Fault(kind=kind, **options)
        with self._meta_lock:
            self._faults.append(fault)
        return fault

    def clear_faults(self) -> None:
        with self._meta_lock:
            self._faults.clear()

    def _take_fault(self, operation: str, name: str | None) -> Fault | None:
        with self._meta_lock:
            for fault in self._faults:
                if fault.spent or not fault.matches(operation, name):
                    continue
                if fault.skip > 0:
                    fault.skip -= 1
                    continue
                fault.hits += 1
                return fault
        return None

    # -- dispatch ------------------------------------------------------------------------------
    def _serve(self, request: Request) -> tuple[Response | None, str, str | None]:
        """Answer one request; returns (response or None for a dropped connection, op, fault)."""
        if self.latency_ms:
            time.sleep(self.latency_ms / 1000)
        try:
            operation = self.operation(request)
            name = self.operation_name(request)
        except Exception:
            operation, name = f"{request.method} {request.path}", None
        fault = self._take_fault(operation, name)
        if fault is None:
            with self.lock:
                return self.handle(request), operation, None
        if fault.kind == "reset":
            return None, operation, fault.kind
        if fault.kind == "timeout":
            time.sleep(fault.seconds)
            return None, operation, fault.kind
        if fault.kind == "status":
            body = {"message": fault.message or f"sandbox injected HTTP {fault.status}"}
            headers = {}
            if fault.retry_after is not None:
                headers["Retry-After"] = str(int(fault.retry_after))
            return Response(fault.status, body, headers), operation, fault.kind
        if fault.kind == "truncate":
            with self.lock:
                response = self.handle(request)
            data = response.encoded()
            response.body = data[: max(len(data) // 2, 1)]
            return response, operation, fault.kind
        if fault.kind == "mangle":
            if fault.transform is None:
                raise ValueError("a mangle fault needs transform=")
            with self.lock:
                response = self.handle(request)
            response.body = fault.transform(json.loads(response.encoded()))
            return response, operation, fault.kind
        with self.lock:
            return self.fault_response(fault, request), operation, fault.kind


class _Handler(BaseHTTPRequestHandler):
    api: ApiServer
    protocol_version = "HTTP/1.1"
    # Headers and body go out in two writes; without TCP_NODELAY, Nagle's algorithm and the
    # client's delayed ACK add ~40 ms to every keep-alive request.
    disable_nagle_algorithm = True

    def log_message(self, format: str, *args: Any) -> None:
        pass  # the request log replaces stderr noise

    def _dispatch(self) -> None:
        started = time.time()
        parts = urlsplit(self.path)
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length) if length else b""
        request = Request(
            method=self.command,
            path=parts.path,
            query=parse_qs(parts.query, keep_blank_values=True),
            headers={k.lower(): v for k, v in self.headers.items()},
            body=body,
        )
        try:
            response, operation, fault = self.api._serve(request)
        except Exception as exc:
            response = Response(500, {"message": f"sandbox error: {exc!r}"})
            operation, fault = f"{request.method} {request.path}", None
        charged = response is not None and self.api.is_charged(request, response)
        entry = LoggedRequest(
            method=request.method,
            path=request.path,
            query=request.query,
            operation=operation,
            status=None if response is None else response.status,
            fault=fault,
            charged=charged,
            started_at=started,
            duration_ms=(time.time() - started) * 1000,
            request_headers={
                k: v for k, v in request.headers.items() if k not in ("authorization",)
            },
            response_headers={} if response is None else dict(response.headers),
            body=request.body,
            cost=getattr(response, "cost", None),
        )
        with self.api._meta_lock:
            self.api._log.append(entry)
        if response is None:
            self.close_connection = True
            with contextlib.suppress(OSError):
                self.connection.shutdown(socket.SHUT_RDWR)
            return
        data = response.encoded()
        self.send_response(response.status)
        headers = {"Content-Type": "application/json; charset=utf-8", **response.headers}
        for name, value in headers.items():
            self.send_header(name, value)
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(data)

    do_GET = _dispatch
    do_POST = _dispatch
    do_HEAD = _dispatch
    do_PUT = _dispatch
    do_PATCH = _dispatch
    do_DELETE = _dispatch
