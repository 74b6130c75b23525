"""The code tables users filter on (SPEC §2 Setup): list, add, change and delete codes.

A code table is one of `CODE_TABLES`, each the import table of the same name, so its
columns, conversions and references are those of `rapport import` (`transfer.tables`). A
code that a contact, a template or another record still uses cannot be deleted; the rows
that go with a code (a salutation's formulas, as Business Central's Salutation.OnDelete
deletes them) are deleted with it.

A row is named by its code. A table keyed on more than one field (`salutation_formulas`:
salutation code, language code) names a row by its key fields joined by commas, blank
ones at the end left out: `MR,NLB` is Mister in Dutch (Belgium), `MR` Mister without a
language. Every row read carries that name as `code`.
"""

from __future__ import annotations

import difflib
from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import ColumnElement, and_, delete, func, insert, select, update
from sqlalchemy.orm import Session

from rapport.errors import N_, Conflict, Invalid, NotFound, Text
from rapport.services._versions import Versioned, check_version, version_of
from rapport.services.setup.records import check_references, convert, editable_fields
from rapport.services.transfer.tables import TABLES, TableSpec, missing_row
from rapport.storage.db import Sessions, reading

CODE_TABLES = (
    "business_relations",
    "campaign_statuses",
    "countries",
    "industry_groups",
    "interaction_groups",
    "job_responsibilities",
    "languages",
    "mailing_groups",
    "organizational_levels",
    "sales_cycles",
    "salespeople",
    "salutation_formulas",
    "salutations",
    "territories",
    "web_sources",
)
# Between the key fields of a row's name (`MR,NLB`), in a table keyed on more than one.
KEY_SEPARATOR = ","


@dataclass(frozen=True)
class CodeTable:
    """A code table's rows, each a mapping of its columns in table order."""

    table: str
    columns: tuple[str, ...]
    rows: tuple[dict[str, Any], ...]


def spec_of(table: str) -> TableSpec:
    name = table.strip().lower()
    if name not in CODE_TABLES:
        close = difflib.get_close_matches(name, CODE_TABLES, n=1)
        hint = N_("; did you mean {name}?", name=close[0]) if close else Text("")
        raise Invalid(
            N_(
                "no code table {name!r}{hint} (code tables: {tables})",
                name=name,
                hint=hint,
                tables=", ".join(CODE_TABLES),
            )
        )
    return TABLES[name]


def _columns(spec: TableSpec) -> tuple[str, ...]:
    return tuple(c.name for c in spec.columns)


def key_fields(table: str) -> tuple[str, ...]:
    """The fields that name a row of `table`: (`code`,), or those of a composite key."""
    return spec_of(table).key


def code_of(table: str, fields: Mapping[str, Any]) -> str:
    """The name of the row of `table` whose key fields are `fields` (a form's or a JSON
    body's); Invalid for a field of a composite key that holds a comma."""
    spec = spec_of(table)
    if spec.key == ("code",):
        return str(fields.get("code") or "")
    for name in spec.key:
        if KEY_SEPARATOR in str(fields.get(name) or ""):
            raise Invalid(N_("{field} cannot hold a comma", field=name), where=name)
    return _name(spec, {name: str(fields.get(name) or "").strip() for name in spec.key})


def _name(spec: TableSpec, key: Mapping[str, Any]) -> str:
    if spec.key == ("code",):
        return str(key["code"])
    return KEY_SEPARATOR.join(str(key[name]) for name in spec.key).rstrip(KEY_SEPARATOR)


def _key(spec: TableSpec, code: str) -> dict[str, str]:
    """The key fields of the row `code` names, trimmed and upper-cased."""
    if spec.key == ("code",):
        parts = [code]
    else:
        parts = code.split(KEY_SEPARATOR)
        if len(parts) > len(spec.key):
            raise Invalid(
                N_(
                    "{code!r} names more fields than the key of {name} ({fields}, joined by "
                    "commas)",
                    code=code,
                    name=spec.name,
                    fields=", ".join(spec.key),
                ),
                where="code",
            )
    parts += [""] * (len(spec.key) - len(parts))
    key = {}
    for name, part in zip(spec.key, parts, strict=True):
        value = part.strip().upper()
        column = spec.column(name)
        length = (column.length if column else None) or 20
        if len(value) > length or (not value and (column is None or column.required)):
            raise Invalid(
                N_("{code!r} must be 1 to {length} characters", code=part, length=length),
                where="code" if spec.key == ("code",) else name,
            )
        key[name] = value
    return key


def _where(spec: TableSpec, key: Mapping[str, str]) -> ColumnElement[bool]:
    return and_(*(spec.table.c[name] == value for name, value in key.items()))


