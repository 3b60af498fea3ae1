"""Child processes and signals: each pipeline step runs as a subprocess in its own process
group (dbt runs in a grandchild, so stopping a step means stopping its whole group), and
SIGINT, SIGTERM and SIGHUP become an `Interrupted` exception so the demo always cleans up."""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
import time
from dataclasses import dataclass
from pathlib import Path
from types import FrameType
from typing import Any

STOP_SIGNALS = (signal.SIGINT, signal.SIGTERM, signal.SIGHUP)
GRACE_SECONDS = 3.0  # from SIGINT to SIGKILL when a step does not stop by itself


class Interrupted(BaseException):
    """A signal asked the demo to stop (a BaseException, so no `except Exception` eats it)."""

    def __init__(self, signum: int) -> None:
        self.signum = signum
        super().__init__(signal.Signals(signum).name)

    @property
    def name(self) -> str:
        return signal.Signals(self.signum).name

    @property
    def exit_code(self) -> int:
        return 128 + self.signum


class StopSignals:
    """While active, the first SIGINT, SIGTERM or SIGHUP raises `Interrupted` (in the main
    thread). Once `stopping()` is called (the clean-up begins), signals are only noted, so a
    second Ctrl-C cannot cut the clean-up short."""

    def __init__(self) -> None:
        self.received: int | None = None
        self._stopping = False
        self._previous: dict[int, Any] = {}

    def __enter__(self) -> StopSignals:
        self._previous = {sig: signal.signal(sig, self._handle) for sig in STOP_SIGNALS}
        return self

    def __exit__(self, *exc: object) -> None:
        for sig, handler in self._previous.items():
            signal.signal(sig, handler)

    def stopping(self) -> None:
        self._stopping = True

    def _handle(self, signum: int, frame: FrameType | None) -> None:
        if self.received is None:
            self.received = signum
        if not self._stopping:
            self._stopping = True
            raise Interrupted(signum)


@dataclass
class StepResult:
    """How a step's process ended."""

    returncode: int
    stdout: str
    stderr: str
    seconds: float


class Children:
    """The processes the demo started; `stop_all` ends every one of them and their children."""

    def __init__(self) -> None:
        self._procs: list[subprocess.Popen[str]] = []

    def run(self, args: list[str], *, env: dict[str, str], cwd: Path) -> StepResult:
        """Run one step to its end in a new process group, capturing its output."""
        started = time.monotonic()
        proc = subprocess.Popen(
            args,
            env=env,
            cwd=cwd,
            stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            start_new_session=True,  # its own group: one killpg reaches dbt's process too
        )
        self._procs.append(proc)
        stdout, stderr = proc.communicate()
        self._procs.remove(proc)
        return StepResult(proc.returncode, stdout, stderr, time.monotonic() - started)

    def stop_all(self, grace: float = GRACE_SECONDS) -> list[int]:
        """SIGINT to every running step's group, SIGKILL after `grace` seconds; returns the
        pids that had to be stopped."""
        procs, self._procs = self._procs, []
        for proc in procs:
            for stream in (proc.stdout, proc.stderr):
                with contextlib.suppress(OSError):
                    if stream is not None:
                        stream.close()  # a child blocked on a full pipe gets EPIPE, not stuck
            _signal_group(proc.pid, signal.SIGINT)
        deadline = time.monotonic() + grace
        for proc in procs:
            try:
                proc.wait(timeout=max(deadline - time.monotonic(), 0.05))
            except subprocess.TimeoutExpired:
                _signal_group(proc.pid, signal.SIGKILL)
                proc.wait()
            _signal_group(proc.pid, signal.SIGKILL)  # anything the step left behind in its group
        return [proc.pid for proc in procs]


def _signal_group(pgid: int, sig: int) -> None:
    with contextlib.suppress(ProcessLookupError, PermissionError):
        os.killpg(pgid, sig)
