"""Names and words the generated GitHub org is made of."""

from __future__ import annotations

REPO_NAMES = ["api", "web", "mobile", "infra", "data", "docs", "cli", "design-system"]
LANGUAGES = {"api": "Python", "web": "TypeScript", "mobile": "Kotlin", "infra": "HCL"}
LABELS = [
    ("bug", "Something isn't working", "d73a4a", True),
    ("enhancement", "New feature or request", "a2eeef", True),
    ("documentation", "Improvements or additions to documentation", "0075ca", True),
    ("dependencies", "Pull requests that update a dependency file", "0366d6", False),
    ("chore", "Maintenance", "cfd3d7", False),
    ("needs review", "Waiting for a reviewer", "fbca04", False),
    ("breaking", "Breaking change", "b60205", False),
]
TEAMS = [("Platform", "platform"), ("Frontend", "frontend"), ("Mobile", "mobile")]
FILES = [
    "src/app.py",
    "src/api/handlers.py",
    "src/models/user.py",
    "src/db/migrations.py",
    "web/src/App.tsx",
    "web/src/components/Button.tsx",
    "README.md",
    "Makefile",
    "tests/test_api.py",
    ".github/workflows/ci.yml",
    "pyproject.toml",
    "docs/index.md",
]
UNRELATED_BRANCHES = [
    "fix/typo",
    "chore/update-deps",
    "refactor/logging",
    "hotfix/login-redirect",
    "docs/readme",
    "ci/cache-pip",
    "perf/query-plan",
    "cleanup/dead-code",
    "experiment/new-ui",
]
UNRELATED_TITLES = [
    "Fix typo in README",
    "Update CI workflow",
    "Refactor logging setup",
    "Remove dead code",
    "Speed up the slow query on the dashboard",
    "Tidy up error messages",
    "Add retry to the webhook sender",
    "Upgrade the linter",
    "Improve test coverage",
    "Hotfix: login redirect loop",
]
PACKAGES = ["lodash", "requests", "urllib3", "react", "pydantic", "axios", "boto3"]
REVIEW_BODIES = {
    "APPROVED": ["", "LGTM", "Looks good to me!", "Ship it"],
    "CHANGES_REQUESTED": ["Please address the comments.", "A few things to fix first."],
    "COMMENTED": ["", "Some thoughts inline.", "Nice work, small nits."],
    "DISMISSED": ["", "Needs another pass."],
    "PENDING": [""],
}
REVIEW_STATES = ["APPROVED", "COMMENTED", "CHANGES_REQUESTED", "DISMISSED", "PENDING"]
REVIEW_WEIGHTS = [45, 25, 15, 7, 20]  # PENDING only on open pull requests
COMMENT_BODIES = [
    "Could we add a test for this?",
    "nit: naming",
    "Why not reuse the helper above?",
    "This could be None here.",
    "Good catch!",
    "Done.",
    "Let's move this to a constant.",
    "Is this still needed?",
    "+1",
    "I think this breaks the mobile client.",
]
CITIES = ["Berlin", "Lisbon", "Toronto", "Nairobi", "Bangalore", "Austin", None]

BOT_LOGIN = "dependabot[bot]"
BOT_ID = 49699333
OUTSIDERS = [("octo-contractor", 8_800_001, "Octo Contractor"), ("jdoe-oss", 8_800_002, None)]
