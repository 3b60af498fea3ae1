"""What the test suites share: the workspace a CLI test runs the pipelines in
(`tests.support.workspace`, over `sandbox.environment`), the sandbox's truth and its comparisons
with a warehouse (DuckDB or BigQuery: `*_truth`, `truth`), a fake GCP service account and a
headless browser."""
