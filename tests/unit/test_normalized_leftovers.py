"""A kill between normalize's commit (rename to load/normalized) and its cleanup."""

from __future__ import annotations

from pathlib import Path
from types import SimpleNamespace

from pipelines.packages import drop_normalized_leftovers


def _package(root: Path, *parts: str) -> Path:
    path = root.joinpath(*parts)
    path.mkdir(parents=True)
    (path / "data.jsonl").write_text("{}\n")
    return path


def test_the_extracted_copy_of_a_normalized_package_goes_and_the_committed_copy_stays(
    tmp_path: Path,
) -> None:
    committed = _package(tmp_path, "load", "normalized", "111.1")
    extracted = _package(tmp_path, "normalize", "extracted", "111.1")
    half_written = _package(tmp_path, "load", "new", "111.1")
    waiting = _package(tmp_path, "normalize", "extracted", "222.2")

    cleaned = drop_normalized_leftovers(SimpleNamespace(working_dir=str(tmp_path)))

    assert cleaned == ["111.1"]
    assert committed.is_dir() and (committed / "data.jsonl").exists()
    assert not extracted.exists()
    assert not half_written.exists()
    assert waiting.is_dir(), "a package not yet normalized is still to be normalized"


def test_nothing_to_clean_in_a_fresh_working_dir(tmp_path: Path) -> None:
    assert drop_normalized_leftovers(SimpleNamespace(working_dir=str(tmp_path))) == []
