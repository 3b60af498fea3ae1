"""BigQuery credentials the way users supply them: `GCP_PROJECT_ID` + `GCP_SA_KEY` (a base64
service-account JSON, as a GitHub Actions secret), or dlt's own
`DESTINATION__BIGQUERY__CREDENTIALS__*`. The key is decoded in memory; dbt, which needs a file,
gets one written with mode 0600 into a private temporary directory that is removed on exit."""

from __future__ import annotations

import base64
import binascii
import json
import os
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import dlt
from dlt.common.configuration.specs import GcpServiceAccountCredentials

from pipelines.errors import MissingCredential, RunFailed

REQUIRED_KEY_FIELDS = ("type", "project_id", "private_key", "client_email")
DEFAULT_LOCATION = "US"


@dataclass(frozen=True)
class BigQueryTarget:
    """Where and as whom to load into BigQuery."""

    project_id: str
    location: str
    service_account: dict[str, Any] | None  # None: dlt resolves its own credential config


def decode_service_account(encoded: str) -> dict[str, Any]:
    """The service-account JSON inside `GCP_SA_KEY`; a clear error naming it when malformed."""
    try:
        raw = base64.b64decode(encoded.strip(), validate=True)
    except (binascii.Error, ValueError):
        raise RunFailed(
            "GCP_SA_KEY is not valid base64: set it to the service-account JSON key encoded "
            "with `base64 -w0 key.json`."
        ) from None
    try:
        info = json.loads(raw)
    except (UnicodeDecodeError, ValueError):
        raise RunFailed(
            "GCP_SA_KEY decodes to something that is not JSON: it must be the base64 of a "
            "service-account key file."
        ) from None
    if not isinstance(info, dict):
        raise RunFailed("GCP_SA_KEY decodes to JSON that is not a service-account key object.")
    missing = [name for name in REQUIRED_KEY_FIELDS if not info.get(name)]
    if missing or info.get("type") != "service_account":
        what = f"missing {', '.join(missing)}" if missing else f"type is {info.get('type')!r}"
        raise RunFailed(f"GCP_SA_KEY is not a service-account key ({what}).")
    return info


def resolve_target() -> BigQueryTarget:
    """The BigQuery project, location and credentials from the environment or dlt config."""
    location = (
        os.environ.get("GCP_LOCATION")
        or dlt.config.get("destination.bigquery.location")
        or DEFAULT_LOCATION
    )
    encoded = os.environ.get("GCP_SA_KEY")
    if encoded:
        info = decode_service_account(encoded)
        project = os.environ.get("GCP_PROJECT_ID") or info["project_id"]
        return BigQueryTarget(project_id=project, location=location, service_account=info)
    native = dlt.secrets.get("destination.bigquery.credentials")
    if native or dlt.secrets.get("destination.bigquery.credentials.private_key"):
        project = (
            os.environ.get("GCP_PROJECT_ID")
            or _project_of(native)
            or dlt.secrets.get("destination.bigquery.credentials.project_id")
        )
        return BigQueryTarget(project_id=project or "", location=location, service_account=None)
    raise MissingCredential(
        "missing BigQuery credentials: set GCP_PROJECT_ID and GCP_SA_KEY (the base64 of a "
        "service-account JSON key), or dlt's DESTINATION__BIGQUERY__CREDENTIALS__PROJECT_ID, "
        "__PRIVATE_KEY and __CLIENT_EMAIL. No request was made."
    )


def _project_of(native: Any) -> str | None:
    if isinstance(native, dict):
        return native.get("project_id")
    if isinstance(native, str):
        try:
            return json.loads(native).get("project_id")
        except ValueError:
            return None
    return getattr(native, "project_id", None)


def destination(target: BigQueryTarget) -> Any:
    """The dlt BigQuery destination for `target`."""
    if target.service_account is None:
        return dlt.destinations.bigquery(location=target.location)
    credentials = GcpServiceAccountCredentials()
    credentials.parse_native_representation(json.dumps(target.service_account))
    credentials.project_id = target.project_id
    credentials.resolve()
    return dlt.destinations.bigquery(credentials=credentials, location=target.location)


@contextmanager
def keyfile_for_dbt(target: BigQueryTarget) -> Iterator[Path | None]:
    """A service-account key file for dbt (mode 0600, private temp dir, removed on exit)."""
    if target.service_account is None:
        yield None
        return
    with tempfile.TemporaryDirectory(prefix="bq-key-") as folder:
        path = Path(folder) / "service-account.json"
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "w") as handle:
            json.dump(target.service_account, handle)
        yield path
