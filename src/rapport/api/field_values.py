"""A record's fields by name over HTTP: the body of the routes that change a template, a
campaign, a code or the marketing setup, as `rapport … set CODE FIELD=VALUE…` takes them.

The body is a JSON object of field names and plain values (text, number, boolean, `null`
to clear); each becomes the FIELD=VALUE text the service converts and checks as an import
cell is, so an unknown field or a bad value is the service's 422 naming the field.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Annotated

from fastapi import Body
from pydantic import Field, StrictBool, StrictInt, StringConstraints

from rapport.api.segments import field_text
from rapport.errors import Invalid

FieldName = Annotated[str, StringConstraints(min_length=1, max_length=64)]
FieldValue = Annotated[str, Field(max_length=250)] | StrictBool | StrictInt | float | None
Values = Annotated[dict[FieldName, FieldValue], Field(max_length=64)]


def values_body(example: dict[str, FieldValue], description: str) -> object:
    """The documented `Body` of a mapping of fields."""
    return Body(examples=[example], description=description)


def assignments(values: Mapping[str, FieldValue]) -> list[tuple[str, str]]:
    """The FIELD=VALUE pairs of a body, in its order."""
    return [(name, field_text(value)) for name, value in values.items()]


def changes(values: Mapping[str, FieldValue]) -> list[tuple[str, str]]:
    """The pairs of a change, which names at least one field."""
    if not values:
        raise Invalid("give at least one field to change", field="body")
    return assignments(values)
