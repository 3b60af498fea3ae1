"""A small launcher between the benchmark and the pipeline it measures:
`python -I -S bench/launch.py RESULT_FILE PROGRAM ARGS...`.

Why: Linux carries a parent's memory high-water mark into a child it spawns (the address space
the child had before `exec` counts towards its `ru_maxrss`), so the children of the benchmark,
which holds the sandbox's data, would all report at least the benchmark's own size. Spawned
from this launcher, which stays a few MiB, the pipeline's `ru_maxrss` is its own.

Writes `RESULT_FILE.pid` (the pipeline's pid) as soon as it runs, then `RESULT_FILE` (JSON:
wall seconds around the pipeline, wait status, rusage) when it ends; exits with its code.
Standard only, no imports beyond the interpreter's core.
"""

import json
import os
import sys
import time


def main() -> int:
    result_file, program = sys.argv[1], sys.argv[2:]
    started = time.monotonic()
    pid = os.posix_spawn(program[0], program, os.environ)
    with open(result_file + ".pid", "w") as f:
        f.write(str(pid))
    _, status, usage = os.wait4(pid, 0)
    wall = time.monotonic() - started
    with open(result_file, "w") as f:
        json.dump(
            {
                "pid": pid,
                "wall_s": wall,
                "status": status,
                "max_rss_kib": usage.ru_maxrss,
                "cpu_user_s": usage.ru_utime,
                "cpu_sys_s": usage.ru_stime,
                "launcher_max_rss_kib": _own_peak(),
            },
            f,
        )
    return os.waitstatus_to_exitcode(status)


def _own_peak() -> int:
    import resource

    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss


if __name__ == "__main__":
    sys.exit(main())
