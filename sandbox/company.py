"""The synthetic company both imitation APIs serve: its people and its size.

Everything is derived from a seed, so the same seed and size give the same company. The Linear
half builds the workspace from it; the GitHub half builds the org from it and from the Linear
issues (branch names carry Linear identifiers), so the two halves form one consistent company.
"""

from __future__ import annotations

import random
import zlib
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

FIRST_NAMES = [
    "Ada",
    "Grace",
    "Alan",
    "Barbara",
    "Edsger",
    "Frances",
    "Donald",
    "Margaret",
    "Ken",
    "Radia",
    "Dennis",
    "Sophie",
    "Linus",
    "Hedy",
    "John",
    "Katherine",
    "Tim",
    "Shafi",
    "Niklaus",
    "Leslie",
    "Guido",
    "Annie",
    "Bjarne",
    "Joan",
    "Vint",
    "Carol",
    "Yukihiro",
    "Lynn",
    "Brian",
    "Mary",
]
LAST_NAMES = [
    "Lovelace",
    "Hopper",
    "Turing",
    "Liskov",
    "Dijkstra",
    "Allen",
    "Knuth",
    "Hamilton",
    "Thompson",
    "Perlman",
    "Ritchie",
    "Wilson",
    "Torvalds",
    "Lamarr",
    "Backus",
    "Johnson",
    "Berners-Lee",
    "Goldwasser",
    "Wirth",
    "Lamport",
    "van Rossum",
    "Easley",
    "Stroustrup",
    "Clarke",
    "Cerf",
    "Shaw",
    "Matsumoto",
    "Conway",
    "Kernighan",
    "Keller",
]


@dataclass(frozen=True)
class Size:
    """How big the synthetic company is."""

    teams: int = 2
    users: int = 12
    issues: int = 200
    comments: int = 300
    cycles_per_team: int = 4
    projects: int = 4
    labels: int = 8
    repos: int = 2
    pulls: int = 60  # over all repos
    #: Pull requests with more than 100 reviews each (150-320; GraphQL's nested overflow).
    many_review_pulls: int = 0


SIZES: dict[str, Size] = {
    "tiny": Size(),
    "small": Size(
        teams=3,
        users=30,
        issues=3000,
        comments=6000,
        cycles_per_team=8,
        projects=10,
        labels=15,
        repos=2,
        pulls=400,
    ),
    "medium": Size(
        teams=4,
        users=60,
        issues=10_000,
        comments=20_000,
        cycles_per_team=12,
        projects=20,
        labels=20,
        repos=2,
        pulls=3000,
    ),
    "large": Size(
        teams=6,
        users=150,
        issues=50_000,
        comments=100_000,
        cycles_per_team=24,
        projects=40,
        labels=30,
        repos=5,
        pulls=10_000,
    ),
}


@dataclass(frozen=True)
class Person:
    """Someone at the company, as both tools know them (or only one of them).

    - `in_linear`: has a Linear user; `linear_active` False means deactivated in Linear.
    - `github_login`/`github_id`: set when they have a GitHub account in the org.
    - `links_github`: their Linear user carries `gitHubUserId` (the strongest match).
    - `github_email`: the public email on their GitHub profile (None when private). It equals
      `email` for people matchable by email, and differs for those only an override can match.
    """

    index: int
    name: str
    email: str
    in_linear: bool
    linear_active: bool
    github_login: str | None
    github_id: int | None
    links_github: bool
    github_email: str | None


class Company:
    """One deterministic company: `people`, `size`, the time anchor `now`, and seeded RNGs."""

    def __init__(self, seed: int = 7, size: Size | str = "tiny", now: datetime | None = None):
        self.seed = seed
        self.size = SIZES[size] if isinstance(size, str) else size
        anchor = now or datetime.now(UTC)
        # Whole seconds: both APIs speak in milliseconds at most, GitHub in seconds.
        self.now = anchor.replace(microsecond=0)
        self.start = self.now - timedelta(days=540)
        self.domain = "example.com"
        self.people = self._make_people()

    def rng(self, purpose: str) -> random.Random:
        """A random stream for one purpose, independent of the order purposes are used in."""
        return random.Random(self.seed * 1_000_003 + zlib.crc32(purpose.encode()))

    def _make_people(self) -> list[Person]:
        rng = self.rng("people")
        people: list[Person] = []
        used: set[str] = set()
        for index in range(self.size.users):
            while True:
                first, last = rng.choice(FIRST_NAMES), rng.choice(LAST_NAMES)
                if f"{first} {last}" not in used:
                    break
                if len(used) >= len(FIRST_NAMES) * len(LAST_NAMES):
                    last = f"{last} {index}"
                    break
            used.add(f"{first} {last}")
            slug = f"{first}.{last}".lower().replace(" ", "").replace("-", "")
            email = f"{slug}@{self.domain}"
            roll = rng.random()
            # Mix of identities so every matching rule has work to do:
            #   55% linked by gitHubUserId, 15% matchable by email, 10% only by override,
            #   12% Linear-only, 8% GitHub-only (contractors, bots).
            in_linear = roll < 0.92
            has_github = roll < 0.80 or roll >= 0.92
            links = roll < 0.55
            if 0.55 <= roll < 0.70:
                github_email: str | None = email
            elif 0.70 <= roll < 0.80:
                github_email = f"{first.lower()}@personal.example.org"
            else:
                github_email = email if rng.random() < 0.3 else None
            login = f"{first[0]}{last}".lower().replace(" ", "-") + (f"-{index}" if index else "")
            people.append(
                Person(
                    index=index,
                    name=f"{first} {last}",
                    email=email,
                    in_linear=in_linear,
                    linear_active=in_linear and rng.random() > 0.1,
                    github_login=login if has_github else None,
                    github_id=1_000_000 + index * 37 if has_github else None,
                    links_github=in_linear and has_github and links,
                    github_email=github_email if has_github else None,
                )
            )
        return people

    @property
    def linear_people(self) -> list[Person]:
        return [p for p in self.people if p.in_linear]

    @property
    def github_people(self) -> list[Person]:
        return [p for p in self.people if p.github_login]


def iso(ts: datetime) -> str:
    """Linear's and GitHub's timestamp form: UTC, 'Z' suffix (milliseconds for Linear)."""
    return ts.astimezone(UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")
