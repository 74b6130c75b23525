"""X1: criteria as one value (subject, tree, canonical text) made from text or from the JSON
tree; the JSON form pinned by its JSON Schema; the criteria of manual actions built as trees.

The schema is checked with a small validator of the JSON Schema keywords it uses (jsonschema
is not a dependency), itself tested on documents that must fail.
"""

from __future__ import annotations

import dataclasses
import json
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from rapport.criteria import (
    CAMPAIGNS,
    CONTACTS,
    ENTRIES,
    LOGGED_SEGMENTS,
    SEGMENTS,
    Criteria,
    contact_nos,
    from_json,
    json_schema,
    logged_segment_contacts,
    no_contact,
    parse,
    render,
    to_json,
)
from rapport.criteria.tree import And, Compare, Or
from rapport.errors import Invalid
from tests.reference import combined, criteria_trees, leaves

# --- a validator of the JSON Schema keywords json_schema() uses ---------------------------

_TYPES = {
    "object": lambda v: isinstance(v, dict),
    "array": lambda v: isinstance(v, list),
    "string": lambda v: isinstance(v, str),
    "boolean": lambda v: isinstance(v, bool),
    "null": lambda v: v is None,
    "integer": lambda v: isinstance(v, int) and not isinstance(v, bool),
    "number": lambda v: isinstance(v, int | float) and not isinstance(v, bool),
}


def errors(value: Any, schema: dict[str, Any], root: dict[str, Any]) -> list[str]:
    """Why `value` does not match `schema` (empty when it does)."""
    if "$ref" in schema:
        return errors(value, root["$defs"][schema["$ref"].split("/")[-1]], root)
    if "oneOf" in schema:
        matching = [s for s in schema["oneOf"] if not errors(value, s, root)]
        return [] if len(matching) == 1 else [f"{value!r} matches {len(matching)} alternatives"]
    kinds = schema.get("type")
    if kinds is not None:
        kinds = [kinds] if isinstance(kinds, str) else kinds
        if not any(_TYPES[kind](value) for kind in kinds):
            return [f"{value!r} is not {kinds}"]
    found = _value_errors(value, schema)
    if isinstance(value, dict):
        found += _object_errors(value, schema, root)
    if isinstance(value, list):
        for item in value:
            found += errors(item, schema.get("items", {}), root)
    return found


def _value_errors(value: Any, schema: dict[str, Any]) -> list[str]:
    checks = [
        ("enum" in schema and value not in schema["enum"], "is not listed"),
        ("const" in schema and value != schema.get("const"), "is not the constant"),
        (isinstance(value, list) and len(value) < schema.get("minItems", 0), "is too short"),
        (isinstance(value, str) and len(value) < schema.get("minLength", 0), "is too short"),
        (_TYPES["integer"](value) and value < schema.get("minimum", value), "is too small"),
    ]
    return [f"{value!r} {why}" for failed, why in checks if failed]


def _object_errors(
    value: dict[str, Any], schema: dict[str, Any], root: dict[str, Any]
) -> list[str]:
    found = [f"{key!r} is required" for key in schema.get("required", []) if key not in value]
    properties = schema.get("properties", {})
    for key, item in value.items():
        if key in properties:
            found += errors(item, properties[key], root)
        elif schema.get("additionalProperties") is False:
            found.append(f"{key!r} is not allowed")
    return found


def valid(value: Any, schema: dict[str, Any]) -> bool:
    return not errors(value, schema, schema)


@pytest.mark.parametrize(
    "document",
    [
        {"field": "country", "op": "=", "value": "BE"},
        {"and": [{"field": "excluded", "value": True}, {"not": {"segment": "SEG1"}}]},
        {"relation": "interaction", "where": {"field": "interaction_template_code", "value": "A"}},
        {"relation": "mailing_group", "where": None},
        {"or": [{"logged_segment": 3}, {"field": "created", "op": "is empty"}]},
    ],
)
def test_x1_the_schema_accepts_the_json_form(document):
    assert valid(document, json_schema())
    from_json(document)  # and so does the reader


@pytest.mark.parametrize(
    "document",
    [
        [],
        {"and": [{"field": "country", "value": "BE"}]},  # and takes two or more
        {"field": "contry", "value": "BE"},  # unknown field
        {"field": "country", "op": "like", "value": "B"},  # unknown operator
        {"field": "excluded", "op": "<", "value": True},  # not an operator of yes/no fields
        {"field": "country", "value": "BE", "extra": 1},
        {"relation": "profil"},
        {"relation": "profile", "where": {"field": "country", "value": "BE"}},
        {"segment": ""},
        {"logged_segment": -1},
        {"field": "country", "op": "in", "values": []},
        {"field": "excluded"},  # a value is needed
        {"field": "country", "op": "in", "value": "BE"},  # a list takes values
        {"field": "email", "op": "is empty", "value": ""},
        {"field": "name", "op": "matches", "value": 3},
        {"relation": "profile", "when": None},
    ],
)
def test_x1_the_schema_refuses_what_the_reader_refuses(document):
    assert not valid(document, json_schema())
    with pytest.raises(Invalid):
        from_json(document)


def test_x1_the_schema_of_another_subject_names_its_own_fields():
    schema = json_schema(ENTRIES)
    assert valid({"field": "interaction_template_code", "value": "ABSTRACT"}, schema)
    assert valid({"field": "template", "op": "in", "values": ["A", "B"]}, schema)
    assert not valid({"field": "country", "value": "BE"}, schema)
    assert not valid({"segment": "SEG1"}, schema)  # memberships are for contacts
    assert set(schema["$defs"]) == {"criteria"}
    json.dumps(schema)  # plain JSON, ready for an OpenAPI document


