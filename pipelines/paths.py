"""Where things live."""

from __future__ import annotations

from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parents[1]
DEFAULT_DUCKDB_FILE = REPO_ROOT / "warehouse.duckdb"
