"""`sources.github.deployments`: the accepted forms, and a clear error naming the key."""

from __future__ import annotations

import pytest

from pipelines.sources.github.deployments import (
    DeploymentsSetting,
    parse_deployments_setting,
    release_row,
)
from pipelines.sources.http import SourceError


@pytest.mark.parametrize(
    ("value", "parsed"),
    [
        (None, None),
        ("", None),
        ("  ", None),
        ("deployments", DeploymentsSetting("deployments")),
        ("releases", DeploymentsSetting("releases")),
        ("workflow:deploy.yml", DeploymentsSetting("workflow", "deploy.yml")),
        ("workflow: release.yaml", DeploymentsSetting("workflow", "release.yaml")),
        ("workflow:161335", DeploymentsSetting("workflow", "161335")),
    ],
)
def test_accepted_values(value: object, parsed: DeploymentsSetting | None) -> None:
    assert parse_deployments_setting(value) == parsed


@pytest.mark.parametrize(
    "value", ["deployment", "workflow:", "workflow:../x.yml", "workflow:deploy", "tags", 3]
)
def test_bad_values_name_the_key_and_the_forms(value: object) -> None:
    with pytest.raises(SourceError) as raised:
        parse_deployments_setting(value)
    message = str(raised.value)
    assert "sources.github.deployments" in message and "SOURCES__GITHUB__DEPLOYMENTS" in message
    assert repr(value) in message
    assert "'deployments'" in message and "'workflow:<file>'" in message and "'releases'" in message


def test_a_release_on_a_branch_has_no_sha_and_one_on_a_commit_has() -> None:
    base = {"id": 1, "tag_name": "v1", "created_at": "x", "published_at": "y"}
    assert release_row("a/b", {**base, "target_commitish": "main"})["sha"] is None
    sha = "0123456789abcdef0123456789abcdef01234567"
    assert release_row("a/b", {**base, "target_commitish": sha})["sha"] == sha
