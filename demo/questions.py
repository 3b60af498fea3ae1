"""The demo's questions: the analyses in `dbt/analyses/demo_q*.sql` (each file's first line,
a `-- ` comment, is its title), compiled against the manifest the dbt build wrote: each
`ref('model')` becomes the model's `dataset.table`, so the SQL the demo prints runs as it is
in DuckDB on the warehouse file."""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

import jinja2

from demo.console import DemoError
from pipelines.paths import REPO_ROOT

ANALYSES_DIR = REPO_ROOT / "dbt" / "analyses"


class QuestionError(DemoError):
    """An analysis could not be compiled (a missing manifest or an unknown model)."""


@dataclass(frozen=True)
class Question:
    title: str
    sql: str


def load(manifest_file: Path) -> list[Question]:
    """Every demo analysis, in file-name order, compiled with the manifest's relations."""
    relations = _relations(manifest_file)

    def ref(name: str) -> str:
        if name not in relations:
            raise QuestionError(f"an analysis refers to `{name}`, which the dbt project lacks")
        return relations[name]

    env = jinja2.Environment(undefined=jinja2.StrictUndefined, keep_trailing_newline=True)
    questions = []
    for path in sorted(ANALYSES_DIR.glob("demo_q*.sql")):
        first, _, body = path.read_text().partition("\n")
        if not first.startswith("-- "):
            raise QuestionError(f"{path.name}: its first line must be `-- <the question>`")
        sql = env.from_string(body).render(ref=ref)
        questions.append(Question(first.removeprefix("-- ").strip(), sql))
    return questions


def _relations(manifest_file: Path) -> dict[str, str]:
    """Model and seed name -> `schema.alias`, from dbt's manifest."""
    try:
        manifest = json.loads(manifest_file.read_text())
    except (OSError, ValueError) as exc:
        raise QuestionError(f"cannot read dbt's manifest {manifest_file}: {exc}") from exc
    return {
        node["name"]: f"{node['schema']}.{node.get('alias') or node['name']}"
        for node in manifest.get("nodes", {}).values()
        if node.get("resource_type") in ("model", "seed")
    }
