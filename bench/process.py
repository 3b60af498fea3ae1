"""Running one pipeline as a subprocess, the way users run it, and measuring it from outside.

- wall time: a monotonic clock around the child, from spawn to reaping;
- peak RSS and CPU: the child's `rusage` from `os.wait4` (`ru_maxrss` is KiB on Linux), taken
  by a small launcher (`bench/launch.py`) so the benchmark's own size does not leak into the
  child's high-water mark;
- where the time and memory go: the child's stderr is read line by line as it comes, and the
  runner's "extract ...", "normalize ...", "load ..." log lines (printed at the default log
  level) are timestamped on arrival; /proc/<pid>/status is sampled every 50 ms for VmRSS, so
  each stage gets its own (sampled) peak;
- the run summary the CLI writes to `$PIPELINES_SUMMARY_FILE` (rows, stage seconds, API
  counters).
"""

from __future__ import annotations

import contextlib
import json
import os
import re
import signal
import subprocess
import sys
import threading
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from pipelines.paths import REPO_ROOT

LAUNCHER = Path(__file__).resolve().parent / "launch.py"
STAGES = ("startup", "extract", "normalize", "load")
_MARKER = re.compile(r"\bpipelines: (extract|normalize|load) \.\.\.\s*$")
_SAMPLE_EVERY = 0.05


@dataclass
class RunResult:
    """What one pipeline run did and cost."""

    label: str
    script: str
    args: list[str]
    returncode: int
    wall_s: float
    max_rss_kib: int  # exact, from wait4
    cpu_user_s: float
    cpu_sys_s: float
    markers: dict[str, float] = field(default_factory=dict)  # stage -> seconds after spawn
    stage_peak_rss_kib: dict[str, int] = field(default_factory=dict)  # sampled
    summary: dict[str, Any] | None = None
    log_dir: str = ""
    output_tail: str = ""  # the end of stdout + stderr when the run failed
    disk_bytes: dict[str, int] = field(default_factory=dict)  # after the run, by place
    stdout: str = ""  # the end of stdout (the run's own summary lines)

    @property
    def ok(self) -> bool:
        return self.returncode == 0 and self.summary is not None

    @property
    def stage_seconds(self) -> dict[str, float]:
        return dict((self.summary or {}).get("stage_seconds") or {})

    @property
    def rows(self) -> dict[str, int]:
        return dict((self.summary or {}).get("rows") or {})

    @property
    def total_rows(self) -> int:
        return sum(self.rows.values())

    @property
    def api(self) -> dict[str, Any]:
        return dict((self.summary or {}).get("api") or {})

    def rows_per_second(self, stage: str) -> float | None:
        """Rows loaded (every table, child tables included) per second of `stage`."""
        seconds = self.stage_seconds.get(stage)
        if not seconds:
            return None
        return self.total_rows / seconds

    @property
    def outside_stages_s(self) -> float:
        """Wall time not spent in extract/normalize/load: interpreter start, imports, pipeline
        set-up and teardown."""
        return self.wall_s - sum(self.stage_seconds.values())

    def to_dict(self) -> dict[str, Any]:
        out = asdict(self)
        out["stage_seconds"] = self.stage_seconds
        out["rows"] = self.rows
        out["total_rows"] = self.total_rows
        out["rows_per_second"] = {s: self.rows_per_second(s) for s in self.stage_seconds}
        return out


def run_pipeline(
    script: str,
    *,
    label: str,
    env: dict[str, str],
    cwd: Path,
    log_dir: Path,
    args: tuple[str, ...] = (),
    timeout: float = 1800,
    no_dbt: bool = True,
) -> RunResult:
    """Run `python pipelines/<script>.py [--no-dbt] ARGS` in `cwd` with `env`; measure it.

    `script` "transform" (the dbt build) writes no run summary: its result is `ok` on exit 0."""
    argv = [sys.executable, str(REPO_ROOT / "pipelines" / f"{script}.py")]
    argv += ["--no-dbt"] if no_dbt else []
    return run_command(
        [*argv, *args],
        script=script,
        label=label,
        env=env,
        cwd=cwd,
        log_dir=log_dir,
        timeout=timeout,
        expects_summary=script != "transform",
    )


