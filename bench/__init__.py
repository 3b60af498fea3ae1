"""`python -m bench`: benchmarks of the pipelines against the local sandbox.

The sandbox runs in this process (real HTTP on 127.0.0.1); the pipelines run as subprocesses
exactly as users run them (`python pipelines/<source>.py --no-dbt`), each with its own DuckDB
file and dlt data dir. Every run is measured from the outside (wall clock, the child's peak RSS
and CPU) and from its own run summary (`PIPELINES_SUMMARY_FILE`: rows, stage seconds, API
counters); requests are counted on the sandbox's request log and set beside the theoretical
minimum. The figures go to stdout as they come and to a Markdown report (`bench/REPORT.md`).

Nothing here asserts a time: times are reported, never checked.
"""
