"""The windows a first load needs at the real budgets, from a full sync's counts."""

from __future__ import annotations

from bench.windows import section, windows


def test_linear_windows_follow_the_tighter_budget() -> None:
    # 6,000 requests: 2.4 windows by requests; 9,000,000 points: 3 windows by complexity.
    needed, per_window = windows(
        "linear", {"requests": 6_000, "complexity": 9_000_000, "run": {"wall_s": 300.0}}
    )
    assert needed == 3
    assert per_window == 100.0


def test_github_windows_follow_the_request_budget() -> None:
    assert windows("github", {"requests": 12_500, "run": {"wall_s": 250.0}}) == (3, 100.0)
    assert windows("github", {"requests": 10, "run": {"wall_s": 1.0}})[0] == 1


def test_section_lists_each_size_and_source() -> None:
    full = {"ok": True, "requests": 5_001, "complexity": 10, "run": {"wall_s": 10.0}}
    results = {
        "sizes": {
            "large": {"latencies": {"0": {"linear": {"full": full}, "github": {"full": full}}}}
        }
    }
    text = "\n".join(section(results))
    assert "## First loads in rate-limit windows" in text
    assert "| large | Linear | 5,001 | 3 |" in text
    assert "| large | GitHub | 5,001 | 2 |" in text
