"""The dlt resources of deployments (see `deployments.py` for what each kind reads): per
repository one resource for its deployments (and their statuses) and one for its default
branch's commits. Cursors live in dlt resource state, so a failed run moves none.

Resumable: a run stopped by a spent budget or `--max-duration` keeps what it yielded (merged on
the id, so a row read again is not doubled) and moves no cursor for the read it did not finish;
that resource keeps a resume position until a run completes it, and the next run reads it again
from the cursor."""

from __future__ import annotations

from collections.abc import Callable, Iterator, MutableMapping
from typing import Any

import dlt
from dlt.sources import DltResource
from dlt.sources.helpers.requests import Session

from pipelines.sources.github.deployments import (
    COMMIT_COLUMNS,
    DEPLOYMENT_COLUMNS,
    FINAL_STATES,
    STATUS_COLUMNS,
    DeploymentsSetting,
    GitHubReader,
    commit_row,
    deployment_row,
    release_row,
    run_row,
    status_row,
)
from pipelines.sources.github.plan import RunPlan, mark_loaded, wait_for_backfill
from pipelines.sources.overlap import OVERLAP_SECONDS, Fingerprints, before
from pipelines.sources.run_budget import ResumePosition, RunStopped, current

STATUS_HINTS = dlt.mark.make_hints(
    table_name="raw_deployment_statuses",
    primary_key="id",
    write_disposition="merge",
    columns=STATUS_COLUMNS,
    file_format="parquet",  # a table variant does not inherit the run's loader_file_format
)


def _slug(repo: str) -> str:
    return repo.replace("/", "__").replace("-", "_").replace(".", "_").lower()


def _newer(items: list[dict[str, Any]], field: str, cursor: str | None) -> tuple[list, bool]:
    """The items at or after `cursor` (ISO text compares in time order) and whether the
    listing (newest first) went past it."""
    if cursor is None:
        return items, False
    kept = [i for i in items if (i.get(field) or "") >= cursor]
    return kept, len(kept) < len(items)


def _window(
    state: MutableMapping[str, Any],
    field: str,
    since: str,
    overlap: float,
    key: str = "id",
) -> tuple[str, Fingerprints]:
    """(where a read starts: `overlap` seconds before the cursor in `state[field]`, or `since`
    without one; the fingerprints of the rows loaded in that overlap)."""
    cursor: str | None = state.get(field)
    state.pop("ids_at_cursor", None)  # the fingerprints replace the ids of earlier versions
    state.pop("shas_at_cursor", None)
    loaded = Fingerprints(state, overlap, key=lambda r: r[key], changed=lambda r: r.get(field))
    return before(cursor, overlap) if cursor else since, loaded


def _advance(
    state: MutableMapping[str, Any],
    field: str,
    rows: list[dict[str, Any]],
    loaded: Fingerprints,
) -> None:
    """Move `state[field]` to the newest of `rows` (never back) and keep the fingerprints."""
    stamps = [r[field] for r in rows if r.get(field)]
    if stamps:
        state[field] = max([state.get(field) or "", *stamps])
    loaded.commit(state.get(field))


def read_deployments(
    reader: GitHubReader, state: dict[str, Any], since: str, overlap: float
) -> Iterator[Any]:
    """New deployments (newest first until `overlap` before the newest known one) and the
    statuses of new and still unfinished ones."""
    lower, loaded = _window(state, "created_at", since, overlap)
    unsettled: dict[str, str] = state.setdefault("unsettled", {})
    fresh: list[dict[str, Any]] = []
    for page in reader.pages("deployments", "deployments", {}):
        kept, past = _newer(page, "created_at", lower)
        fresh += loaded.fresh(deployment_row(reader.repo, d) for d in kept)
        if past:
            break
    if fresh:
        yield fresh
    wanted = {str(d["id"]): d["created_at"] for d in fresh} | dict(unsettled)
    for deployment_id in sorted(wanted, key=int):
        statuses = [
            status_row(reader.repo, int(deployment_id), s)
            for page in reader.pages(
                f"deployments/{deployment_id}/statuses", "deployment statuses", {}
            )
            for s in page
        ]
        if statuses:
            yield dlt.mark.with_hints(statuses, STATUS_HINTS, create_table_variant=True)
        if any(s["state"] in FINAL_STATES for s in statuses):
            unsettled.pop(deployment_id, None)
        else:
            unsettled[deployment_id] = wanted[deployment_id]
    _advance(state, "created_at", fresh, loaded)


