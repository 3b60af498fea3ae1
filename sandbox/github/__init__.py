"""The GitHub half of the sandbox: a local imitation of GitHub's REST API (`GitHubServer`)
serving a synthetic org (`GitHubOrg`) whose pull requests reference the Linear half's issues."""

from sandbox.github.data import GitHubOrg
from sandbox.github.server import GitHubServer

__all__ = ["GitHubOrg", "GitHubServer"]
