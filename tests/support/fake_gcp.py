"""A well-formed, useless service-account key: a throwaway RSA key nobody trusts."""

from __future__ import annotations

import base64
import json
from functools import cache
from typing import Any

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa


@cache
def _pem() -> str:
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    return key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    ).decode()


def service_account(project_id: str = "sentinel-project") -> dict[str, Any]:
    return {
        "type": "service_account",
        "project_id": project_id,
        "private_key_id": "0123456789abcdef",
        "private_key": _pem(),
        "client_email": f"etl@{project_id}.iam.gserviceaccount.com",
        "client_id": "100000000000000000000",
        "token_uri": "https://oauth2.googleapis.com/token",
    }


def encoded(info: dict[str, Any]) -> str:
    """The form users store in the GCP_SA_KEY secret."""
    return base64.b64encode(json.dumps(info).encode()).decode()