def run_command(
    argv: list[str],
    *,
    script: str,
    label: str,
    env: dict[str, str],
    cwd: Path,
    log_dir: Path,
    timeout: float = 1800,
    expects_summary: bool = True,
) -> RunResult:
    """Run `argv` through the launcher in `cwd` with `env` and measure it (see the module)."""
    log_dir.mkdir(parents=True, exist_ok=True)
    summary_file = log_dir / f"{label}.summary.json"
    summary_file.unlink(missing_ok=True)
    env = {**env, "PIPELINES_SUMMARY_FILE": str(summary_file)}
    stdout_path, stderr_path = log_dir / f"{label}.stdout", log_dir / f"{label}.stderr"
    markers: dict[str, float] = {}
    samples: list[tuple[float, int]] = []
    done = threading.Event()

    launch_file = log_dir / f"{label}.launch.json"
    launch_file.unlink(missing_ok=True)
    Path(f"{launch_file}.pid").unlink(missing_ok=True)
    launcher = [sys.executable, "-I", "-S", str(LAUNCHER), str(launch_file), *argv]

    with open(stdout_path, "w") as stdout, open(stderr_path, "w") as stderr_copy:
        started = time.monotonic()
        proc = subprocess.Popen(
            launcher,
            env=env,
            cwd=cwd,
            stdout=stdout,
            stderr=subprocess.PIPE,
            text=True,
            bufsize=1,
        )

        def read_stderr() -> None:
            assert proc.stderr is not None
            for line in proc.stderr:
                now = time.monotonic() - started
                stderr_copy.write(line)
                match = _MARKER.search(line)
                if match and match.group(1) not in markers:
                    markers[match.group(1)] = now

        def child_pid() -> int | None:
            pid_file = Path(f"{launch_file}.pid")
            while not done.is_set():
                try:
                    return int(pid_file.read_text())
                except (OSError, ValueError):
                    done.wait(0.005)
            return None

        def sample_rss() -> None:
            pid = child_pid()
            status = Path(f"/proc/{pid}/status")
            while pid is not None and not done.is_set():
                kib = _vm_rss(status)
                if kib is not None:
                    samples.append((time.monotonic() - started, kib))
                done.wait(_SAMPLE_EVERY)

        def kill_on_timeout() -> None:
            if not done.wait(timeout):
                pid = child_pid() if not done.is_set() else None
                with contextlib.suppress(OSError, TypeError):
                    os.kill(pid, signal.SIGKILL)  # type: ignore[arg-type]
                proc.kill()

        threads = [
            threading.Thread(target=read_stderr, daemon=True),
            threading.Thread(target=sample_rss, daemon=True),
            threading.Thread(target=kill_on_timeout, daemon=True),
        ]
        for thread in threads:
            thread.start()
        proc.wait()
        outer_wall = time.monotonic() - started
        done.set()
        for thread in threads:
            thread.join(timeout=10)

    launch = json.loads(launch_file.read_text()) if launch_file.exists() else {}
    returncode = proc.returncode
    summary = json.loads(summary_file.read_text()) if summary_file.exists() else None
    if summary is None and not expects_summary and returncode == 0:
        summary = {}
    result = RunResult(
        label=label,
        script=script,
        args=list(argv[1:]),
        returncode=returncode,
        wall_s=float(launch.get("wall_s", outer_wall)),
        max_rss_kib=int(launch.get("max_rss_kib", 0)),
        cpu_user_s=float(launch.get("cpu_user_s", 0.0)),
        cpu_sys_s=float(launch.get("cpu_sys_s", 0.0)),
        markers=dict(markers),
        stage_peak_rss_kib=_stage_peaks(samples, markers, outer_wall),
        summary=summary,
        log_dir=str(log_dir),
        stdout=stdout_path.read_text()[-4000:],
    )
    if not result.ok:
        tail = stdout_path.read_text()[-2000:] + stderr_path.read_text()[-4000:]
        result.output_tail = tail
    return result


def tree_bytes(path: Path) -> int:
    """Bytes of the files under `path` (0 when absent)."""
    if path.is_file():
        return path.stat().st_size
    total = 0
    for root, _, files in os.walk(path):
        for name in files:
            with contextlib.suppress(OSError):
                total += (Path(root) / name).stat().st_size
    return total


def _vm_rss(status: Path) -> int | None:
    try:
        for line in status.read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    except (OSError, ValueError, IndexError):
        return None
    return None


def _stage_peaks(
    samples: list[tuple[float, int]], markers: dict[str, float], wall: float
) -> dict[str, int]:
    """The highest sampled RSS inside each stage's window (startup: before extract)."""
    bounds = [0.0] + [markers.get(s, float("nan")) for s in STAGES[1:]] + [wall]
    peaks: dict[str, int] = {}
    for index, stage in enumerate(STAGES):
        low, high = bounds[index], bounds[index + 1]
        if low != low or high != high:  # a missing marker (NaN): the stage did not run
            continue
        inside = [kib for t, kib in samples if low <= t < high]
        if inside:
            peaks[stage] = max(inside)
    return peaks
