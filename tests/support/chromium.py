"""Headless Chromium for the tests, driven through the DevTools protocol (Debian's `chromium`,
never a downloaded browser): open a page with the network blocked, record console errors,
exceptions and every request, evaluate a script, take a screenshot.

`find_chromium()` is None where no browser is installed (`make browser` installs Debian's)."""

from __future__ import annotations

import base64
import contextlib
import itertools
import json
import os
import shutil
import signal
import subprocess
import tempfile
import time
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from websockets.sync.client import ClientConnection, connect

CANDIDATES = ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable")
START_TIMEOUT = 30.0
LOAD_TIMEOUT = 30.0


def find_chromium() -> str | None:
    """The system's Chromium, if any."""
    return next(filter(None, map(shutil.which, CANDIDATES)), None)


@dataclass
class PageVisit:
    """What happened while a page loaded, and what a script found in it."""

    console_errors: list[str] = field(default_factory=list)
    requests: list[str] = field(default_factory=list)  # every URL the page asked for
    found: Any = None


class DevTools:
    """One page of a running Chromium, over its DevTools websocket."""

    def __init__(self, socket: ClientConnection) -> None:
        self.socket = socket
        self.ids = itertools.count(1)
        self.events: list[dict[str, Any]] = []

    def call(self, method: str, timeout: float = LOAD_TIMEOUT, **params: Any) -> dict[str, Any]:
        """Send a command; its result (the events that arrive meanwhile are kept)."""
        number = next(self.ids)
        self.socket.send(json.dumps({"id": number, "method": method, "params": params}))
        deadline = time.monotonic() + timeout
        while True:
            message = json.loads(self.socket.recv(timeout=max(0.1, deadline - time.monotonic())))
            if message.get("id") == number:
                if "error" in message:
                    raise RuntimeError(f"{method}: {message['error']}")
                return dict(message.get("result") or {})
            self.events.append(message)

    def wait_for(self, event: str, timeout: float = LOAD_TIMEOUT) -> None:
        """Read events until `event` arrives."""
        deadline = time.monotonic() + timeout
        while not any(e.get("method") == event for e in self.events):
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                raise TimeoutError(f"no {event} within {timeout} s")
            self.events.append(json.loads(self.socket.recv(timeout=remaining)))


def _console_errors(events: list[dict[str, Any]]) -> list[str]:
    errors = []
    for event in events:
        method, params = event.get("method"), event.get("params") or {}
        if method == "Runtime.consoleAPICalled" and params.get("type") in ("error", "assert"):
            errors.append(
                " ".join(str(a.get("value", a.get("description"))) for a in params["args"])
            )
        elif method == "Runtime.exceptionThrown":
            errors.append(str(params.get("exceptionDetails", {}).get("text")))
        elif method == "Log.entryAdded" and params.get("entry", {}).get("level") == "error":
            errors.append(str(params["entry"].get("text")))
    return errors


def visit(
    page: Path, script: str, screenshot: Path | None = None, width: int = 900, height: int = 1400
) -> PageVisit:
    """Open `page` (a local file) in headless Chromium with every host unresolvable, wait for
    it to load, evaluate `script` (an expression returning JSON-able data) and optionally save a
    screenshot of the window. Raises RuntimeError when no Chromium is installed."""
    executable = find_chromium()
    if executable is None:
        raise RuntimeError("no chromium on PATH")
    with tempfile.TemporaryDirectory(prefix="chromium-", ignore_cleanup_errors=True) as profile:
        process = subprocess.Popen(
            [
                executable,
                "--headless=new",
                "--no-sandbox",
                "--disable-gpu",
                "--no-first-run",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
                "--remote-debugging-port=0",
                f"--user-data-dir={profile}",
                f"--window-size={width},{height}",
                "--host-resolver-rules=MAP * ~NOTFOUND , EXCLUDE 127.0.0.1",
                "about:blank",
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            start_new_session=True,
        )
        try:
            return _drive(Path(profile), page, script, screenshot)
        finally:
            _stop(process)
            _remove_profile(Path(profile))


def _stop(process: subprocess.Popen[bytes]) -> None:
    """Stop the browser and every process it started (renderers, crashpad: its own session),
    so none still writes into the profile when it is removed."""
    for sig in (signal.SIGTERM, signal.SIGKILL):
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.pid, sig)
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            continue
        deadline = time.monotonic() + 10
        while _group_alive(process.pid) and time.monotonic() < deadline:
            time.sleep(0.05)
        if not _group_alive(process.pid):
            return


def _group_alive(pgid: int) -> bool:
    """Whether any process of the group `pgid` still runs."""
    try:
        os.killpg(pgid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def _remove_profile(profile: Path) -> None:
    """Remove the profile, retrying while a file written late by a dying child reappears."""
    for _ in range(20):
        shutil.rmtree(profile, ignore_errors=True)
        if not profile.exists():
            break
        time.sleep(0.1)


def _page_socket(profile: Path) -> str:
    """The websocket URL of the browser's first page, once DevTools is listening."""
    port_file = profile / "DevToolsActivePort"
    deadline = time.monotonic() + START_TIMEOUT
    while not (port_file.exists() and port_file.read_text().strip()):
        if time.monotonic() > deadline:
            raise TimeoutError("chromium did not open its DevTools port")
        time.sleep(0.1)
    port = port_file.read_text().split()[0]
    with urllib.request.urlopen(f"http://127.0.0.1:{port}/json/list", timeout=10) as response:
        targets = json.load(response)
    return next(t["webSocketDebuggerUrl"] for t in targets if t.get("type") == "page")


def _drive(profile: Path, page: Path, script: str, screenshot: Path | None) -> PageVisit:
    with connect(_page_socket(profile), max_size=None, open_timeout=START_TIMEOUT) as socket:
        tools = DevTools(socket)
        for domain in ("Runtime", "Log", "Network", "Page"):
            tools.call(f"{domain}.enable")
        tools.events.clear()
        url = page.resolve().as_uri()
        tools.call("Page.navigate", url=url)
        tools.wait_for("Page.loadEventFired")
        found = tools.call("Runtime.evaluate", expression=script, returnByValue=True)
        if screenshot is not None:
            shot = tools.call("Page.captureScreenshot", format="png")
            screenshot.write_bytes(base64.b64decode(shot["data"]))
        time.sleep(0.2)  # late requests or errors, if any, arrive with the next reply
        tools.call("Runtime.evaluate", expression="1")
        requests = [
            e["params"]["request"]["url"]
            for e in tools.events
            if e.get("method") == "Network.requestWillBeSent"
        ]
        return PageVisit(
            console_errors=_console_errors(tools.events),
            requests=[r for r in requests if r != url],
            found=found.get("result", {}).get("value"),
        )
