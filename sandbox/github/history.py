"""What GitHub records about a pull request beyond the REST list: its commits, its timeline
events (opened as draft then ready for review, converted to draft, review requested and
removed, closed and reopened, merged, reviews dismissed) and reviews by a bot (Copilot).

`add_history` runs once the org is generated, from its own random stream, and only puts
things between a pull request's creation and its `updated_at`, so nothing else the REST API
serves moves. `record` and `new_commits` keep it consistent when mutations change the org.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import datetime, timedelta

from sandbox.company import Company
from sandbox.github.models import Account, Commit, Pull, Review, Team, TimelineEvent
from sandbox.github.world import World, between, bot_account, new_review, sha

COPILOT_LOGIN = "copilot-pull-request-reviewer[bot]"
COPILOT_ID = 175_728_472
FIRST_EVENT_ID = 1_000_000_000
COMMIT_MESSAGES = ["Address review comments", "Fix tests", "Refactor", "Update docs", "WIP"]
DISMISSALS = ["Outdated after new commits", "Addressed offline", "Re-review needed"]
#: Share of pull requests reviewed by a person whose author pushes commits after that review.
REWORK_SHARE = 0.4


def copilot(world: World) -> Account:
    """Copilot's pull request reviewer (a Bot), added to the org's known accounts."""
    account = world.accounts.get(COPILOT_LOGIN.lower())
    if account is None:
        bot = world.accounts.get("dependabot[bot]")
        created = bot.created_at if bot else world.org.created_at
        account = bot_account(COPILOT_LOGIN, COPILOT_ID, created)
        world.accounts[COPILOT_LOGIN.lower()] = account
    return account


@dataclass(frozen=True)
class _Seed:
    """What a pull request looked like when the org was generated: its history is made from
    this (on first use), so it does not depend on when it is first asked for."""

    rng_seed: int
    title: str
    end: datetime  # updated_at when generated
    closed_at: datetime | None
    merged_at: datetime | None
    merged_by: Account | None
    draft: bool
    reviews: tuple[Review, ...]  # by creation
    requested: tuple[Account | Team, ...]
    members: list[Account]
    bot: Account

    def __call__(self, pull: Pull) -> None:
        """Make the pull request's commits and timeline (once, from this snapshot)."""
        rng = random.Random(self.rng_seed)
        pull.made_commits = _commits(rng, pull, self)
        events = _events(rng, pull, self)
        events.sort(key=lambda e: e.created_at)
        for i, event in enumerate(events):
            event.id = _event_id(pull, i)
        pull.made_timeline[:0] = events


def add_history(world: World, company: Company) -> None:
    """Add bot reviews and very long review lists now, and give every generated pull request
    the commits and timeline it will make on first use (`commits_of`, `timeline_of`)."""
    rng = company.rng("github-history")
    bot = copilot(world)
    heavy = set(_pick_heavy(rng, world, company.size.many_review_pulls))
    for pull in world.pulls:
        if pull in heavy:
            _many_reviews(rng, world, pull)
        if pull.user.type == "User" and rng.random() < 0.2:
            _bot_review(rng, world, pull, bot)
        pull.history = _Seed(
            rng_seed=company.seed * 1_000_003 + pull.id,
            title=pull.title,
            end=pull.updated_at,
            closed_at=pull.closed_at,
            merged_at=pull.merged_at,
            merged_by=pull.merged_by,
            draft=pull.draft,
            reviews=tuple(sorted(pull.reviews, key=lambda r: r.created_at)),
            requested=(*pull.requested_reviewers, *pull.requested_teams),
            members=world.members,
            bot=bot,
        )


def _event_id(pull: Pull, index: int) -> int:
    """Event ids: a block of 1,000 per pull request (ids follow the pull requests')."""
    return FIRST_EVENT_ID + (pull.id - 1_600_000_000) // 3 * 1000 + index


def commits_of(pull: Pull) -> list[Commit]:
    """A pull request's commits, oldest first (the last one is its head)."""
    return pull.commit_list


def timeline_of(pull: Pull) -> list[TimelineEvent]:
    """A pull request's timeline events, oldest first."""
    return pull.timeline


