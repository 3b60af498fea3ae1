"""Reading configuration the way the contract names it: dlt config keys with their
`SECTION__KEY` env-var forms, plus the short env-var aliases users set in CI."""

from __future__ import annotations

import os
from datetime import datetime
from typing import Any

import dlt
import pendulum

from pipelines.errors import MissingCredential

DEFAULT_HISTORY_YEARS = 2


def setting(key: str, default: Any = None, expected_type: type | None = None) -> Any:
    """A non-secret dlt config value (`sources.linear.api_url` <- SOURCES__LINEAR__API_URL)."""
    value = dlt.config.get(key, expected_type) if expected_type else dlt.config.get(key)
    return default if value in (None, "") else value


def require_secret(key: str, *, env_fallback: str, what: str) -> str:
    """A secret from dlt's secrets (or its env-var form), else `env_fallback`; else fail."""
    value = dlt.secrets.get(key) or os.environ.get(env_fallback)
    if not value:
        env_form = key.upper().replace(".", "__")
        raise MissingCredential(
            f"missing {what}: set {env_fallback} (or {env_form}, or {key} in .dlt/secrets.toml)."
            " No request was made."
        )
    return str(value)


def default_since() -> datetime:
    """The default start of a first load: two years ago."""
    return pendulum.now("UTC").subtract(years=DEFAULT_HISTORY_YEARS)
