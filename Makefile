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

.PHONY: help install test lint format sync sync-linear bench clean

help: ## List the targets
	@grep -hE '^[a-zA-Z_-]+:.*## ' $(MAKEFILE_LIST) | \
		awk 'BEGIN {FS = ":.*## "}; {printf "  make %-16s %s\n", $$1, $$2}'

install: $(STAMP) ## Create or update .venv/ from uv.lock (bootstraps uv with pip if missing)

$(STAMP): pyproject.toml uv.lock
	@$(UV) --version >/dev/null 2>&1 || $(PYTHON) -m pip install --quiet uv
	$(UV) sync --frozen --python $(PYTHON)
	@touch $(STAMP)

test: install ## Run the whole test suite (what CI runs)
	$(PY) -m pytest

lint: install ## ruff check and format check
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

format: install ## Apply ruff's fixes and formatting
	$(VENV)/bin/ruff check --fix .
	$(VENV)/bin/ruff format .

sync: sync-linear ## Load every source, no dbt

sync-linear: install ## Load Linear only, no dbt
	$(PY) pipelines/linear.py --no-dbt

bench: install ## Benchmarks against the sandbox: prints figures, writes bench/REPORT.md
	$(PY) -m bench

clean: ## Remove caches (keeps .venv and the warehouse)
	rm -rf .pytest_cache .ruff_cache dbt/target dbt/logs
