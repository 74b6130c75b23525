"""FIELD=VALUE edits of a record, with the import's column rules (`transfer.tables`).

A field is a file column of the table's spec: the text is converted as an import cell is
(codes trimmed and upper-cased, enumerations in lower snake_case, booleans true/false, ISO
dates, lengths), a number within its range (the `NumberRange` rules of domain/rules.py), and
every reference the spec declares must exist. Runs inside a caller's transaction.
"""

from __future__ import annotations

import difflib
from collections.abc import Collection, Sequence
from typing import Any

from sqlalchemy import and_, exists, select
from sqlalchemy.orm import Session

from rapport.domain.number_rules import ranges_of
from rapport.errors import N_, Invalid, NotFound, Text, text_of
from rapport.services.transfer.tables import TableSpec


def convert(
    spec: TableSpec, pairs: Sequence[tuple[str, str]], *, editable: Collection[str]
) -> dict[str, Any]:
    """The table column → value of each FIELD=VALUE, in the order given; Invalid for an
    unknown or read-only field (with a did-you-mean), for a bad value and for a number out
    of its rule's range (a negative cost or weight)."""
    ranges = ranges_of(spec.name)
    values: dict[str, Any] = {}
    for field, text in pairs:
        name = field.strip().lower()
        column = spec.column(name)
        if column is None or name not in editable:
            close = difflib.get_close_matches(name, list(editable), n=1)
            hint = N_("; did you mean {name}?", name=close[0]) if close else Text("")
            raise Invalid(
                N_(
                    "{table} has no field {name!r} to set{hint} (fields: {fields})",
                    table=spec.name,
                    name=name,
                    hint=hint,
                    fields=", ".join(editable),
                ),
                where=name,
            )
        try:
            values[column.target] = column.converter()(text)
        except ValueError as exc:
            raise Invalid(text_of(exc), where=name) from exc
        if name in ranges:
            ranges[name].check(values[column.target])
    return values


def check_references(session: Session, spec: TableSpec, values: dict[str, Any]) -> None:
    """Every code the values name exists (a blank one names nothing): the spec's references,
    which are the table's `CodeExists` rules (domain/rules.py) and its foreign keys, as the
    import checks them. One that is not there is NotFound naming its field."""
    for ref in spec.references:
        if not all(name in values for name in ref.columns) or values[ref.columns[0]] in ("", None):
            continue
        match = and_(
            *(
                ref.table.c[target] == values[name]
                for name, target in zip(ref.columns, ref.target, strict=True)
            )
        )
        found = bool(session.scalar(select(exists().where(match))))
        if ref.rule is not None:
            ref.rule.check(values[ref.columns[0]], exists=found)
        elif not found:
            named = (values[name] for name in ref.columns)
            raise NotFound(ref.message(*named), field=ref.columns[0])


def editable_fields(spec: TableSpec, *, without: Collection[str] = ()) -> tuple[str, ...]:
    """The spec's file columns a user may set, in table order."""
    return tuple(
        c.name for c in spec.columns if not c.derived and c.name not in without and c.name != "id"
    )
