"""The fields a setup page edits (SPEC §2 Setup): for the marketing setup, the number
series and each code table, every field a user may set with its kind (text, code, enum,
bool, int, decimal, date), length and choices, read from the same column rules that check
the values (`records`), so a form never offers a field the service refuses."""

from __future__ import annotations

from dataclasses import dataclass

from rapport.services.setup import codes, marketing, series
from rapport.services.setup.records import editable_fields
from rapport.services.transfer.tables import TableSpec


@dataclass(frozen=True)
class FieldForm:
    """One settable field: its name, kind, most characters and choices (enumerations)."""

    name: str
    kind: str
    length: int | None
    choices: tuple[str, ...]


def _fields(spec: TableSpec, *, without: tuple[str, ...] = ()) -> tuple[FieldForm, ...]:
    settable = editable_fields(spec, without=without)
    return tuple(
        FieldForm(column.name, column.kind, column.length, column.choices)
        for column in spec.columns
        if column.name in settable
    )


def code_table_fields(table: str) -> tuple[FieldForm, ...]:
    """The fields of a code table besides its code (its key fields); Invalid for an unknown
    table."""
    spec = codes.spec_of(table)
    return _fields(spec, without=spec.key)


def code_table_keys(table: str) -> tuple[FieldForm, ...]:
    """The key fields of a code table keyed on more than one field (a salutation formula's
    salutation and language), which a new row's form asks for; none for a table keyed on
    its code."""
    spec = codes.spec_of(table)
    if spec.key == ("code",):
        return ()
    return tuple(
        FieldForm(column.name, column.kind, column.length, column.choices)
        for column in spec.columns
        if column.name in spec.key
    )


def setup_fields() -> tuple[FieldForm, ...]:
    """The marketing setup's fields."""
    return _fields(marketing.setup_spec())


def series_fields() -> tuple[FieldForm, ...]:
    """A number series' fields besides its code."""
    return _fields(series.series_spec(), without=("code",))