def record(pull: Pull, kind: str, actor: Account | None, at: datetime, **fields: object) -> None:
    """Append one event to a pull request's timeline (for mutations)."""
    timeline = timeline_of(pull)
    event = TimelineEvent(_event_id(pull, len(timeline)), kind, pull, actor, at, **fields)  # type: ignore[arg-type]
    timeline.append(event)


def new_commits(pull: Pull) -> list[Commit]:
    """Commits of a pull request opened now: all authored before it was opened."""
    rng = random.Random(pull.id)
    first = pull.created_at - timedelta(minutes=rng.randint(5, 600))
    times = sorted(between(rng, first, pull.created_at) for _ in range(pull.commits))
    return _as_commits(rng, pull, pull.title, times, times)


def rebased_commits(pull: Pull, at: datetime) -> list[Commit]:
    """A force-push's rebase at `at`: `pull.commits` commits with new oids (the last one
    `pull.head_sha`), the old author times kept and committed at `at`."""
    rng = random.Random(pull.id ^ int(at.timestamp()))
    old = [c.authored_at for c in pull.commit_list]
    authored = sorted(old)[: pull.commits] or [at]
    authored += [at] * (pull.commits - len(authored))
    return _as_commits(rng, pull, pull.title, authored, [at] * len(authored))


# -- generation ----------------------------------------------------------------------------------
def _span_end(pull: Pull) -> datetime:
    return pull.updated_at


def _pick_heavy(rng: random.Random, world: World, k: int) -> list[Pull]:
    long_lived = [p for p in world.pulls if (p.updated_at - p.created_at) > timedelta(hours=6)]
    return rng.sample(long_lived, min(k, len(long_lived)))


def _many_reviews(rng: random.Random, world: World, pull: Pull) -> None:
    people = [m for m in world.members if m is not pull.user] or world.members
    for _ in range(rng.randint(150, 320)):
        at = between(rng, pull.created_at + timedelta(minutes=1), _span_end(pull))
        state = rng.choice(["COMMENTED", "COMMENTED", "APPROVED", "CHANGES_REQUESTED"])
        _add_review(world, new_review(rng, pull, rng.choice(people), state, at))


def _bot_review(rng: random.Random, world: World, pull: Pull, bot: Account) -> None:
    at = pull.created_at + timedelta(seconds=rng.randint(90, 900))
    if at > (pull.closed_at or _span_end(pull)):
        return
    review = new_review(rng, pull, bot, "COMMENTED", at)
    review.body = (
        "## Pull request overview\n\nCopilot reviewed "
        f"{min(pull.changed_files, rng.randint(1, 8))} out of {pull.changed_files} changed files "
        "in this pull request and generated no comments."
    )
    _add_review(world, review)


def _add_review(world: World, review: Review) -> None:
    review.id = world.next_ids["review"]
    world.next_ids["review"] += 7
    world.reviews.append(review)
    review.pull.reviews.append(review)


def _commits(rng: random.Random, pull: Pull, seed: _Seed) -> list[Commit]:
    end = seed.end
    if end - pull.created_at > timedelta(minutes=10) and rng.random() < 0.05:
        # force-pushed: every commit, the first included, is newer than the pull request
        start = pull.created_at + timedelta(minutes=1)
    else:
        start = pull.created_at - timedelta(minutes=rng.randint(10, 3 * 24 * 60))
    first_review = seed.reviews[0].created_at if seed.reviews else end
    last = max(min(first_review, end), start)
    opened = min(pull.created_at, last)  # the first commit predates the pull request
    later = [between(rng, start, last) for _ in range(pull.commits - 1)]
    authored = sorted([between(rng, start, opened), *later])
    committed = [
        min(t + timedelta(seconds=int(rng.random() * 120)), max(last, t)) for t in authored
    ]
    authored, committed = _rework(pull, seed, authored, committed)
    return _as_commits(rng, pull, seed.title, authored, committed)


