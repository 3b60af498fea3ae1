"""Logging for a run: our log lines and dlt's on stderr, at the level the user chose."""

from __future__ import annotations

import logging
import os
from enum import StrEnum

log = logging.getLogger("pipelines")


class LogLevel(StrEnum):
    debug = "debug"
    info = "info"
    warning = "warning"
    error = "error"


def configure_logging(level: LogLevel) -> None:
    """Our log lines and dlt's at the chosen level, on stderr."""
    # dlt's own INFO lines are per-job chatter: show them only when debugging.
    dlt_level = "DEBUG" if level is LogLevel.debug else max(level.value, "warning", key=_rank)
    os.environ["RUNTIME__LOG_LEVEL"] = dlt_level.upper()
    logging.basicConfig(
        level=level.value.upper(),
        format="%(asctime)s %(levelname)s %(name)s: %(message)s",
        datefmt="%H:%M:%S",
    )
    log.setLevel(level.value.upper())


def _rank(level: str) -> int:
    return logging.getLevelName(level.upper())
