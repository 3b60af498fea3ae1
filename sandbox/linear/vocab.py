"""Words the synthetic Linear workspace is made of: teams, states, labels, titles, text."""

from __future__ import annotations

import random
import re
from collections.abc import Sequence
from typing import TypeVar

T = TypeVar("T")

ORGANIZATION = ("Acme", "acme")  # name, urlKey

TEAMS = [
    ("ENG", "Engineering"),
    ("DES", "Design"),
    ("OPS", "Operations"),
    ("PLT", "Platform"),
    ("MOB", "Mobile"),
    ("DAT", "Data"),
    ("SEC", "Security"),
    ("QA", "Quality"),
]
TIMEZONES = [
    "America/Los_Angeles",
    "America/New_York",
    "Europe/London",
    "Europe/Berlin",
    "Asia/Tokyo",
]

#: name, type, color; positions follow this order. Two "started" states, as most teams have.
WORKFLOW_STATES = [
    ("Triage", "triage", "#fc7840"),
    ("Backlog", "backlog", "#bec2c8"),
    ("Todo", "unstarted", "#e2e2e2"),
    ("In Progress", "started", "#f2c94c"),
    ("In Review", "started", "#0f783c"),
    ("Done", "completed", "#5e6ad2"),
    ("Canceled", "canceled", "#95a2b3"),
]

PRIORITY_LABELS = ["No priority", "Urgent", "High", "Medium", "Low"]

#: (name, parent group or None, team-scoped); groups come before their children.
LABELS = [
    ("Type", None, False),
    ("Bug", "Type", False),
    ("Feature", "Type", False),
    ("Improvement", "Type", False),
    ("Blocked", None, True),
    ("Security", None, False),
    ("Area", None, False),
    ("Frontend", "Area", False),
    ("Backend", "Area", False),
    ("Performance", None, False),
    ("Needs design", None, True),
    ("Tech debt", None, False),
    ("Infrastructure", "Area", False),
    ("Customer request", None, False),
    ("Regression", None, False),
    ("Docs", None, False),
    ("Quick win", None, True),
    ("Chore", "Type", False),
    ("Accessibility", None, False),
    ("Data", "Area", False),
]
LABEL_GROUPS = {"Type", "Area"}
COLORS = [
    "#eb5757",
    "#f2994a",
    "#f2c94c",
    "#4cb782",
    "#26b5ce",
    "#5e6ad2",
    "#bb87fc",
    "#95a2b3",
]

PROJECT_NAMES = [
    "Billing revamp",
    "Onboarding v2",
    "Search relaunch",
    "SSO for enterprise",
    "Mobile offline",
    "Audit log",
    "Public API v3",
    "Dark mode",
    "Data export",
    "Notification center",
    "Usage analytics",
    "Workspace templates",
    "Performance push",
    "Access controls",
    "Import from Jira",
    "Slack integration",
    "Reporting dashboards",
    "Customer portal",
    "Infra cost cuts",
    "Accessibility audit",
]
PROJECT_STATES = ["backlog", "planned", "started", "paused", "completed", "canceled"]

VERBS = [
    "Fix",
    "Add",
    "Improve",
    "Refactor",
    "Remove",
    "Update",
    "Investigate",
    "Support",
    "Migrate",
    "Document",
    "Speed up",
    "Clean up",
]
OBJECTS = [
    "login redirect",
    "billing page",
    "search index",
    "onboarding emails",
    "API rate limiter",
    "webhook retries",
    "dark mode toggle",
    "CSV export",
    "audit log",
    "SSO settings",
    "notification badges",
    "file uploads",
    "team invites",
    "project timeline",
    "keyboard shortcuts",
    "password reset",
    "usage charts",
    "Slack alerts",
    "sidebar layout",
    "GraphQL pagination",
    "cache invalidation",
    "session timeout",
    "date picker",
]
SUFFIXES = [
    "",
    "",
    "",
    " on mobile",
    " for admins",
    " in Safari",
    " after deploy",
    " for large teams",
    " in the EU region",
    " when offline",
]
SENTENCES = [
    "Steps to reproduce are in the linked thread.",
    "This started after the last release.",
    "Customers on the enterprise plan are affected.",
    "We should add a regression test for this.",
    "Looks related to the caching change.",
    "Can we pair on this tomorrow?",
    "I pushed a fix to the branch, please review.",
    "Design is attached; feedback welcome.",
    "Blocked until the migration lands.",
    "Verified on staging.",
    "Let's keep the scope small for now.",
    "Moving this to the next cycle.",
]


def slug(text: str, limit: int = 60) -> str:
    """A lower-case, dash-separated slug, like Linear's issue URLs and branch names."""
    words = re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")
    return words[:limit].rstrip("-")


def pick(rng: random.Random, items: Sequence[T]) -> T:
    """`rng.choice`, faster (and drawing differently)."""
    return items[int(rng.random() * len(items))]


def title(rng: random.Random) -> str:
    """An issue title."""
    return f"{pick(rng, VERBS)} {pick(rng, OBJECTS)}{pick(rng, SUFFIXES)}"


def text(rng: random.Random, sentences: int) -> str:
    """A paragraph of `sentences` sentences."""
    return " ".join(pick(rng, SENTENCES) for _ in range(sentences))