def _rework(
    pull: Pull, seed: _Seed, authored: list[datetime], committed: list[datetime]
) -> tuple[list[datetime], list[datetime]]:
    """Rework: for some pull requests a person (not the author, not a bot) reviewed, the last
    commits (never the first) come after that first review and before the pull request
    closed. Drawn from a stream of its own, so the rest of the pull request's history stays."""
    rng = random.Random(seed.rng_seed ^ 0x5EED)
    people = [
        r.submitted_at
        for r in seed.reviews
        if r.submitted_at and r.user is not pull.user and r.user.type != "Bot"
    ]
    if len(authored) < 2 or not people or rng.random() >= REWORK_SHARE:
        return authored, committed
    start = min(people) + timedelta(minutes=1)
    until = min(seed.closed_at or seed.end, seed.end)
    if until - start < timedelta(minutes=2):
        return authored, committed
    k = rng.randint(1, len(authored) - 1)
    later = sorted(between(rng, start, until - timedelta(minutes=1)) for _ in range(k))
    later_committed = [t + timedelta(seconds=int(rng.random() * 60)) for t in later]
    return authored[:-k] + later, committed[:-k] + later_committed


def _as_commits(
    rng: random.Random,
    pull: Pull,
    title: str,
    authored: list[datetime],
    committed: list[datetime],
) -> list[Commit]:
    oids = [sha(rng) for _ in authored[:-1]] + [pull.head_sha]
    count = len(COMMIT_MESSAGES)
    messages = [title, *(COMMIT_MESSAGES[int(rng.random() * count)] for _ in authored[1:])]
    return [
        Commit(oid, pull, pull.user, message, a, c)
        for oid, message, a, c in zip(oids, messages, authored, committed, strict=True)
    ]


def _events(rng: random.Random, pull: Pull, seed: _Seed) -> list[TimelineEvent]:
    """The events of a generated pull request, all between its creation and `seed.end`."""
    end, created, author = seed.end, pull.created_at, pull.user
    out: list[TimelineEvent] = []

    def add(kind: str, actor: Account | None, at: datetime, **fields: object) -> None:
        out.append(TimelineEvent(0, kind, pull, actor, at, **fields))  # type: ignore[arg-type]

    first_review = seed.reviews[0].created_at if seed.reviews else (seed.closed_at or end)
    ready_at = created
    if seed.draft and rng.random() < 0.3:
        add("ConvertToDraftEvent", author, between(rng, created, end))
    elif not seed.draft and rng.random() < 0.25:
        ready_at = between(rng, created, min(first_review, seed.closed_at or end))
        add("ReadyForReviewEvent", author, ready_at)
    requested: list[Account | Team] = []
    for review in seed.reviews:
        who = review.user
        if who in requested or review.created_at < ready_at:
            continue
        if who is seed.bot or rng.random() < 0.7:
            requested.append(who)
            asked = between(rng, ready_at, min(review.created_at, end))
            add("ReviewRequestedEvent", author, asked, requested=who)
    for who in seed.requested:
        add("ReviewRequestedEvent", author, between(rng, ready_at, end), requested=who)
    if rng.random() < 0.1:
        taken = {id(author), *map(id, requested), *map(id, seed.requested)}
        others = [m for m in seed.members if id(m) not in taken]
        if others:
            who = others[int(rng.random() * len(others))]
            asked = between(rng, ready_at, end)
            add("ReviewRequestedEvent", author, asked, requested=who)
            add("ReviewRequestRemovedEvent", author, between(rng, asked, end), requested=who)
    for review in seed.reviews:
        if review.state == "DISMISSED":
            add(
                "ReviewDismissedEvent",
                author,
                between(rng, review.created_at, end),
                review=review,
                previous_state=rng.choice(["APPROVED", "CHANGES_REQUESTED"]),
                message=rng.choice(DISMISSALS),
            )
    closing = seed.closed_at or end
    if closing - created > timedelta(minutes=10) and rng.random() < 0.05:
        closed = between(rng, created, closing - timedelta(minutes=5))
        add("ClosedEvent", author, closed)
        add("ReopenedEvent", author, between(rng, closed, closing - timedelta(minutes=1)))
    if seed.merged_at is not None:
        add("MergedEvent", seed.merged_by, seed.merged_at)
    if seed.closed_at is not None:
        add("ClosedEvent", seed.merged_by if seed.merged_at else author, seed.closed_at)
    return out
