"""The GitHub org's objects as plain records. Rendering them into API JSON is `shapes.py`'s job;
making them up is `generate.py`'s."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime


@dataclass(eq=False)
class Account:
    """A GitHub user, bot or organization, with its public profile."""

    login: str
    id: int
    type: str  # "User", "Bot" or "Organization"
    member: bool
    name: str | None
    email: str | None
    company: str | None
    blog: str
    location: str | None
    bio: str | None
    twitter_username: str | None
    hireable: bool | None
    public_repos: int
    public_gists: int
    followers: int
    following: int
    created_at: datetime
    updated_at: datetime
    site_admin: bool = False
    role: str = "member"  # org role for members: "admin" or "member"


@dataclass(eq=False)
class Repo:
    """A repository (the org's own or an outside contributor's fork of one)."""

    id: int
    owner: Account
    name: str
    description: str
    language: str
    topics: list[str]
    created_at: datetime
    updated_at: datetime
    pushed_at: datetime
    size: int
    stargazers: int
    forks: int
    open_issues: int
    default_branch: str = "main"
    fork: bool = False
    archived: bool = False

    @property
    def full_name(self) -> str:
        return f"{self.owner.login}/{self.name}"


@dataclass(frozen=True)
class Label:
    id: int
    repo: str  # full name
    name: str
    description: str
    color: str
    default: bool


@dataclass(frozen=True)
class Team:
    id: int
    org: str
    name: str
    slug: str
    description: str


@dataclass(eq=False)
class Milestone:
    id: int
    repo: str
    number: int
    title: str
    description: str
    state: str
    creator: Account
    open_issues: int
    closed_issues: int
    created_at: datetime
    updated_at: datetime
    closed_at: datetime | None
    due_on: datetime | None


@dataclass(eq=False)
class Pull:
    """A pull request and everything the list and detail shapes report about it."""

    repo: Repo
    number: int
    id: int
    title: str
    body: str | None
    user: Account
    head_repo: Repo
    head_ref: str
    head_sha: str
    base_sha: str
    state: str  # "open" or "closed"
    draft: bool
    created_at: datetime
    updated_at: datetime
    closed_at: datetime | None = None
    merged_at: datetime | None = None
    merge_commit_sha: str | None = None
    merged_by: Account | None = None
    labels: list[Label] = field(default_factory=list)
    milestone: Milestone | None = None
    assignees: list[Account] = field(default_factory=list)
    requested_reviewers: list[Account] = field(default_factory=list)
    requested_teams: list[Team] = field(default_factory=list)
    locked: bool = False
    commits: int = 1
    additions: int = 0
    deletions: int = 0
    changed_files: int = 1
    mergeable: bool | None = None
    mergeable_state: str = "unknown"
    link_kind: str = "none"  # how it names a Linear issue: branch, feature, title or none
    linear_identifier: str | None = None
    reviews: list[Review] = field(default_factory=list, repr=False)
    inline: list[ReviewComment] = field(default_factory=list, repr=False)  # review comments
    conversation: list[IssueComment] = field(default_factory=list, repr=False)
    #: Its commits and timeline events as made so far (read `commit_list` and `timeline`).
    made_commits: list[Commit] = field(default_factory=list, repr=False)
    made_timeline: list[TimelineEvent] = field(default_factory=list, repr=False)
    #: What makes its commits and timeline on first use (`history.py`; then None).
    history: object = field(default=None, repr=False)

    @property
    def commit_list(self) -> list[Commit]:
        """Its commits, oldest first (`len == commits`; the last one is `head_sha`)."""
        self._make_history()
        return self.made_commits

    @commit_list.setter
    def commit_list(self, commits: list[Commit]) -> None:
        self.made_commits = commits

    @property
    def timeline(self) -> list[TimelineEvent]:
        """Its timeline events (ready for review, review requested, merged, ...), oldest first."""
        self._make_history()
        return self.made_timeline

    def _make_history(self) -> None:
        maker = self.history
        if maker is not None:
            self.history = None
            maker(self)  # type: ignore[operator]

    @property
    def merged(self) -> bool:
        return self.merged_at is not None

    @property
    def comments(self) -> int:
        """How many issue (conversation) comments it has."""
        return len(self.conversation)

    @property
    def review_comments(self) -> int:
        return len(self.inline)


@dataclass(eq=False)
class Review:
    id: int
    pull: Pull
    user: Account
    body: str
    state: str  # APPROVED, CHANGES_REQUESTED, COMMENTED, DISMISSED or PENDING
    created_at: datetime  # ordering only; the API shows submitted_at
    submitted_at: datetime | None
    commit_id: str


@dataclass(eq=False)
class ReviewComment:
    id: int
    pull: Pull
    review: Review
    user: Account
    body: str
    path: str
    diff_hunk: str
    position: int
    line: int
    original_line: int
    start_line: int | None
    side: str
    commit_id: str
    original_commit_id: str
    created_at: datetime
    updated_at: datetime
    in_reply_to: ReviewComment | None = None


@dataclass(eq=False)
class Issue:
    """A plain issue (not a pull request); only its comments are served."""

    repo: Repo
    number: int
    id: int
    title: str
    user: Account
    created_at: datetime


@dataclass(eq=False)
class IssueComment:
    """A conversation comment on a pull request (`pull` set) or on a plain issue."""

    id: int
    repo: Repo
    number: int
    pull: Pull | None
    user: Account
    body: str
    created_at: datetime
    updated_at: datetime


@dataclass(eq=False)
class Commit:
    """A commit of a pull request (GraphQL `PullRequest.commits`)."""

    oid: str
    pull: Pull
    author: Account
    message: str
    authored_at: datetime
    committed_at: datetime


@dataclass(eq=False)
class TimelineEvent:
    """An event of a pull request's timeline; `kind` is its GraphQL type name
    (ReadyForReviewEvent, ConvertToDraftEvent, ReviewRequestedEvent, ReviewRequestRemovedEvent,
    ReopenedEvent, MergedEvent, ClosedEvent, ReviewDismissedEvent)."""

    id: int
    kind: str
    pull: Pull
    actor: Account | None
    created_at: datetime
    requested: Account | Team | None = None  # review requested / removed
    review: Review | None = None  # the dismissed review
    previous_state: str | None = None  # the dismissed review's state before dismissal
    message: str | None = None  # the dismissal message
