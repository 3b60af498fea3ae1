# The verbs of this project. `make help` lists them. Every target that runs Python depends on
# `install`, so a fresh clone needs nothing but Python 3.11 and pip.

SHELL := /bin/bash
.DEFAULT_GOAL := help

PYTHON ?= python3
UV := $(shell command -v uv 2>/dev/null || echo "$(PYTHON) -m uv")
export UV_PYTHON_DOWNLOADS := never
export UV_PYTHON_PREFERENCE := only-system
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed

DBT := $(VENV)/bin/dbt
DBT_ARGS := --project-dir dbt --profiles-dir dbt
DESTINATION ?= duckdb
# dbt and both pipelines share one DuckDB file (an absolute path: dbt runs from dbt/).
export DESTINATION__DUCKDB__CREDENTIALS ?= $(CURDIR)/warehouse.duckdb


.PHONY: help install test test-fast test-crash bq-emulator lint format run sync sync-linear sync-github bench demo report clean \
	dbt dbt-run dbt-test dbt-compile dbt-docs dbt-docs-serve dbt-debug dbt-clean

help: ## List the targets
	@grep -hE '^[a-zA-Z_-]+:.*## ' $(MAKEFILE_LIST) | \
		awk 'BEGIN {FS = ":.*## "}; {printf "  make %-16s %s\n", $$1, $$2}'

install: $(STAMP) ## Create or update .venv/ from uv.lock (bootstraps uv with pip if missing)

# --compile-bytecode: where PYTHONDONTWRITEBYTECODE is set (this machine's image sets it), no
# import would ever cache its bytecode, and every run would compile dlt, dbt and duckdb's Python
# from source again (~7 s of CPU per process); compiled once at install, they load in ~1 s.

$(STAMP): pyproject.toml uv.lock
	@$(UV) --version >/dev/null 2>&1 || $(PYTHON) -m pip install --quiet uv
	$(UV) sync --frozen --compile-bytecode --python $(PYTHON)
	@touch $(STAMP)

test: install ## Run the whole test suite (what CI runs), on 3 workers (tests wait on I/O as much as CPU)
	$(PY) -m pytest -n 3 --dist loadgroup

test-fast: install ## The fast tier: pure-logic unit tests (tests/unit), no sandbox or dbt
	$(PY) -m pytest -n 0 -q tests/unit

test-crash: install ## The full crash-safety sweep (SIGKILL at random points, many seeds) and resume variants
	$(PY) -m pytest -m slow tests/e2e/test_crash_safety.py tests/e2e/test_resume_linear.py tests/e2e/test_resume_github.py

.PHONY: browser
browser: ## Install Debian's chromium for the report's browser test (without it the test skips)
	@if command -v chromium >/dev/null 2>&1; then \
		echo "chromium: $$(command -v chromium)"; \
	elif ! command -v apt-get >/dev/null 2>&1; then \
		echo "no chromium and no apt-get here: the report's browser test will be skipped"; \
	else \
		sudo=""; [ "$$(id -u)" = 0 ] || sudo="sudo -n"; \
		{ $$sudo apt-get update -qq && \
		  DEBIAN_FRONTEND=noninteractive $$sudo apt-get install -y -qq chromium >/dev/null; } || \
		echo "chromium could not be installed: the report's browser test will be skipped"; \
	fi

bq-emulator: ## Prepare the local BigQuery emulator's own venv (.bqemulator-venv/; PyPI only)
	PYTHON=$(PYTHON) bash tools/bqemulator/setup.sh

lint: install ## ruff check and format check
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

format: install ## Apply ruff's fixes and formatting
	$(VENV)/bin/ruff check --fix .
	$(VENV)/bin/ruff format .

run: sync ## Both syncs, then a full dbt build (DESTINATION=bigquery for production)
	$(PY) pipelines/transform.py --destination $(DESTINATION)

sync: sync-linear sync-github ## Load every source, no dbt

sync-linear: install ## Load Linear only, no dbt
	$(PY) pipelines/linear.py --no-dbt --destination $(DESTINATION)

sync-github: install ## Load GitHub only, no dbt
	$(PY) pipelines/github.py --no-dbt --destination $(DESTINATION)

dbt: install ## dbt build: seeds, models, tests (local DuckDB file)
	$(DBT) build $(DBT_ARGS)

dbt-run: install ## dbt run: build the models only
	$(DBT) run $(DBT_ARGS)

dbt-test: install ## dbt test: data tests, unit tests and source freshness
	$(DBT) test $(DBT_ARGS)
	$(DBT) source freshness $(DBT_ARGS)

dbt-compile: install ## dbt compile: render the SQL into dbt/target/compiled
	$(DBT) compile $(DBT_ARGS)

dbt-docs: install ## Generate the dbt docs site into dbt/target
	$(DBT) docs generate $(DBT_ARGS)

dbt-docs-serve: dbt-docs ## Serve the dbt docs on http://localhost:8080
	$(DBT) docs serve $(DBT_ARGS) --port 8080 --no-browser

dbt-debug: install ## Check the dbt profile and the connection
	$(DBT) debug $(DBT_ARGS)

dbt-clean: install ## Remove dbt/target and dbt/logs
	$(DBT) clean $(DBT_ARGS)

bench: install ## Benchmarks against the sandbox: prints figures, writes bench/REPORT.md
	$(PY) -m bench

demo: install ## Sandbox APIs -> both syncs -> dbt into the local DuckDB file, then a summary
	$(PY) -m demo

report: install ## Write the engineering-metrics report (report.html) from the marts
	$(PY) pipelines/report.py --destination $(DESTINATION)

clean: ## Remove caches (keeps .venv and the warehouse)
	rm -rf .pytest_cache .ruff_cache dbt/target dbt/logs