def _read(row: Mapping[Any, Any], spec: TableSpec) -> dict[str, Any]:
    """A row as read: its fields, after its name (`code`) in a table with a composite key."""
    fields = dict(row)
    return fields if spec.key == ("code",) else {"code": _name(spec, fields), **fields}


def _row(
    session: Session, spec: TableSpec, key: Mapping[str, str], *, lock: bool = False
) -> dict[str, Any] | None:
    query = select(spec.table).where(_where(spec, key))
    found = session.execute(query.with_for_update() if lock else query).first()
    return _read(found._mapping, spec) if found else None


def _missing(spec: TableSpec, key: Mapping[str, str]) -> NotFound:
    """The code `key` of `spec`'s table is not there: BC's sentence with each key field."""
    return NotFound(missing_row(spec.table, key))


def get_all(sessions: Sessions, table: str) -> CodeTable:
    """The codes of `table`, by code (by the key fields in their order)."""
    spec = spec_of(table)
    with reading(sessions) as session:
        order = [spec.table.c[name] for name in spec.key]
        rows = session.execute(select(spec.table).order_by(*order))
        return CodeTable(spec.name, _columns(spec), tuple(_read(r._mapping, spec) for r in rows))


def get_code(sessions: Sessions, table: str, code: str) -> Versioned[dict[str, Any]]:
    """One code of `table` with every field, and the version a change of it names."""
    spec = spec_of(table)
    key = _key(spec, code)
    with reading(sessions) as session:
        row = _row(session, spec, key)
    if row is None:
        raise _missing(spec, key)
    return Versioned(row, version_of(row))


def add_code(
    sessions: Sessions, table: str, code: str, *, values: Sequence[tuple[str, str]] = ()
) -> dict[str, Any]:
    """A new code in `table` with the given fields; Conflict when it exists. The fields of
    a composite key must name existing codes (a salutation, a language), as on import."""
    spec = spec_of(table)
    key = _key(spec, code)
    given = convert(spec, values, editable=editable_fields(spec, without=spec.key))
    with sessions.begin() as session:
        check_references(session, spec, key | given)
        if _row(session, spec, key) is not None:
            raise Conflict(
                N_("{name}: code {key} already exists.", name=spec.name, key=_name(spec, key))
            )
        session.execute(insert(spec.table).values(**key, **given))
        return _row(session, spec, key) or {}


def set_code(
    sessions: Sessions,
    table: str,
    code: str,
    *,
    values: Sequence[tuple[str, str]],
    expected_version: Collection[str] | None = None,
) -> dict[str, Any]:
    """Change fields of an existing code (its code itself stays). With `expected_version`,
    the code must still be at one of those versions (else Stale, nothing changed)."""
    spec = spec_of(table)
    key = _key(spec, code)
    given = convert(spec, values, editable=editable_fields(spec, without=spec.key))
    with sessions.begin() as session:
        row = _row(session, spec, key, lock=True)
        if row is None:
            raise _missing(spec, key)
        check_version(row, expected_version, what=N_("{table} code", table=spec.name))
        check_references(session, spec, given)
        if given:
            session.execute(update(spec.table).where(_where(spec, key)).values(**given))
        return _row(session, spec, key) or {}


def delete_code(sessions: Sessions, table: str, code: str) -> dict[str, Any]:
    """Delete a code no record uses; Conflict naming where it is used otherwise."""
    spec = spec_of(table)
    key = _key(spec, code)
    with sessions.begin() as session:
        row = _row(session, spec, key)
        if row is None:
            raise _missing(spec, key)
        for where, count in _uses(session, spec, _name(spec, key)):
            raise Conflict(
                N_(
                    "{name}: code {key} is used by {count} {where} and cannot be deleted.",
                    name=spec.name,
                    key=_name(spec, key),
                    count=count,
                    where=where,
                )
            )
        session.execute(delete(spec.table).where(_where(spec, key)))
        return row


def _goes_with(table: TableSpec, columns: tuple[str, ...]) -> bool:
    """Whether the rows of `table` whose `columns` name a code are deleted with it: their
    foreign key cascades (a salutation's formulas)."""
    return any(
        tuple(fk.column_keys) == columns and fk.ondelete == "CASCADE"
        for fk in table.table.foreign_key_constraints
    )


def _uses(session: Session, spec: TableSpec, key: str) -> list[tuple[str, int]]:
    """The (table, row count) of every import table whose declared references use `key`,
    but for the rows that go with it."""
    found = []
    for other in TABLES.values():
        for ref in other.references:
            if ref.table is not spec.table or len(ref.columns) != 1:
                continue
            if _goes_with(other, ref.columns):
                continue
            file_column = other.column(ref.columns[0])
            column = other.table.c[file_column.target if file_column else ref.columns[0]]
            count = int(session.scalar(select(func.count()).where(column == key)) or 0)
            if count:
                found.append((other.name, count))
    return found
