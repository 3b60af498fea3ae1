"""The bad `--since` message names the option (issue 12, item 10)."""

from __future__ import annotations

from typer.testing import CliRunner

from pipelines.cli import make_app
from pipelines.linear import LINEAR


def test_bad_since_names_the_option() -> None:
    result = CliRunner().invoke(make_app(LINEAR), ["--since", "last tuesday-ish"])
    assert result.exit_code == 2
    output = result.output + (result.stderr if result.stderr_bytes is not None else "")
    assert "--since" in output
    assert "last tuesday-ish" in output
