"""The demo's questions: dbt/analyses/demo_q*.sql compiled against a manifest's relations."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from demo import questions
from pipelines.paths import REPO_ROOT

MODELS = REPO_ROOT / "dbt" / "models"


def _manifest(tmp_path: Path, names: dict[str, str]) -> Path:
    """A manifest of dbt's shape: a model node per name -> schema."""
    nodes = {
        f"model.engineering_data.{name}": {
            "name": name,
            "resource_type": "model",
            "schema": schema,
            "alias": name,
        }
        for name, schema in names.items()
    }
    path = tmp_path / "manifest.json"
    path.write_text(json.dumps({"nodes": nodes}))
    return path


def _every_model(tmp_path: Path) -> Path:
    schema = {"github": "github"}
    names = {p.stem: schema.get(p.parent.name, "linear") for p in MODELS.rglob("*.sql")}
    names["fct_pull_requests"] = "github"
    return _manifest(tmp_path, names)


def test_every_analysis_compiles_to_dataset_qualified_tables(tmp_path: Path) -> None:
    asked = questions.load(_every_model(tmp_path))
    assert len(asked) == len(list(questions.ANALYSES_DIR.glob("demo_q*.sql"))) >= 6
    for question in asked:
        assert question.title and not question.title.startswith("--")
        assert "{{" not in question.sql and "ref(" not in question.sql, question.sql
        assert re.search(r"\bfrom (linear|github)\.\w+", question.sql), question.sql
    titles = [q.title for q in asked]
    assert titles[0].startswith("How long do pull requests wait for their first review?")
    assert any(t.startswith("DORA for the last 12 weeks") for t in titles)
    assert "from github.fct_pull_requests" in asked[0].sql


def test_an_analysis_naming_an_unknown_model_fails_naming_it(tmp_path: Path) -> None:
    manifest = _manifest(tmp_path, {"fct_issues": "linear"})
    with pytest.raises(questions.QuestionError, match="refers to `fct_pull_requests`"):
        questions.load(manifest)


def test_a_missing_manifest_says_which_file(tmp_path: Path) -> None:
    with pytest.raises(questions.QuestionError, match=r"manifest\.json"):
        questions.load(tmp_path / "manifest.json")
