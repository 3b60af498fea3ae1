"""The sandbox's shared budget clock: advancing it refills every API's spent budget, and the
reset each API then reports is still in the real clock's future."""

from __future__ import annotations

import time

from sandbox import Sandbox


def test_advancing_the_clock_refills_every_budget(sandbox: Sandbox) -> None:
    windows = sandbox.linear.rate_windows() + sandbox.github.rate_windows()
    assert {sandbox.linear.requests_window, sandbox.linear.complexity_window} <= set(windows)
    assert sandbox.github.rate_window in windows
    for window in windows:
        window.exhaust()
        assert window.remaining == 0
    sandbox.advance_clock(3600)
    for window in windows:
        assert window.remaining == window.limit
        assert window.reset_at > time.time()


def test_less_than_a_window_does_not_refill(sandbox: Sandbox) -> None:
    window = sandbox.github.rate_window
    window.exhaust()
    sandbox.advance_clock(1)
    assert window.remaining == 0


def test_linear_states_its_documented_api_key_budgets(sandbox: Sandbox) -> None:
    assert sandbox.linear.requests_window.limit == 2_500
    assert sandbox.linear.complexity_window.limit == 3_000_000
    assert sandbox.github.rate_window.limit == 5_000
