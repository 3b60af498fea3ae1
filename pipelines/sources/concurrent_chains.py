"""Read several page chains at once: each chain (a paged list whose next page needs the previous
one's cursor) runs in its own thread, and the caller receives every chain's items, each chain's
in its own order, as they arrive.

    for index, item in interleave([chain_a, chain_b]):  # chain_*: () -> Iterator[item]
        ...

A chain's exception is raised in the caller (the other chains are stopped); when the caller
stops early (breaks, closes the generator), every chain is stopped between items and joined.
One chain is read inline, in the caller's thread, with no thread at all."""

from __future__ import annotations

import queue
import threading
from collections.abc import Callable, Iterator, Sequence
from typing import Any, TypeVar

T = TypeVar("T")
Chain = Callable[[], Iterator[T]]

_DONE = object()
_PUT_WAIT = 0.1  # seconds between checks for a stop while the caller's queue is full


class _Failed:
    def __init__(self, error: BaseException) -> None:
        self.error = error


def interleave(chains: Sequence[Chain[T]], *, buffer: int = 2) -> Iterator[tuple[int, T]]:
    """(chain index, item) for every item of every chain; at most `buffer` items per chain wait
    unread, so a chain runs ahead of the caller by that much and no more."""
    if len(chains) == 1:
        for item in chains[0]():
            yield 0, item
        return
    inbox: queue.Queue[tuple[int, Any]] = queue.Queue(maxsize=max(1, buffer) * len(chains))
    stop = threading.Event()
    threads = [
        threading.Thread(
            target=_run, args=(index, chain, inbox, stop), name=f"chain-{index}", daemon=True
        )
        for index, chain in enumerate(chains)
    ]
    for thread in threads:
        thread.start()
    running = len(threads)
    try:
        while running:
            index, item = inbox.get()
            if item is _DONE:
                running -= 1
            elif isinstance(item, _Failed):
                raise item.error
            else:
                yield index, item
    finally:
        stop.set()
        while any(thread.is_alive() for thread in threads):
            _drain(inbox)
            for thread in threads:
                thread.join(timeout=_PUT_WAIT)


def _run(index: int, chain: Chain[Any], inbox: queue.Queue[tuple[int, Any]], stop: Any) -> None:
    """One chain's thread: hand over its items until it ends, fails or the caller stops."""
    items = chain()
    try:
        for item in items:
            if not _put(inbox, (index, item), stop):
                return
    except BaseException as error:
        _put(inbox, (index, _Failed(error)), stop)
        return
    finally:
        close = getattr(items, "close", None)
        if close is not None:
            close()
    _put(inbox, (index, _DONE), stop)


def _put(inbox: queue.Queue[tuple[int, Any]], entry: tuple[int, Any], stop: Any) -> bool:
    """Queue `entry` unless the caller stopped first; False when it did."""
    while not stop.is_set():
        try:
            inbox.put(entry, timeout=_PUT_WAIT)
            return True
        except queue.Full:
            continue
    return False


def _drain(inbox: queue.Queue[tuple[int, Any]]) -> None:
    while True:
        try:
            inbox.get_nowait()
        except queue.Empty:
            return