# --- text → tree → JSON → tree → text -----------------------------------------------------

SUBJECT_TREES = [
    (CONTACTS, criteria_trees(max_leaves=8)),
    *(
        (subject, combined(leaves(dict(subject.fields)), 6))
        for subject in (ENTRIES, SEGMENTS, LOGGED_SEGMENTS, CAMPAIGNS)
    ),
]


@settings(max_examples=300, deadline=None)
@given(st.data())
def test_x1_text_tree_json_tree_text_gives_the_canonical_text(data):
    """X1: on every subject, the canonical text of a tree reads back as the tree; its JSON
    validates against the subject's schema, reads back as the same tree and so as the same
    canonical text; the Criteria made from the text and from the JSON are equal."""
    subject, trees = data.draw(st.sampled_from(SUBJECT_TREES))
    text = render(data.draw(trees), subject)
    tree = parse(text, subject)
    document = json.loads(json.dumps(to_json(tree)))
    assert valid(document, json_schema(subject)), errors(document, json_schema(subject), {})
    assert render(from_json(document, subject=subject), subject) == text
    assert Criteria.parse(document, subject=subject) == Criteria.parse(text, subject=subject)


# --- the value ----------------------------------------------------------------------------


def test_x1_criteria_hold_subject_tree_and_canonical_text():
    criteria = Criteria.parse("Country = be AND not excluded")
    assert criteria.subject is CONTACTS
    assert criteria.tree == parse("country = BE and not excluded")
    assert criteria.text == str(criteria) == "country = BE and not excluded"
    assert criteria.describe() == "country/region is BE and not excluded from segments"
    assert [text for text, _ in criteria.parts()] == ["country = BE", "not excluded"]
    assert criteria.to_json() == {
        "and": [
            {"field": "country", "op": "=", "value": "BE"},
            {"not": {"field": "excluded", "op": "=", "value": True}},
        ]
    }
    with pytest.raises(dataclasses.FrozenInstanceError):
        criteria.text = "x"  # type: ignore[misc]


def test_x1_criteria_from_text_and_from_json_are_equal_and_compile_alike():
    text = Criteria.parse("segment_no = seg1 and date >= today - 2 w", subject=ENTRIES)
    tree = Criteria.parse(
        {
            "and": [
                {"field": "segment", "value": "SEG1"},
                {"field": "date", "op": ">=", "value": "today - 2w"},
            ]
        },
        subject=ENTRIES,
    )
    assert text == tree
    assert text.text == "segment = SEG1 and date >= today - 2w"
    assert str(text.select_ids().compile()) == str(tree.select_ids().compile())
    assert "interaction_log_entries.entry_no" in str(text.select_ids().compile())
    assert "contacts.id" in str(Criteria.parse("no = C1").select_ids().compile())


@pytest.mark.parametrize(
    ("source", "message"),
    [
        ("contry = BE", "line 1, col 1: unknown field 'contry'"),
        ({"field": "contry", "value": "BE"}, "$.field: unknown field 'contry'"),
        (["country = BE"], "$: criteria are a text or a JSON object"),
        ("", "the criteria are empty"),
    ],
)
def test_x1_bad_criteria_name_the_position_or_path(source, message):
    with pytest.raises(Invalid) as caught:
        Criteria.parse(source)
    assert message in str(caught.value)


def test_s5_manual_criteria_are_built_as_trees_and_read_back():
    """S5, S10: add or remove contact and reuse logged segment record criteria built as
    trees, rendered in canonical text: no formatting of criteria text by hand."""
    assert contact_nos(" c1 ").text == "no = C1"
    assert contact_nos("C1", "o'brien", "C1").text == "no in (C1, 'O''BRIEN')"
    assert contact_nos("and").text == "no = 'AND'"
    assert parse(contact_nos("a b").text) == Compare("no", "=", "A B")
    assert no_contact().text == "no is empty"
    assert logged_segment_contacts(3).text == "logged_segment(3)"
    with pytest.raises(Invalid, match="at least one contact"):
        contact_nos()


def test_x1_a_tree_built_in_code_must_read_back_as_itself():
    with pytest.raises(Invalid, match="does not read back"):
        Criteria.of(And((Compare("no", "=", "A"),)))
    assert Criteria.of(Or((Compare("no", "=", "A"), Compare("no", "=", "B")))).text == (
        "no = A or no = B"
    )


def test_x1_inside_interaction_the_spec_6_names_are_aliases_too():
    """X1: the interaction fields are declared once, for `interaction(…)` on contacts and for
    the interaction log entries, with the same canonical names and aliases."""
    aliased = parse("interaction(interaction_template_code = abstract and segment_no = seg1)")
    assert aliased == parse("interaction(template = ABSTRACT and segment = SEG1)")
    assert render(aliased) == "interaction(template = ABSTRACT and segment = SEG1)"
    shared = CONTACTS.relations["interaction"].fields
    assert all(ENTRIES.fields[name] is field for name, field in shared.items())


def test_x1_every_name_of_a_subject_means_one_thing():
    """X1: within a subject (and within each relation) no alias is another field's name, and
    no field is named like a relation or a membership, so a name never reads two ways."""
    for subject in (CONTACTS, ENTRIES, SEGMENTS, LOGGED_SEGMENTS, CAMPAIGNS):
        scopes = [subject.fields, *(rel.fields for rel in subject.relations.values())]
        for fields in scopes:
            names = [name for field in fields.values() for name in (field.name, *field.aliases)]
            assert len(names) == len(set(names)), subject.name
        top = {name for field in subject.fields.values() for name in (field.name, *field.aliases)}
        assert not top & {*subject.relations, *subject.memberships}, subject.name
