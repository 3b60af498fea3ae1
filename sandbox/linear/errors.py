"""Linear's GraphQL error bodies (`errors[].extensions.type` as in @linear/sdk's error.ts)."""

from __future__ import annotations

from typing import Any


class InvalidInput(Exception):
    """A bad argument value, answered like Linear: HTTP 400, `extensions.type: invalid input`."""

    def __init__(self, message: str, user_message: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.user_message = user_message or message

    @property
    def extensions(self) -> dict[str, Any]:
        return {
            "code": "INPUT_ERROR",
            "type": "invalid input",
            "userError": True,
            "userPresentableMessage": self.user_message,
        }


def error(message: str, type_: str, code: str, **extensions: Any) -> dict[str, Any]:
    """One GraphQL error entry with Linear's extensions."""
    return {"message": message, "extensions": {"code": code, "type": type_, **extensions}}


def body(*errors: dict[str, Any], data: bool = False) -> dict[str, Any]:
    """A response body carrying `errors` (and `"data": null` when `data`)."""
    out: dict[str, Any] = {"data": None} if data else {}
    out["errors"] = list(errors)
    return out


def authentication() -> dict[str, Any]:
    """The 401 body for a missing or wrong API key."""
    return body(
        error(
            "Authentication required, not authenticated",
            "authentication error",
            "AUTHENTICATION_ERROR",
            userPresentableMessage="You need to authenticate to access this operation.",
        )
    )


def ratelimited(which: str, reset_in_seconds: float) -> dict[str, Any]:
    """The RATELIMITED body; `which` names the exhausted budget."""
    seconds = max(int(reset_in_seconds + 0.999), 0)
    return body(
        error(
            f"Rate limit exceeded: the {which} budget resets in {seconds} seconds.",
            "ratelimited",
            "RATELIMITED",
            userPresentableMessage="You have exceeded the API rate limit. Please try again later.",
        )
    )


def too_complex(points: int, maximum: int) -> dict[str, Any]:
    """The 400 body of a query over the complexity limit."""
    return body(
        error(
            f"Query too complex: complexity is {points}, the maximum allowed is {maximum}.",
            "invalid input",
            "QUERY_TOO_COMPLEX",
            userPresentableMessage="The query is too complex. Request fewer fields or fewer nodes.",
            complexity=points,
            maxComplexity=maximum,
        )
    )


def graphql(message: str, code: str = "GRAPHQL_VALIDATION_FAILED", **extra: Any) -> dict[str, Any]:
    """A query-level error (syntax, validation, variables, malformed request)."""
    return error(message, "graphql error", code, **extra)


def internal(message: str | None = None) -> dict[str, Any]:
    """An internal server error entry."""
    return error(message or "Internal error", "internal error", "INTERNAL_SERVER_ERROR")
