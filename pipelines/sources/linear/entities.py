"""The Linear entities we sync, each a declaration: what to select, where it lands, how it is
read incrementally. Adding an entity is one more `Entity(...)` here (plus a staging model).

Economy: relations are selected as `{ id }` and label ids as a scalar list, so an issue costs
about 11 complexity points and every entity fits Linear's largest page (250 nodes) well under
the 10,000-point limit per query (issues: ~2,750 points a page).
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any, Literal

from pipelines.sources.arrow_rows import ArrowPages

#: Event-like entities are read from `--since` (first load / backfill) and then by cursor.
#: Reference entities are small and always read whole; only rows that changed are loaded.
Kind = Literal["event", "reference"]


class MalformedRecord(ValueError):
    """A record lacks what merging or the cursor needs (other fields may drift: dlt evolves)."""


# dlt data types by GraphQL scalar, so columns exist (typed) even while all values are null.
TEXT, BIGINT, DOUBLE, BOOL = "text", "bigint", "double", "bool"
TIMESTAMP, DATE = "timestamp", "date"
#: An object kept whole as JSON text (not flattened into columns or child tables; BigQuery
#: cannot load dlt's `json` type from parquet, so the text is what every warehouse gets).
JSON = "json_text"


@dataclass(frozen=True)
class Entity:
    """One Linear collection and how it lands in the warehouse."""

    name: str  # the Query root field, e.g. "issues"
    filter_type: str  # its filter input type, e.g. "IssueFilter"
    kind: Kind
    fields: dict[str, str]  # scalar field -> dlt data type
    relations: tuple[str, ...] = ()  # object fields selected as `{ id }` -> column `<name>__id`
    lists: dict[str, str] = field(default_factory=dict)  # alias -> scalar list field (child table)
    archived_filter: bool = False  # the filter type has `archivedAt` (catches silent archives)
    extra_arguments: str = ""  # extra root-field arguments, e.g. `includeDisabled: true`
    primary_key: str = "id"
    table_name: str = ""  # defaults to raw_<name in snake case>
    #: A first load is read in concurrent `createdAt` windows (`chained_pass.py`): for event
    #: entities large enough that one chain of pages is the longest wait of a first load.
    windowed: bool = False

    def __post_init__(self) -> None:
        if self.windowed and self.kind != "event":
            raise ValueError(f"{self.name}: only event entities are read in createdAt windows")

    @property
    def table(self) -> str:
        return self.table_name or f"raw_{_snake(self.name)}"

    @property
    def selection(self) -> str:
        scalars = list(self.fields)
        relations = [f"{name} {{ id }}" for name in self.relations]
        lists = [f"{alias}: {source}" for alias, source in self.lists.items()]
        return " ".join(scalars + relations + lists)

    def prepare(self, row: dict[str, Any]) -> dict[str, Any]:
        """Check the fields merging and cursors rely on, then flatten relations
        (`{"team": {"id": ..}}` becomes `team__id`, None when unset)."""
        key = row.get(self.primary_key)
        if not isinstance(key, str) or not key:
            raise MalformedRecord(f"a record has no usable `{self.primary_key}` ({key!r})")
        updated = row.get("updatedAt")
        if not isinstance(updated, str) or not updated[:4].isdigit():
            raise MalformedRecord(f"record {key} has no usable `updatedAt` ({updated!r})")
        for relation in self.relations:
            related = row.pop(relation, None)
            row[f"{relation}__id"] = related["id"] if related else None
        for name, data_type in self.fields.items():
            if data_type == JSON and row.get(name) is not None:
                row[name] = json.dumps(row[name], sort_keys=True, separators=(",", ":"))
        return row

    def pages(self, rows: Iterable[list[dict[str, Any]]]) -> Iterator[Any]:
        """The API's pages of prepared rows as the resource yields them: gathered into Arrow
        tables typed by the declaration (dlt skips its row-wise normalizer) of `ArrowPages`'
        size (dlt's per-item schema work costs more than writing a 250-row page); a page with
        a value that does not fit its type stays dicts (dlt evolves the table). An entity with
        lists is yielded as the API's pages of dicts: dlt unnests the lists into the child
        tables `raw_<entity>__<list>`."""
        if self.lists:
            yield from rows
            return
        gathered = ArrowPages({self.table: (self.declared, (self.primary_key,))})
        for page in rows:
            yield from gathered.add(self.table, page)
        yield from gathered.flush()  # a stopped read too: what it read is kept

    @property
    def declared(self) -> dict[str, str]:
        """Every column's declared type: the fields, and the relations' ids as text."""
        declared = dict(self.fields)
        declared.update({f"{relation}__id": TEXT for relation in self.relations})
        return declared

    @property
    def columns(self) -> dict[str, dict[str, object]]:
        """dlt column hints: every declared field typed, relation ids as text."""
        hints: dict[str, dict[str, object]] = {
            name: {
                "data_type": TEXT if data_type == JSON else data_type,
                "nullable": name != self.primary_key,
            }
            for name, data_type in self.fields.items()
        }
        for relation in self.relations:
            hints[f"{relation}__id"] = {"data_type": TEXT, "nullable": True}
        hints["updatedAt"]["dedup_sort"] = "desc"
        if self.kind == "event":
            # BigQuery: clustering on the merge key lets the merge's delete prune blocks.
            hints[self.primary_key]["cluster"] = True
        return hints


def _snake(name: str) -> str:
    out = "".join(f"_{c.lower()}" if c.isupper() else c for c in name)
    return out.lstrip("_")


_TIMESTAMPS = {"createdAt": TIMESTAMP, "updatedAt": TIMESTAMP, "archivedAt": TIMESTAMP}

ISSUES = Entity(
    name="issues",
    filter_type="IssueFilter",
    kind="event",
    fields={
        "id": TEXT,
        "identifier": TEXT,
        "number": DOUBLE,
        "title": TEXT,
        "priority": DOUBLE,
        "priorityLabel": TEXT,
        "estimate": DOUBLE,
        "url": TEXT,
        "branchName": TEXT,
        "dueDate": DATE,
        "trashed": BOOL,
        **_TIMESTAMPS,
        "startedAt": TIMESTAMP,
        "completedAt": TIMESTAMP,
        "canceledAt": TIMESTAMP,
        "triagedAt": TIMESTAMP,
        "autoClosedAt": TIMESTAMP,
        "autoArchivedAt": TIMESTAMP,
    },
    relations=("team", "state", "assignee", "creator", "cycle", "project", "parent"),
    lists={"labels": "labelIds", "previous_identifiers": "previousIdentifiers"},
    archived_filter=True,
    windowed=True,  # 200 pages at 50,000 issues
)

COMMENTS = Entity(
    name="comments",
    filter_type="CommentFilter",
    kind="event",
    fields={"id": TEXT, "url": TEXT, **_TIMESTAMPS, "editedAt": TIMESTAMP},
    relations=("issue", "user", "parent"),
    windowed=True,  # the longest chain of a first load: 400 pages at 100,000 comments
)

USERS = Entity(
    name="users",
    filter_type="UserFilter",
    kind="reference",
    fields={
        "id": TEXT,
        "name": TEXT,
        "displayName": TEXT,
        "email": TEXT,
        "active": BOOL,
        "admin": BOOL,
        "guest": BOOL,
        "gitHubUserId": TEXT,
        "timezone": TEXT,
        "url": TEXT,
        **_TIMESTAMPS,
    },
    extra_arguments="includeDisabled: true",
)

TEAMS = Entity(
    name="teams",
    filter_type="TeamFilter",
    kind="reference",
    fields={
        "id": TEXT,
        "key": TEXT,
        "name": TEXT,
        "description": TEXT,
        "timezone": TEXT,
        "cyclesEnabled": BOOL,
        **_TIMESTAMPS,
    },
)

WORKFLOW_STATES = Entity(
    name="workflowStates",
    filter_type="WorkflowStateFilter",
    kind="reference",
    fields={
        "id": TEXT,
        "name": TEXT,
        "type": TEXT,
        "color": TEXT,
        "position": DOUBLE,
        "description": TEXT,
        **_TIMESTAMPS,
    },
    relations=("team",),
)

CYCLES = Entity(
    name="cycles",
    filter_type="CycleFilter",
    kind="reference",
    fields={
        "id": TEXT,
        "number": DOUBLE,
        "name": TEXT,
        "description": TEXT,
        "startsAt": TIMESTAMP,
        "endsAt": TIMESTAMP,
        "completedAt": TIMESTAMP,
        **_TIMESTAMPS,
    },
    relations=("team",),
)

PROJECTS = Entity(
    name="projects",
    filter_type="ProjectFilter",
    kind="reference",
    fields={
        "id": TEXT,
        "name": TEXT,
        "description": TEXT,
        "slugId": TEXT,
        "url": TEXT,
        "priority": BIGINT,
        "startDate": DATE,
        "targetDate": DATE,
        "startedAt": TIMESTAMP,
        "completedAt": TIMESTAMP,
        "canceledAt": TIMESTAMP,
        **_TIMESTAMPS,
    },
    relations=("lead", "creator"),
)

LABELS = Entity(
    name="issueLabels",
    filter_type="IssueLabelFilter",
    kind="reference",
    fields={
        "id": TEXT,
        "name": TEXT,
        "description": TEXT,
        "color": TEXT,
        "isGroup": BOOL,
        **_TIMESTAMPS,
    },
    relations=("team", "parent"),
    table_name="raw_labels",
)

#: Linear's record of links to other tools (its GitHub integration attaches pull requests).
#: `AttachmentFilter` has no `archivedAt`: archived ones are read through `includeArchived`.
#: Not `windowed`: a few per issue at most (pull-request links), a first load of them is a few
#: pages, well inside the issues' chains; windows would add up to `max_concurrency - 1` partly
#: filled pages and shorten nothing.
ATTACHMENTS = Entity(
    name="attachments",
    filter_type="AttachmentFilter",
    kind="event",
    fields={
        "id": TEXT,
        "title": TEXT,
        "subtitle": TEXT,
        "url": TEXT,
        "sourceType": TEXT,
        "metadata": JSON,
        **_TIMESTAMPS,
    },
    relations=("issue", "creator"),
)

ENTITIES: tuple[Entity, ...] = (
    USERS,
    TEAMS,
    WORKFLOW_STATES,
    CYCLES,
    PROJECTS,
    LABELS,
    ISSUES,
    COMMENTS,
    ATTACHMENTS,
)
