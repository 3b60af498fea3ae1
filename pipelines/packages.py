"""Repairs of dlt's local load packages that a killed run can leave half-moved."""

from __future__ import annotations

import logging
from pathlib import Path

import dlt
from dlt.common.storages import LoadStorage, PackageStorage

log = logging.getLogger("pipelines")


def archive_completed_packages(pipeline: dlt.Pipeline) -> list[str]:
    """Move packages that dlt marked completed but was killed before archiving into `loaded/`.

    dlt's load writes the package's completed marker (after recording the load in
    `_dlt_loads`) and then renames the package folder from `normalized/` to `loaded/`. A kill
    between the two leaves a loaded package among the pending ones, and the next `load()`
    refuses it with `LoadPackageAlreadyCompleted`. Its data is already in the destination, so
    finishing the rename is the whole repair. Returns the load ids moved.
    """
    load_dir = Path(pipeline.working_dir) / "load"
    normalized = load_dir / LoadStorage.NORMALIZED_FOLDER
    loaded = load_dir / LoadStorage.LOADED_FOLDER
    moved: list[str] = []
    if not normalized.is_dir():
        return moved
    for package in sorted(normalized.iterdir()):
        if not (package / PackageStorage.PACKAGE_COMPLETED_FILE_NAME).is_file():
            continue
        loaded.mkdir(parents=True, exist_ok=True)
        package.rename(loaded / package.name)
        moved.append(package.name)
        log.warning("load package %s was loaded but not archived; archived it now", package.name)
    return moved
