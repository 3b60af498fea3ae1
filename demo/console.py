"""What the demo tells the user: its lines on stdout, and the error that ends a run."""

from __future__ import annotations


class DemoError(Exception):
    """The demo cannot run (or a step failed); the message says why and what to do."""


def say(text: str = "") -> None:
    print(text, flush=True)
