"""Make up the GitHub side of the company, deterministically from its seed: accounts,
repositories, pull requests (many named after Linear issues), reviews and comments."""

from __future__ import annotations

import random
from datetime import datetime, timedelta

from sandbox.company import Company, Person
from sandbox.github.history import add_history
from sandbox.github.models import (
    Account,
    Issue,
    IssueComment,
    Label,
    Milestone,
    Pull,
    Repo,
    Review,
    ReviewComment,
    Team,
)
from sandbox.github.vocab import (
    BOT_ID,
    BOT_LOGIN,
    CITIES,
    COMMENT_BODIES,
    LABELS,
    LANGUAGES,
    OUTSIDERS,
    PACKAGES,
    REPO_NAMES,
    REVIEW_STATES,
    REVIEW_WEIGHTS,
    TEAMS,
    UNRELATED_BRANCHES,
    UNRELATED_TITLES,
)
from sandbox.github.world import (
    IssueRef,
    World,
    between,
    bot_account,
    bump_pull,
    fork_of,
    new_review,
    new_review_comment,
    sha,
    slug,
)


class WorldBuilder:
    """Builds a `World` from a company and the Linear issues' references."""

    def __init__(self, company: Company, refs: list[IssueRef], org_login: str) -> None:
        self.company = company
        self.refs = list(refs)
        self.org_login = org_login
        self.now = company.now
        self.start = company.start

    def build(self) -> World:
        org, members, outsiders, accounts = self._accounts()
        repos = self._repos(org)
        labels = {r.id: self._labels(r, i) for i, r in enumerate(repos)}
        milestones = {r.id: self._milestones(r, i, members) for i, r in enumerate(repos)}
        teams = [
            Team(7_000_001 + i, org.login, name, slug_, f"The {name} team")
            for i, (name, slug_) in enumerate(TEAMS)
        ]
        world = World(
            org,
            accounts,
            members,
            repos,
            labels,
            milestones,
            teams,
            pulls=[],
            reviews=[],
            review_comments=[],
            issues=[],
            issue_comments=[],
            unused_refs=[],
        )
        self._pulls(world, outsiders)
        self._issues(world)
        self._number(world)
        self._reviews(world)
        self._issue_comments(world)
        for pull in world.pulls:
            bump_pull(pull)
        add_history(world, self.company)
        return world

    # -- accounts ------------------------------------------------------------------------------
    def _accounts(self) -> tuple[Account, list[Account], list[Account], dict[str, Account]]:
        rng = self.company.rng("github-accounts")
        org = Account(
            login=self.org_login,
            id=90_000_001,
            type="Organization",
            member=False,
            name="Acme",
            email=None,
            company=None,
            blog="https://acme.example.com",
            location=None,
            bio="We make everything.",
            twitter_username=None,
            hireable=None,
            public_repos=0,
            public_gists=0,
            followers=12,
            following=0,
            created_at=self.start - timedelta(days=1200),
            updated_at=self.start,
        )
        members = [self._member(p, rng) for p in self.company.github_people]
        if members:
            members[0].role = "admin"
        bot = bot_account(
            BOT_LOGIN, BOT_ID, datetime(2019, 4, 16, 22, 34, 25, tzinfo=self.now.tzinfo)
        )
        outsiders = [
            Account(
                login=login,
                id=id_,
                type="User",
                member=False,
                name=name,
                email=None,
                company=None,
                blog="",
                location=rng.choice(CITIES),
                bio=None,
                twitter_username=None,
                hireable=True,
                public_repos=rng.randint(3, 60),
                public_gists=rng.randint(0, 9),
                followers=rng.randint(0, 300),
                following=rng.randint(0, 50),
                created_at=self.start - timedelta(days=rng.randint(400, 3000)),
                updated_at=between(rng, self.start, self.now),
            )
            for login, id_, name in OUTSIDERS
        ]
        accounts = {a.login.lower(): a for a in [org, *members, bot, *outsiders]}
        return org, members, [bot, *outsiders], accounts

    def _member(self, person: Person, rng: random.Random) -> Account:
        assert person.github_login is not None and person.github_id is not None
        first = person.name.split()[0].lower()
        created = self.start - timedelta(days=rng.randint(30, 4000))
        return Account(
            login=person.github_login,
            id=person.github_id,
            type="User",
            member=True,
            name=person.name,
            email=person.github_email,
            company="@" + self.org_login if rng.random() < 0.7 else None,
            blog="" if rng.random() < 0.6 else f"https://{first}.example.net",
            location=rng.choice(CITIES),
            bio=None if rng.random() < 0.5 else f"Engineer at {self.org_login}.",
            twitter_username=None if rng.random() < 0.8 else f"{first}_codes",
            hireable=None if rng.random() < 0.8 else False,
            public_repos=rng.randint(0, 80),
            public_gists=rng.randint(0, 20),
            followers=rng.randint(0, 500),
            following=rng.randint(0, 100),
            created_at=created,
            updated_at=between(rng, max(created, self.start), self.now),
        )

    # -- repositories --------------------------------------------------------------------------
    def _repos(self, org: Account) -> list[Repo]:
        rng = self.company.rng("github-repos")
        repos = []
        for i in range(self.company.size.repos):
            name = REPO_NAMES[i] if i < len(REPO_NAMES) else f"service-{i}"
            created = self.start - timedelta(days=rng.randint(30, 900))
            repos.append(
                Repo(
                    id=600_000_000 + i * 104_729 + rng.randrange(1000),
                    owner=org,
                    name=name,
                    description=f"The {name} of {org.login}",
                    topics=[name, org.login],
                    language=LANGUAGES.get(name, "Go"),
                    created_at=created,
                    updated_at=self.now - timedelta(hours=rng.randint(1, 48)),
                    pushed_at=self.now - timedelta(minutes=rng.randint(5, 600)),
                    size=rng.randint(1000, 90_000),
                    stargazers=rng.randint(0, 40),
                    forks=rng.randint(0, 5),
                    open_issues=0,
                )
            )
        return repos

    def _labels(self, repo: Repo, index: int) -> list[Label]:
        return [
            Label(3_000_000 + index * 100 + j, repo.full_name, name, desc, color, default)
            for j, (name, desc, color, default) in enumerate(LABELS)
        ]

    def _milestones(self, repo: Repo, index: int, members: list[Account]) -> list[Milestone]:
        rng = self.company.rng(f"github-milestones-{index}")
        out = []
        for number, (title, state) in enumerate(
            [("v1.0", "closed"), ("v1.1", "open"), ("Cleanup", "open")], start=1
        ):
            created = between(rng, self.start, self.start + timedelta(days=90 * number))
            out.append(
                Milestone(
                    id=5_000_000 + index * 10 + number,
                    repo=repo.full_name,
                    number=number,
                    title=title,
                    description=f"Tracking milestone for {title}",
                    state=state,
                    creator=rng.choice(members) if members else repo.owner,
                    open_issues=rng.randint(0, 9),
                    closed_issues=rng.randint(1, 30),
                    created_at=created,
                    updated_at=between(rng, created, self.now),
                    closed_at=created + timedelta(days=60) if state == "closed" else None,
                    due_on=created + timedelta(days=60),
                )
            )
        return out

    # -- pull requests -------------------------------------------------------------------------
    def _eligible_refs(self, rng: random.Random) -> list[IssueRef]:
        latest = self.now - timedelta(hours=1)
        refs = [
            r
            for r in self.refs
            if (r.started_at or r.completed_at) is not None
            and self.start <= (r.started_at or r.created_at) <= latest
        ]
        rng.shuffle(refs)
        return refs

    def _pulls(self, world: World, outsiders: list[Account]) -> None:
        rng = self.company.rng("github-pulls")
        refs = self._eligible_refs(rng)
        bot, others = outsiders[0], outsiders[1:]
        n = self.company.size.pulls
        linked = {"branch": round(n * 0.40), "feature": round(n * 0.15), "title": round(n * 0.15)}
        kinds = [kind for kind, count in linked.items() for _ in range(count)]
        kinds += ["none"] * (n - len(kinds))
        rng.shuffle(kinds)
        for kind in kinds:
            repo = rng.choice(world.repos)
            if kind != "none" and refs:
                world.pulls.append(self.linked_pull(rng, world, repo, refs.pop(), kind))
                continue
            author_roll = rng.random()
            if author_roll < 0.10:
                author = bot
            elif author_roll < 0.15 and others:
                author = rng.choice(others)
            else:
                author = rng.choice(world.members) if world.members else bot
            world.pulls.append(self.unlinked_pull(rng, world, repo, author))
        world.unused_refs = refs

    def _base_pull(
        self,
        rng: random.Random,
        world: World,
        repo: Repo,
        author: Account,
        ref: str,
        title: str,
        created: datetime,
    ) -> Pull:
        head_repo = repo
        if author.type == "User" and not author.member:
            head_repo = fork_of(world, repo, author)
        labels = world.labels[repo.id]
        pull = Pull(
            repo=repo,
            number=0,
            id=0,
            title=title,
            body=None if rng.random() < 0.15 else f"## Summary\n\n{title}.\n\n## Test plan\n\nCI",
            user=author,
            head_repo=head_repo,
            head_ref=ref,
            head_sha=sha(rng),
            base_sha=sha(rng),
            state="open",
            draft=False,
            created_at=created,
            updated_at=created,
            labels=rng.sample(labels, rng.choice([0, 0, 1, 1, 2])),
            commits=rng.randint(1, 12),
            additions=rng.randint(1, 800),
            deletions=rng.randint(0, 300),
            changed_files=rng.randint(1, 25),
        )
        if author.login == BOT_LOGIN:
            pull.labels = [label for label in labels if label.name == "dependencies"]
        if rng.random() < 0.2:
            pull.milestone = rng.choice(world.milestones[repo.id])
        if author.member and rng.random() < 0.3:
            pull.assignees = [author]
        return pull

    def linked_pull(
        self, rng: random.Random, world: World, repo: Repo, ref: IssueRef, kind: str
    ) -> Pull:
        """A pull request that names Linear issue `ref` in its branch or title."""
        author = next(
            (
                m
                for m in world.members
                if ref.assignee_github_login
                and m.login.lower() == ref.assignee_github_login.lower()
            ),
            None,
        ) or (rng.choice(world.members) if world.members else world.org)
        begin = max(ref.started_at or ref.created_at, self.start)
        end = min(ref.completed_at, self.now) if ref.completed_at else None
        if kind == "branch":
            branch, title = ref.branch_name, ref.title
        elif kind == "feature":
            branch = f"feature/{ref.identifier.upper()}-{slug(ref.title)}"
            title = ref.title
        else:
            branch = rng.choice(UNRELATED_BRANCHES)
            title = f"{ref.identifier.upper()}: {ref.title}"
        if end is not None and end > begin:
            created = between(rng, begin, begin + min((end - begin) / 2, timedelta(days=3)))
        else:
            limit = min(self.now, begin + timedelta(days=5))
            created = between(rng, begin, limit)
        pull = self._base_pull(rng, world, repo, author, branch, title, created)
        pull.link_kind, pull.linear_identifier = kind, ref.identifier
        if end is not None and end > created:
            closed = between(rng, max(created, end - timedelta(hours=2)), end)
            closed = max(closed, created + timedelta(minutes=1))
            self._close(rng, world, pull, closed, merged=rng.random() < 0.9)
        else:
            self._open(rng, pull)
        return pull

    def unlinked_pull(self, rng: random.Random, world: World, repo: Repo, author: Account) -> Pull:
        """A pull request unrelated to Linear (bots, outside contributors, quick fixes)."""
        created = between(rng, self.start, self.now - timedelta(hours=1))
        if author.login == BOT_LOGIN:
            package = rng.choice(PACKAGES)
            old, new = f"{rng.randint(1, 4)}.{rng.randint(0, 20)}", f"{rng.randint(5, 9)}.0"
            branch = f"dependabot/pip/{package}-{new}"
            title = f"Bump {package} from {old} to {new}"
        elif rng.random() < 0.25:
            branch, title = f"patch-{rng.randint(1, 9)}", rng.choice(UNRELATED_TITLES)
        else:
            branch, title = rng.choice(UNRELATED_BRANCHES), rng.choice(UNRELATED_TITLES)
        pull = self._base_pull(rng, world, repo, author, branch, title, created)
        recent = self.now - created < timedelta(days=14)
        roll = rng.random()
        if (recent and roll < 0.6) or roll < 0.15:
            self._open(rng, pull)
            return pull
        closed = created + timedelta(seconds=int(rng.expovariate(1 / 130_000)) + 60)
        if closed >= self.now:
            self._open(rng, pull)
        else:
            self._close(rng, world, pull, closed, merged=rng.random() < 0.83)
        return pull

    def _open(self, rng: random.Random, pull: Pull) -> None:
        pull.state, pull.draft = "open", rng.random() < 0.25
        pull.merge_commit_sha = sha(rng)
        pull.mergeable = rng.choices([True, False, None], [75, 15, 10])[0]
        pull.mergeable_state = (
            "draft"
            if pull.draft
            else {True: "clean", False: "dirty", None: "unknown"}[pull.mergeable]
        )

    def _close(
        self, rng: random.Random, world: World, pull: Pull, at: datetime, *, merged: bool
    ) -> None:
        pull.state, pull.closed_at = "closed", at
        if merged:
            pull.merged_at, pull.merge_commit_sha = at, sha(rng)
            candidates = [m for m in world.members if m is not pull.user] or world.members
            pull.merged_by = (
                pull.user
                if pull.user.member and rng.random() < 0.5
                else (rng.choice(candidates) if candidates else None)
            )

    # -- plain issues and numbering ------------------------------------------------------------
    def _issues(self, world: World) -> None:
        rng = self.company.rng("github-issues")
        people = world.members or [world.org]
        for _ in range(max(len(world.repos), self.company.size.pulls // 5)):
            world.issues.append(
                Issue(
                    repo=rng.choice(world.repos),
                    number=0,
                    id=0,
                    title=rng.choice(UNRELATED_TITLES),
                    user=rng.choice(people),
                    created_at=between(rng, self.start, self.now - timedelta(hours=1)),
                )
            )

    def _number(self, world: World) -> None:
        """Ids follow creation time globally; numbers per repo, shared by issues and PRs."""
        for i, pull in enumerate(sorted(world.pulls, key=lambda p: p.created_at)):
            pull.id = 1_600_000_000 + i * 3
        for i, issue in enumerate(sorted(world.issues, key=lambda x: x.created_at)):
            issue.id = 2_100_000_000 + i * 3
        world.next_ids["pull"] = 1_600_000_000 + len(world.pulls) * 3
        world.next_ids["issue"] = 2_100_000_000 + len(world.issues) * 3
        items: list[Pull | Issue] = [*world.pulls, *world.issues]
        items.sort(key=lambda x: (x.created_at, x.id))
        for repo in world.repos:
            world.next_number[repo.id] = 1
        for item in items:
            item.number = world.next_number[item.repo.id]
            world.next_number[item.repo.id] += 1
        world.pulls.sort(key=lambda p: p.id)
        for repo in world.repos:
            repo.open_issues = sum(1 for p in world.pulls if p.repo is repo and p.state == "open")

    # -- reviews and review comments -----------------------------------------------------------
    def _reviews(self, world: World) -> None:
        rng = self.company.rng("github-reviews")
        reviews: list[Review] = []
        comments: list[ReviewComment] = []
        for pull in world.pulls:
            end = pull.closed_at or self.now
            count = rng.choices([0, 1, 2, 3, 4], [20, 35, 25, 12, 8])[0]
            if pull.draft:
                count = min(count, 1)
            pool = [m for m in world.members if m is not pull.user]
            who = rng.sample(pool, min(count, len(pool)))
            times = sorted(
                between(rng, min(pull.created_at + timedelta(minutes=5), end), end) for _ in who
            )
            for i, (user, at) in enumerate(zip(who, times, strict=True)):
                weights = REVIEW_WEIGHTS if pull.state == "open" else REVIEW_WEIGHTS[:-1]
                state = rng.choices(REVIEW_STATES[: len(weights)], weights)[0]
                if pull.merged and i == len(who) - 1:
                    state = "APPROVED"
                review = new_review(rng, pull, user, state, at)
                reviews.append(review)
                pull.reviews.append(review)
                if state != "PENDING":
                    pull.inline.extend(self._comments_for(rng, review, pull.inline))
            comments.extend(pull.inline)
            if pull.state == "open":
                self._request_reviews(rng, world, pull, [m for m in pool if m not in who])
        reviews.sort(key=lambda r: r.created_at)
        for i, review in enumerate(reviews):
            review.id = 1_800_000_000 + i * 7
        comments.sort(key=lambda c: c.created_at)
        for i, comment in enumerate(comments):
            comment.id = 1_300_000_000 + i * 5
        world.reviews, world.review_comments = reviews, comments
        world.next_ids["review"] = 1_800_000_000 + len(reviews) * 7
        world.next_ids["review_comment"] = 1_300_000_000 + len(comments) * 5

    @staticmethod
    def _request_reviews(rng: random.Random, world: World, pull: Pull, pool: list[Account]) -> None:
        """Open pull requests wait on people who have not reviewed yet, sometimes a team."""
        pull.requested_reviewers = rng.sample(pool, min(rng.choice([0, 1, 1, 2]), len(pool)))
        if world.teams and rng.random() < 0.15:
            pull.requested_teams = [rng.choice(world.teams)]

    def _comments_for(
        self, rng: random.Random, review: Review, earlier: list[ReviewComment]
    ) -> list[ReviewComment]:
        low, high = {"CHANGES_REQUESTED": (1, 3), "APPROVED": (0, 1)}.get(review.state, (0, 3))
        out = []
        assert review.submitted_at is not None
        for _ in range(rng.randint(low, high)):
            at = max(
                review.submitted_at - timedelta(seconds=rng.randint(0, 600)), review.pull.created_at
            )
            roots = [c for c in earlier if c.in_reply_to is None and c.user is not review.user]
            parent = rng.choice(roots) if roots and rng.random() < 0.3 else None
            comment = new_review_comment(rng, review, at, parent)
            if rng.random() < 0.1:
                comment.updated_at = between(rng, at, min(self.now, at + timedelta(days=2)))
            out.append(comment)
        return out

    # -- issue comments ------------------------------------------------------------------------
    def _issue_comments(self, world: World) -> None:
        rng = self.company.rng("github-issue-comments")
        comments: list[IssueComment] = []
        people = world.members or [world.org]
        for pull in world.pulls:
            end = pull.closed_at or self.now
            for _ in range(rng.choices([0, 1, 2, 3, 5], [35, 30, 18, 10, 7])[0]):
                user = pull.user if rng.random() < 0.3 else rng.choice(people)
                at = between(rng, pull.created_at, end)
                comment = IssueComment(
                    0, pull.repo, pull.number, pull, user, rng.choice(COMMENT_BODIES), at, at
                )
                comments.append(comment)
                pull.conversation.append(comment)
        for issue in world.issues:
            for _ in range(rng.choices([0, 1, 2, 4], [30, 35, 25, 10])[0]):
                at = between(rng, issue.created_at, self.now)
                comments.append(
                    IssueComment(
                        0,
                        issue.repo,
                        issue.number,
                        None,
                        rng.choice(people),
                        rng.choice(COMMENT_BODIES),
                        at,
                        at,
                    )
                )
        for comment in comments:
            if rng.random() < 0.1:
                comment.updated_at = between(rng, comment.created_at, self.now)
        comments.sort(key=lambda c: c.created_at)
        for i, comment in enumerate(comments):
            comment.id = 1_900_000_000 + i * 3
        world.issue_comments = comments
        world.next_ids["issue_comment"] = 1_900_000_000 + len(comments) * 3
