"""`createdAt` windows of a first load: they cover everything, meet without gaps or overlap,
narrow the pass's own filter, and survive a resume plan."""

from __future__ import annotations

from datetime import UTC, datetime

import pendulum

from pipelines.sources.linear import created_windows
from pipelines.sources.linear.created_windows import WHOLE, from_plan, split, within

EARLIEST = datetime(2024, 1, 1, tzinfo=UTC)
NOW = datetime(2024, 1, 5, tzinfo=UTC)


def test_windows_meet_end_to_end_and_are_open_at_both_ends() -> None:
    windows = split(EARLIEST, NOW, 4)
    assert windows == [
        (None, "2024-01-02T00:00:00.000Z"),
        ("2024-01-02T00:00:00.000Z", "2024-01-03T00:00:00.000Z"),
        ("2024-01-03T00:00:00.000Z", "2024-01-04T00:00:00.000Z"),
        ("2024-01-04T00:00:00.000Z", None),
    ]


def test_one_window_when_there_is_nothing_to_split() -> None:
    assert split(None, NOW, 4) == WHOLE  # no issues at all
    assert split(NOW, NOW, 4) == WHOLE
    assert split(EARLIEST, NOW, 1) == WHOLE


def test_every_row_falls_in_exactly_one_window() -> None:
    windows = split(EARLIEST, NOW, 3)
    stamps = [
        pendulum.datetime(2023, 6, 1),
        EARLIEST,
        pendulum.datetime(2024, 1, 2, 8),
        NOW,
        pendulum.datetime(2030, 1, 1),
    ]
    for stamp in stamps:
        text = pendulum.instance(stamp).format("YYYY-MM-DDTHH:mm:ss.SSS") + "Z"
        inside = [
            w for w in windows if (w[0] is None or text >= w[0]) and (w[1] is None or text < w[1])
        ]
        assert len(inside) == 1, (text, inside)


def test_the_window_narrows_the_pass_filter() -> None:
    base = {"or": [{"updatedAt": {"gte": "x"}}, {"archivedAt": {"gte": "x"}}]}
    assert within(base, ("a", "b")) == {"and": [base, {"createdAt": {"gte": "a", "lt": "b"}}]}
    assert within(None, (None, "b")) == {"createdAt": {"lt": "b"}}
    assert within(base, (None, None)) is base


def test_windows_round_trip_through_a_plan_and_old_plans_read_whole() -> None:
    windows = split(EARLIEST, NOW, 2)
    assert from_plan(created_windows.as_plan(windows)) == windows
    assert from_plan(None) == WHOLE


def test_earliest_created_reads_the_one_node() -> None:
    assert created_windows.earliest_created([]) is None
    assert created_windows.earliest_created([{"createdAt": "2024-01-01T00:00:00.000Z"}]) == EARLIEST
