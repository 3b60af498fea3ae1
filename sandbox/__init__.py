"""Local imitations of the Linear GraphQL API and the GitHub REST API, serving one synthetic
company on 127.0.0.1 (the GitHub server also serves GitHub's GraphQL API, at
`Sandbox.github.graphql_url`: see `sandbox.github.graphql`). See `Sandbox`, the pytest
fixtures in `sandbox.pytest_plugin`, and `python -m sandbox --help`.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sandbox.company import SIZES, Company, Size
from sandbox.github.server import GitHubServer
from sandbox.linear.server import LinearServer
from sandbox.pr_links import link_pull_requests

__all__ = ["SIZES", "Company", "GitHubServer", "LinearServer", "Sandbox", "Size"]

LINEAR_API_KEY = "lin_api_sandbox_key_0000000000000000"
GITHUB_TOKEN = "ghp_sandboxtoken000000000000000000000000"
GITHUB_ORG = "acme"


class Sandbox:
    """Both imitation APIs of one company, started and stopped together."""

    def __init__(
        self,
        seed: int = 7,
        size: Size | str = "tiny",
        *,
        latency_ms: float = 0,
        now: datetime | None = None,
        linear_port: int = 0,
        github_port: int = 0,
        linear_options: dict[str, Any] | None = None,
        github_options: dict[str, Any] | None = None,
        incidents: bool = False,
        linear_linkbacks: bool = False,
    ) -> None:
        self.company = Company(seed=seed, size=size, now=now)
        self.linear = LinearServer(
            self.company,
            api_key=LINEAR_API_KEY,
            latency_ms=latency_ms,
            port=linear_port,
            **(linear_options or {}),
        )
        self.github = GitHubServer(
            self.company,
            self.linear.issue_refs(),
            token=GITHUB_TOKEN,
            org=GITHUB_ORG,
            latency_ms=latency_ms,
            port=github_port,
            **(github_options or {}),
        )
        # Linear's own links to the pull requests (attachments, magic words, team moves).
        link_pull_requests(self.company, self.linear.workspace, self.github.org_data)
        if incidents:  # Linear issues labelled `incident` after some production deployments
            from sandbox.linear.incidents import add_incidents

            add_incidents(self.linear.workspace, self.github.org_data.delivery.incidents)
        if linear_linkbacks:  # Linear's `linear[bot]` comment on every pull request it links
            from sandbox.github.linkbacks import add_linkbacks

            add_linkbacks(self.github.org_data)

    def start(self) -> Sandbox:
        self.linear.start()
        self.github.start()
        return self

    def stop(self) -> None:
        self.linear.stop()
        self.github.stop()

    def advance_clock(self, seconds: float = 3600.0) -> None:
        """Let `seconds` pass for every rate-limit budget of both APIs (Linear's requests and
        complexity, GitHub's REST and GraphQL): one shared clock, so a test runs "hour after
        hour" in seconds. The data's own timestamps do not move."""
        self.linear.advance_clock(seconds)
        self.github.advance_clock(seconds)

    def __enter__(self) -> Sandbox:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    def env(self) -> dict[str, str]:
        """Environment variables that point both pipelines at this sandbox."""
        import json

        return {
            "SOURCES__LINEAR__API_URL": f"{self.linear.url}/graphql",
            "LINEAR_API_KEY": LINEAR_API_KEY,
            "SOURCES__GITHUB__BASE_URL": self.github.api_url,
            "SOURCES__GITHUB__ORG": GITHUB_ORG,
            "SOURCES__GITHUB__REPOS": json.dumps(self.github.repo_names),
            "GITHUB_TOKEN": GITHUB_TOKEN,
        }
