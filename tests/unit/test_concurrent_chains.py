"""`interleave`: every chain's items in the chain's own order, chains read at the same time,
a chain's error raised in the caller, and every thread stopped when the caller stops early."""

from __future__ import annotations

import threading
from collections.abc import Iterator

import pytest

from pipelines.sources.concurrent_chains import interleave


def counting(name: str, n: int) -> Iterator[str]:
    for i in range(n):
        yield f"{name}{i}"


def test_every_item_of_every_chain_once_in_its_own_order() -> None:
    chains = [lambda: counting("a", 50), lambda: counting("b", 3), lambda: counting("c", 0)]
    got = list(interleave(chains))
    assert sorted(got) == sorted(
        [(0, f"a{i}") for i in range(50)] + [(1, f"b{i}") for i in range(3)]
    )
    for index in (0, 1):
        items = [item for i, item in got if i == index]
        assert items == sorted(items, key=lambda s: int(s[1:]))


def test_chains_are_in_progress_at_the_same_time() -> None:
    """Each chain waits for the other to start before it yields: read one after another, this
    would never finish (the barrier times out and breaks)."""
    barrier = threading.Barrier(2, timeout=10)

    def chain(name: str) -> Iterator[str]:
        barrier.wait()
        yield name

    assert sorted(item for _, item in interleave([lambda: chain("a"), lambda: chain("b")])) == [
        "a",
        "b",
    ]


def test_one_chain_is_read_in_the_callers_thread() -> None:
    def chain() -> Iterator[str]:
        yield threading.current_thread().name

    assert list(interleave([chain])) == [(0, threading.current_thread().name)]


def test_a_chains_error_reaches_the_caller_and_stops_the_others() -> None:
    stopped = threading.Event()

    def endless() -> Iterator[int]:
        try:
            i = 0
            while True:
                yield i
                i += 1
        finally:
            stopped.set()

    def failing() -> Iterator[int]:
        yield 1
        raise ValueError("page 2 was malformed")

    with pytest.raises(ValueError, match="page 2 was malformed"):
        list(interleave([endless, failing]))
    assert stopped.wait(5)


def test_stopping_early_closes_every_chain() -> None:
    closed = []

    def endless(name: str) -> Iterator[str]:
        try:
            while True:
                yield name
        finally:
            closed.append(name)

    items = interleave([lambda: endless("a"), lambda: endless("b")], buffer=1)
    for _ in range(5):
        next(items)
    items.close()
    assert sorted(closed) == ["a", "b"]
    assert not [t for t in threading.enumerate() if t.name.startswith("chain-")]
