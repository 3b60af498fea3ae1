"""What the Linear sandbox serves: its entities, their fields, relations, filters and sorts.

One source of truth for the data (`truth()` shapes), the resolvers and the SDL generator
(`make_schema.py`), so adding a field means adding it here and regenerating the SDL.
"""

from __future__ import annotations

#: Query root connection field -> GraphQL object type.
ENTITY_TYPES: dict[str, str] = {
    "issues": "Issue",
    "users": "User",
    "teams": "Team",
    "workflowStates": "WorkflowState",
    "cycles": "Cycle",
    "projects": "Project",
    "issueLabels": "IssueLabel",
    "comments": "Comment",
    "attachments": "Attachment",
}
ENTITIES: tuple[str, ...] = tuple(ENTITY_TYPES)

#: Query root field for one entity by id -> entity.
SINGLE_FIELDS: dict[str, str] = {
    "issue": "issues",
    "user": "users",
    "team": "teams",
    "workflowState": "workflowStates",
    "cycle": "cycles",
    "project": "projects",
    "issueLabel": "issueLabels",
}

#: Scalar (leaf) fields served per entity, in wire form.
SCALAR_FIELDS: dict[str, tuple[str, ...]] = {
    "issues": (
        "id",
        "identifier",
        "number",
        "title",
        "description",
        "priority",
        "priorityLabel",
        "estimate",
        "url",
        "branchName",
        "dueDate",
        "createdAt",
        "updatedAt",
        "archivedAt",
        "startedAt",
        "completedAt",
        "canceledAt",
        "autoClosedAt",
        "autoArchivedAt",
        "triagedAt",
        "trashed",
        "labelIds",
        "previousIdentifiers",
    ),
    "users": (
        "id",
        "name",
        "displayName",
        "email",
        "active",
        "admin",
        "guest",
        "gitHubUserId",
        "timezone",
        "createdAt",
        "updatedAt",
        "archivedAt",
        "url",
    ),
    "teams": (
        "id",
        "key",
        "name",
        "description",
        "private",
        "timezone",
        "cyclesEnabled",
        "createdAt",
        "updatedAt",
        "archivedAt",
    ),
    "workflowStates": (
        "id",
        "name",
        "type",
        "color",
        "position",
        "description",
        "createdAt",
        "updatedAt",
        "archivedAt",
    ),
    "cycles": (
        "id",
        "number",
        "name",
        "description",
        "startsAt",
        "endsAt",
        "completedAt",
        "createdAt",
        "updatedAt",
        "archivedAt",
    ),
    "projects": (
        "id",
        "name",
        "description",
        "slugId",
        "url",
        "priority",
        "state",
        "startDate",
        "targetDate",
        "startedAt",
        "completedAt",
        "canceledAt",
        "createdAt",
        "updatedAt",
        "archivedAt",
    ),
    "issueLabels": (
        "id",
        "name",
        "description",
        "color",
        "isGroup",
        "createdAt",
        "updatedAt",
        "archivedAt",
    ),
    "comments": ("id", "body", "url", "createdAt", "updatedAt", "archivedAt", "editedAt"),
    "attachments": (
        "id",
        "title",
        "subtitle",
        "url",
        "sourceType",
        "metadata",
        "createdAt",
        "updatedAt",
        "archivedAt",
    ),
}

#: Object relations per entity: field -> related entity (served as `{"id": ...}` in truth).
RELATIONS: dict[str, dict[str, str]] = {
    "issues": {
        "team": "teams",
        "state": "workflowStates",
        "assignee": "users",
        "creator": "users",
        "cycle": "cycles",
        "project": "projects",
        "parent": "issues",
    },
    "users": {},
    "teams": {},
    "workflowStates": {"team": "teams"},
    "cycles": {"team": "teams"},
    "projects": {"lead": "users", "creator": "users"},
    "issueLabels": {"team": "teams", "parent": "issueLabels"},
    "comments": {"issue": "issues", "user": "users", "parent": "comments"},
    "attachments": {"issue": "issues", "creator": "users"},
}

#: Nested connections: (entity, field) -> entity listed.
CONNECTIONS: dict[tuple[str, str], str] = {
    ("issues", "labels"): "issueLabels",
    ("issues", "comments"): "comments",
    ("issues", "children"): "issues",
    ("issueLabels", "children"): "issueLabels",
}

#: Connections of an issue over rows it holds itself (`row[key]`), not over an entity's table:
#: (entity, field) -> (node type, the private row key holding the list).
OWN_CONNECTIONS: dict[tuple[str, str], tuple[str, str]] = {
    ("issues", "stateHistory"): ("IssueStateSpan", "_spans"),
    ("issues", "history"): ("IssueHistory", "_history"),
}

#: Every IssueHistory field a change may set (the others stay null).
HISTORY_CHANGE_FIELDS: tuple[str, ...] = (
    "fromStateId",
    "toStateId",
    "fromAssigneeId",
    "toAssigneeId",
    "fromCycleId",
    "toCycleId",
    "fromProjectId",
    "toProjectId",
    "fromTeamId",
    "toTeamId",
    "fromEstimate",
    "toEstimate",
    "fromPriority",
    "toPriority",
    "addedLabelIds",
    "removedLabelIds",
    "archived",
    "autoArchived",
    "autoClosed",
    "trashed",
    "updatedDescription",
)

#: Fields served by the node types of `OWN_CONNECTIONS` and the objects they reference.
NODE_FIELDS: dict[str, tuple[str, ...]] = {
    "IssueStateSpan": ("id", "stateId", "startedAt", "endedAt"),
    "IssueHistory": (
        *("id", "createdAt", "updatedAt", "archivedAt", "actorId", "botActor"),
        *HISTORY_CHANGE_FIELDS,
    ),
    "ActorBot": ("id", "type", "subType", "name"),
}

#: Filter fields implemented per entity (plus `and`/`or`).
FILTER_FIELDS: dict[str, tuple[str, ...]] = {
    entity: ("id", "createdAt", "updatedAt") for entity in ENTITIES
} | {"issues": ("id", "createdAt", "updatedAt", "archivedAt")}

#: `sort:` input fields implemented, for the entities whose root field publishes `sort`.
SORT_FIELDS: dict[str, tuple[str, ...]] = {
    "issues": ("createdAt", "updatedAt"),
    "users": ("displayName", "name"),
    "projects": ("createdAt", "updatedAt"),
}

#: Timestamp fields kept as epoch milliseconds too (`_<field>` keys), for filters and order.
TIME_KEYS: tuple[str, ...] = ("createdAt", "updatedAt", "archivedAt")

ORGANIZATION_FIELDS: tuple[str, ...] = ("id", "name", "urlKey")


def filter_type(entity: str) -> str:
    """The published filter input type of an entity's connection (e.g. `IssueFilter`)."""
    return f"{ENTITY_TYPES[entity]}Filter"