def read_workflow_runs(
    reader: GitHubReader,
    state: dict[str, Any],
    since: str,
    workflow: str,
    overlap: float = OVERLAP_SECONDS,
) -> Iterator[Any]:
    """Successful runs of `workflow` on the default branch created at or after `overlap`
    before the cursor."""
    branch = state.get("default_branch")
    if branch is None:
        branch = reader.get("", "repository").json().get("default_branch") or "main"
        state["default_branch"] = branch
    lower, loaded = _window(state, "created_at", since, overlap)
    params = {"branch": branch, "status": "success", "created": f">={lower}"}
    path = f"actions/workflows/{workflow}/runs"
    pages = reader.pages(path, "workflow runs", params, "workflow_runs")
    runs = loaded.fresh(run_row(reader.repo, run) for page in pages for run in page)
    if runs:
        yield runs
    _advance(state, "created_at", runs, loaded)


def read_releases(
    reader: GitHubReader, state: dict[str, Any], since: str, overlap: float
) -> Iterator[Any]:
    """Published releases (newest first) created at or after `overlap` before the cursor."""
    lower, loaded = _window(state, "created_at", since, overlap)
    fresh: list[dict[str, Any]] = []
    for page in reader.pages("releases", "releases", {}):
        kept, past = _newer(page, "created_at", lower)
        published = [r for r in kept if not r.get("draft") and r.get("published_at")]
        fresh += loaded.fresh(release_row(reader.repo, r) for r in published)
        if past:
            break
    if fresh:
        yield fresh
    _advance(state, "created_at", fresh, loaded)


def resumable(
    name: str,
    what: str,
    repo: str,
    read: Callable[[MutableMapping[str, Any]], Iterator[Any]],
    pending: RunPlan | None = None,
) -> Iterator[Any]:
    """Run `read(state)`; a `RunStopped` ends it quietly, keeping a resume position (the read
    moves its cursor only after its last item, so a stopped read moved none)."""
    state = dlt.current.resource_state()
    if wait_for_backfill(pending, state, name):
        return
    budget, resume, key = current(), ResumePosition(state), f"github:{name}"
    try:
        yield from read(state)
    except RunStopped:
        budget.progress(key, 0, None, f"{what} (read again from the cursor)", repo)
        resume.save({"repo": repo}, {}, full_refresh=bool(pending and pending.full_refresh))
        return
    budget.finished(key)
    resume.clear()
    mark_loaded(state)


def deployment_resources(
    session: Session,
    base_url: str,
    repo: str,
    setting: DeploymentsSetting,
    since: str,
    page_size: int = 100,
    pending: RunPlan | None = None,
    overlap_seconds: int = OVERLAP_SECONDS,
) -> list[DltResource]:
    """The deployments and default-branch commits resources of one repository (`owner/name`);
    `since` (ISO) bounds a first load; each read starts `overlap_seconds` before its cursor."""
    reader = GitHubReader(session, base_url, repo, page_size)
    slug = _slug(repo)

    @dlt.resource(
        name=f"deployments__{slug}",
        table_name="raw_deployments",
        primary_key="id",
        write_disposition="merge",
        columns=DEPLOYMENT_COLUMNS,
        parallelized=True,  # read beside the other repositories' resources
    )
    def deployments() -> Iterator[Any]:
        yield from resumable(f"deployments__{slug}", "deployments", repo, read_kind, pending)

    def read_kind(state: MutableMapping[str, Any]) -> Iterator[Any]:
        if setting.kind == "deployments":
            yield from read_deployments(reader, state, since, overlap_seconds)
        elif setting.kind == "workflow":
            assert setting.workflow is not None
            yield from read_workflow_runs(reader, state, since, setting.workflow, overlap_seconds)
        else:
            yield from read_releases(reader, state, since, overlap_seconds)

    @dlt.resource(
        name=f"commits__{slug}",
        table_name="raw_commits",
        primary_key="sha",
        write_disposition="merge",
        columns=COMMIT_COLUMNS,
        parallelized=True,  # read beside the other repositories' resources
    )
    def commits() -> Iterator[Any]:
        yield from resumable(
            f"commits__{slug}", "default-branch commits", repo, read_commits, pending
        )

    def read_commits(state: MutableMapping[str, Any]) -> Iterator[Any]:
        lower, loaded = _window(state, "committed_at", since, overlap_seconds, key="sha")
        pages = reader.pages("commits", "default-branch commits", {"since": lower})
        rows = loaded.fresh(commit_row(repo, c) for page in pages for c in page)
        if rows:
            yield rows
        _advance(state, "committed_at", rows, loaded)

    return [deployments, commits]
