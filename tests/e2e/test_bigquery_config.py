"""BigQuery configuration, offline: credentials from each supported form, the dlt destination
they produce, and the key file dbt gets."""

from __future__ import annotations

import base64
import json
import stat
import tempfile
from pathlib import Path

import dlt
import pytest

from pipelines import bigquery
from pipelines.errors import MissingCredential, RunFailed
from sandbox import Sandbox
from tests.support.fake_gcp import encoded, service_account
from tests.support.workspace import Workspace


@pytest.fixture(autouse=True)
def clean_env(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ("GCP_SA_KEY", "GCP_PROJECT_ID", "GCP_LOCATION"):
        monkeypatch.delenv(name, raising=False)
    for name in list(__import__("os").environ):
        if name.startswith("DESTINATION__BIGQUERY__"):
            monkeypatch.delenv(name)


def client_config(target: bigquery.BigQueryTarget):  # type: ignore[no-untyped-def]
    pipeline = dlt.pipeline(
        "bq_config_probe",
        destination=bigquery.destination(target),
        dataset_name="linear",
        pipelines_dir=tempfile.mkdtemp(),
    )
    return pipeline.destination_client().config


def test_gcp_sa_key_and_project(monkeypatch: pytest.MonkeyPatch) -> None:
    info = service_account("key-project")
    monkeypatch.setenv("GCP_SA_KEY", encoded(info))
    monkeypatch.setenv("GCP_PROJECT_ID", "prod-project")
    monkeypatch.setenv("GCP_LOCATION", "EU")
    target = bigquery.resolve_target()
    assert (target.project_id, target.location) == ("prod-project", "EU")
    config = client_config(target)
    assert config.credentials.project_id == "prod-project"
    assert config.credentials.client_email == info["client_email"]
    assert config.location == "EU"
    assert config.staging_dataset_name_layout == "%s_staging"


def test_project_defaults_to_the_keys(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("GCP_SA_KEY", encoded(service_account("key-project")))
    target = bigquery.resolve_target()
    assert (target.project_id, target.location) == ("key-project", "US")


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("not base64 !!", "not valid base64"),
        (base64.b64encode(b"{not json").decode(), "not JSON"),
        (base64.b64encode(b"[1, 2]").decode(), "not a service-account key"),
        (
            base64.b64encode(json.dumps({"type": "service_account"}).encode()).decode(),
            "missing project_id, private_key, client_email",
        ),
        (
            base64.b64encode(json.dumps({**service_account(), "type": "user"}).encode()).decode(),
            "type is 'user'",
        ),
    ],
    # Named by the expected message: the values hold a key generated per process, and every
    # pytest-xdist worker must collect the same ids.
    ids=["not-base64", "not-json", "not-a-key", "missing-fields", "user-key"],
)
def test_malformed_gcp_sa_key_is_named(
    monkeypatch: pytest.MonkeyPatch, value: str, expected: str
) -> None:
    monkeypatch.setenv("GCP_SA_KEY", value)
    with pytest.raises(RunFailed, match="GCP_SA_KEY") as failure:
        bigquery.resolve_target()
    assert expected in str(failure.value)
    assert "PRIVATE KEY" not in str(failure.value)


def test_dlt_native_credentials(monkeypatch: pytest.MonkeyPatch) -> None:
    info = service_account("native-project")
    monkeypatch.setenv("DESTINATION__BIGQUERY__CREDENTIALS__PROJECT_ID", info["project_id"])
    monkeypatch.setenv("DESTINATION__BIGQUERY__CREDENTIALS__PRIVATE_KEY", info["private_key"])
    monkeypatch.setenv("DESTINATION__BIGQUERY__CREDENTIALS__CLIENT_EMAIL", info["client_email"])
    target = bigquery.resolve_target()
    assert target.service_account is None
    config = client_config(target)
    assert config.credentials.project_id == "native-project"
    assert config.credentials.client_email == info["client_email"]


def test_no_credentials_names_the_variables() -> None:
    with pytest.raises(MissingCredential) as failure:
        bigquery.resolve_target()
    assert "GCP_SA_KEY" in str(failure.value) and "GCP_PROJECT_ID" in str(failure.value)


def test_dbt_key_file_is_private_and_removed(monkeypatch: pytest.MonkeyPatch) -> None:
    info = service_account()
    monkeypatch.setenv("GCP_SA_KEY", encoded(info))
    target = bigquery.resolve_target()
    with bigquery.keyfile_for_dbt(target) as path:
        assert path is not None
        assert stat.S_IMODE(path.stat().st_mode) == 0o600
        assert stat.S_IMODE(path.parent.stat().st_mode) == 0o700
        assert json.loads(path.read_text()) == info
    assert not Path(path).exists() and not path.parent.exists()


def test_cli_rejects_a_malformed_key_before_any_request(
    workspace: Workspace, sandbox: Sandbox
) -> None:
    result = workspace.run(
        "linear",
        "--destination",
        "bigquery",
        "--no-dbt",
        extra_env={"GCP_SA_KEY": "definitely-not-a-key", "GCP_PROJECT_ID": "p"},
    )
    assert result.returncode == 1
    assert "GCP_SA_KEY" in result.stderr and "Traceback" not in result.stderr
    assert sandbox.linear.log == []
