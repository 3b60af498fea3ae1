"""`shaping.reduce`: what a declaration's shape keeps of an API object, and how it flattens."""

from __future__ import annotations

from pipelines.sources.shaping import reduce

PULL = {
    "id": 7,
    "title": "Fix",
    "user": {"login": "ana", "id": 3, "type": "User", "avatar_url": "https://a"},
    "base": {"ref": "main", "repo": {"full_name": "acme/api", "id": 9, "private": False}},
    "labels": [{"name": "bug", "color": "f00"}, {"name": "p1", "color": "0f0"}],
    "body": "long text",
    "draft": False,
}
SHAPE = {
    "id": True,
    "title": True,
    "user": {"login": True, "type": True},
    "base": {"repo": {"full_name": True}},
    "labels": [{"name": True}],
}


def test_keeps_only_the_shape_and_flattens_nested_objects() -> None:
    assert reduce(PULL, SHAPE) == {
        "id": 7,
        "title": "Fix",
        "user__login": "ana",
        "user__type": "User",
        "base__repo__full_name": "acme/api",
        "labels": [{"name": "bug"}, {"name": "p1"}],
    }


def test_missing_and_null_objects_still_give_every_column() -> None:
    row = reduce({"id": 8, "user": None}, SHAPE)
    assert row == {
        "id": 8,
        "title": None,
        "user__login": None,
        "user__type": None,
        "base__repo__full_name": None,
        "labels": [],
    }
    assert reduce(None, {"id": True}) == {"id": None}


def test_with_ignore_new_scalar_fields_are_kept_and_known_ones_dropped() -> None:
    row = reduce(PULL, SHAPE, ignore=frozenset({"body"}))
    assert row["draft"] is False  # not in the shape, not ignored: a field the API added
    assert "body" not in row
    # Objects and lists outside the shape never come through on their own.
    extra = reduce({**PULL, "head": {"ref": "x"}, "assignees": []}, SHAPE, ignore=frozenset())
    assert "head" not in extra and "assignees" not in extra and "head__ref" not in extra


def test_the_prefix_names_a_nested_reduction() -> None:
    assert reduce({"login": "bo"}, {"login": True}, "author__") == {"author__login": "bo"}
