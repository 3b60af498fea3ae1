"""`python -m bench`: benchmarks of the pipelines against the local sandbox.

Per company size (default `small` and `large`) and simulated API latency (default 0 and
100 ms), a fresh sandbox runs in this process (real HTTP on 127.0.0.1) and the pipelines run as
subprocesses exactly as users run them (`python pipelines/<source>.py --no-dbt`), both sources
loading one DuckDB file, each with its own dlt data dir; at the lowest latency `python
pipelines/transform.py` then builds the dbt models on that file, and the lower bound (the same
rows straight into DuckDB, `bench/direct.py`) and the gap experiment (`bench/gap.py`) run. Every
run is measured from the outside (wall clock, the child's peak RSS and CPU, RSS sampled per
stage) and from its own run summary (`PIPELINES_SUMMARY_FILE`: rows, stage seconds, API
counters); requests are counted on the sandbox's request log and set beside the theoretical
minimum. The figures go to stdout as they come and to a Markdown report (`bench/REPORT.md`)
with the targets of issues 6 and 17, their verdicts and explanations.

Nothing here asserts a time: times are reported, never checked.
"""
