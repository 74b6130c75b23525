"""The JSON form of criteria as a JSON Schema (draft 2020-12), from the registry (X1): what
the API accepts as criteria and embeds in its OpenAPI document, and what
docs/criteria-language.md shows.

    {"and": [C, C, …]}   {"or": [C, C, …]}   {"not": C}
    {"field": F, "op": OP, "value": V}         one value (=, !=, <, <=, >, >=, matches);
                                               "op" may be left out for =
    {"field": F, "op": "in", "values": [V, …]} a list (in, not in)
    {"field": F, "op": "is empty"}             nothing (is empty, is not empty)
    {"relation": R, "where": C | null}         a related row exists (contacts)
    {"segment": "SEG…"}   {"logged_segment": N} memberships (contacts)

Each field is listed with its canonical name and aliases, the operators it takes and the
JSON type of its values (dates and decimals are written as text: "2026-01-31", "2.50").
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from rapport.criteria import fields as registry
from rapport.criteria.operators import Takes, ValueType, operator

SCHEMA = "https://json-schema.org/draft/2020-12/schema"
_JSON_TYPES: dict[ValueType, list[str]] = {
    ValueType.CODE: ["string", "number"],
    ValueType.TEXT: ["string", "number"],
    ValueType.ENUM: ["string"],
    ValueType.BOOL: ["boolean", "string"],
    ValueType.DATE: ["string"],
    ValueType.INT: ["integer", "string"],
    ValueType.DECIMAL: ["number", "string"],
}


def json_schema(subject: registry.Subject = registry.CONTACTS) -> dict[str, Any]:
    """The JSON Schema of criteria on `subject`'s rows."""
    defs = {"criteria": _criteria("criteria", subject.fields, _extras(subject))}
    for rel in subject.relations.values():
        defs[f"{rel.name}_criteria"] = _criteria(f"{rel.name}_criteria", rel.fields, [])
    return {
        "$schema": SCHEMA,
        "title": f"Criteria on {subject.label} rows",
        "$ref": "#/$defs/criteria",
        "$defs": defs,
    }


def _object(required: str, **properties: Any) -> dict[str, Any]:
    return {
        "type": "object",
        "properties": properties,
        "required": [required],
        "additionalProperties": False,
    }


def _criteria(
    name: str, fields: Mapping[str, registry.Field], extras: list[dict[str, Any]]
) -> dict[str, Any]:
    itself = {"$ref": f"#/$defs/{name}"}
    both = {"type": "array", "items": itself, "minItems": 2}
    return {
        "oneOf": [
            _object("and", **{"and": both}),
            _object("or", **{"or": both}),
            _object("not", **{"not": itself}),
            *(item for group in _groups(fields) for item in _conditions(group)),
            *extras,
        ]
    }


def _groups(fields: Mapping[str, registry.Field]) -> list[list[registry.Field]]:
    """The fields grouped by value type and operators, in registry order."""
    groups: dict[tuple[ValueType, tuple[str, ...]], list[registry.Field]] = {}
    for field in fields.values():
        groups.setdefault((field.type, field.operators), []).append(field)
    return list(groups.values())


def _conditions(fields: list[registry.Field]) -> list[dict[str, Any]]:
    """Conditions on one of `fields` (which share their value type and operators): one
    alternative per kind of operator, with the key that carries its value."""
    kind = fields[0].type
    names = {"enum": [name for field in fields for name in (field.name, *field.aliases)]}
    value: dict[str, Any] = {"type": _JSON_TYPES[kind]}
    if kind is ValueType.DATE:
        value["description"] = "YYYY-MM-DD, today, or today ± N d|w|m|y"
    takes: dict[Takes, list[str]] = {}
    for text in fields[0].operators:
        takes.setdefault(operator(text).takes, []).append(text)
    out = []
    for what, ops in takes.items():
        properties: dict[str, Any] = {"field": names, "op": {"enum": ops}}
        required = ["field", "op"]
        if what is Takes.VALUE:
            properties["op"]["default"] = "="
            properties["value"] = value
            required = ["field", "value"]
        elif what is Takes.FILTER:
            properties["value"] = {"type": "string", "description": "a Business Central filter"}
            required.append("value")
        elif what is Takes.VALUES:
            properties["values"] = {"type": "array", "items": value, "minItems": 1}
            required.append("values")
        out.append(
            {
                "type": "object",
                "properties": properties,
                "required": required,
                "additionalProperties": False,
            }
        )
    return out


def _extras(subject: registry.Subject) -> list[dict[str, Any]]:
    """Relations and memberships: only where the subject has them."""
    out = [
        _object(
            "relation",
            relation={"const": rel.name, "description": rel.label},
            where={"oneOf": [{"$ref": f"#/$defs/{rel.name}_criteria"}, {"type": "null"}]},
        )
        for rel in subject.relations.values()
    ]
    if "segment" in subject.memberships:
        out.append(_object("segment", segment={"type": "string", "minLength": 1}))
    if "logged_segment" in subject.memberships:
        out.append(_object("logged_segment", logged_segment={"type": "integer", "minimum": 0}))
    return out
