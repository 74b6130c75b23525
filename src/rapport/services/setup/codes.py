"""The code tables users filter on (SPEC §2 Setup): list, add, change and delete codes.

A code table is one of `CODE_TABLES`, each the import table of the same name, so its
columns, conversions and references are those of `rapport import` (`transfer.tables`). A
code that a contact, a template or another record still uses cannot be deleted.
"""

from __future__ import annotations

import difflib
from collections.abc import Collection, Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import delete, func, insert, select, update
from sqlalchemy.orm import Session

from rapport.errors import N_, Conflict, Invalid, NotFound, Text
from rapport.services._versions import Versioned, check_version, version_of
from rapport.services.setup.records import check_references, convert, editable_fields
from rapport.services.transfer.tables import TABLES, TableSpec
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
    "salutations",
    "territories",
    "web_sources",
)


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


def _key(spec: TableSpec, code: str) -> str:
    key = code.strip().upper()
    length = spec.columns[0].length or 20
    if not key or len(key) > length:
        raise Invalid(
            N_("{code!r} must be 1 to {length} characters", code=code, length=length), where="code"
        )
    return key


def _row(
    session: Session, spec: TableSpec, key: str, *, lock: bool = False
) -> dict[str, Any] | None:
    query = select(spec.table).where(spec.table.c.code == key)
    found = session.execute(query.with_for_update() if lock else query).first()
    return dict(found._mapping) if found else None


def get_all(sessions: Sessions, table: str) -> CodeTable:
    """The codes of `table`, by code."""
    spec = spec_of(table)
    with reading(sessions) as session:
        rows = session.execute(select(spec.table).order_by(spec.table.c.code))
        return CodeTable(spec.name, _columns(spec), tuple(dict(r._mapping) for r in rows))


def get_code(sessions: Sessions, table: str, code: str) -> Versioned[dict[str, Any]]:
    """One code of `table` with every field, and the version a change of it names."""
    spec = spec_of(table)
    key = _key(spec, code)
    with reading(sessions) as session:
        row = _row(session, spec, key)
    if row is None:
        raise NotFound(N_("{name}: code {key} does not exist.", name=spec.name, key=key))
    return Versioned(row, version_of(row))


def add_code(
    sessions: Sessions, table: str, code: str, *, values: Sequence[tuple[str, str]] = ()
) -> dict[str, Any]:
    """A new code in `table` with the given fields; Conflict when it exists."""
    spec = spec_of(table)
    key = _key(spec, code)
    given = convert(spec, values, editable=editable_fields(spec, without=("code",)))
    with sessions.begin() as session:
        check_references(session, spec, given)
        if _row(session, spec, key) is not None:
            raise Conflict(N_("{name}: code {key} already exists.", name=spec.name, key=key))
        session.execute(insert(spec.table).values(code=key, **given))
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
    given = convert(spec, values, editable=editable_fields(spec, without=("code",)))
    with sessions.begin() as session:
        row = _row(session, spec, key, lock=True)
        if row is None:
            raise NotFound(N_("{name}: code {key} does not exist.", name=spec.name, key=key))
        check_version(row, expected_version, what=N_("{table} code", table=spec.name))
        check_references(session, spec, given)
        if given:
            session.execute(update(spec.table).where(spec.table.c.code == key).values(**given))
        return _row(session, spec, key) or {}


def delete_code(sessions: Sessions, table: str, code: str) -> dict[str, Any]:
    """Delete a code no record uses; Conflict naming where it is used otherwise."""
    spec = spec_of(table)
    key = _key(spec, code)
    with sessions.begin() as session:
        row = _row(session, spec, key)
        if row is None:
            raise NotFound(N_("{name}: code {key} does not exist.", name=spec.name, key=key))
        for where, count in _uses(session, spec, key):
            raise Conflict(
                N_(
                    "{name}: code {key} is used by {count} {where} and cannot be deleted.",
                    name=spec.name,
                    key=key,
                    count=count,
                    where=where,
                )
            )
        session.execute(delete(spec.table).where(spec.table.c.code == key))
        return row


def _uses(session: Session, spec: TableSpec, key: str) -> list[tuple[str, int]]:
    """The (table, row count) of every import table whose declared references use `key`."""
    found = []
    for other in TABLES.values():
        for ref in other.references:
            if ref.table is not spec.table or len(ref.columns) != 1:
                continue
            file_column = other.column(ref.columns[0])
            column = other.table.c[file_column.target if file_column else ref.columns[0]]
            count = int(session.scalar(select(func.count()).where(column == key)) or 0)
            if count:
                found.append((other.name, count))
    return found
