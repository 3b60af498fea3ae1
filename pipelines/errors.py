"""Errors a run reports to the user: the message is the one paragraph they see."""

from __future__ import annotations


class RunFailed(Exception):
    """A run failed; the message names the cause."""


class MissingCredential(RunFailed):
    """A required secret or setting is not configured; raised before any request is made."""
