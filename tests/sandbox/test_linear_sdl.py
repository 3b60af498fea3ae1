"""The sandbox's Linear SDL is a faithful subset of Linear's published schema."""

from __future__ import annotations

from graphql import GraphQLScalarType, GraphQLSchema, build_schema

from sandbox.linear.make_schema import build
from sandbox.linear.model import ENTITIES, ENTITY_TYPES, RELATIONS, SCALAR_FIELDS
from sandbox.linear.schema import SDL_PATH, executable_schema
from tests.support.sdl_subset import assert_regenerated, assert_subset_of_published


def sandbox_sdl() -> GraphQLSchema:
    return build_schema(SDL_PATH.read_text())


def test_every_declaration_matches_the_published_schema() -> None:
    assert_subset_of_published(SDL_PATH, "linear", whole=False)


def test_the_committed_sdl_is_what_make_schema_generates() -> None:
    assert_regenerated(build, SDL_PATH, "linear")


def test_sdl_has_no_descriptions_and_custom_scalars_only_where_needed() -> None:
    text = SDL_PATH.read_text()
    assert '"""' not in text
    scalars = {n for n, t in sandbox_sdl().type_map.items() if isinstance(t, GraphQLScalarType)}
    assert scalars - {"String", "Int", "Float", "Boolean", "ID"} == {
        "DateTime",
        "DateTimeOrDuration",
        "TimelessDate",
        "JSONObject",  # Attachment.metadata
    }


def test_served_fields_are_exactly_the_model() -> None:
    schema = executable_schema()
    for entity in ENTITIES:
        fields = set(schema.type_map[ENTITY_TYPES[entity]].fields)  # type: ignore[union-attr]
        served = set(SCALAR_FIELDS[entity]) | set(RELATIONS[entity])
        assert served <= fields
        extra = fields - served
        assert all(
            str(schema.type_map[ENTITY_TYPES[entity]].fields[f].type).endswith("Connection!")  # type: ignore[union-attr]
            for f in extra
        ), extra
