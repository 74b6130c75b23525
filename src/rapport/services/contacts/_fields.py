"""Contact fields and the lookups every contact service shares (K1, K2).

`FIELDS` declares once how each contact field (named as in the criteria language, SPEC §5,
and as the contacts table's column) is converted from text and checked; `REFERENCES` names
the setup table a code field must exist in. `find_contact` is the one way a service finds
a contact by its no.; `Assigned` (defined in `results`) is how an assignment (a group,
relation, responsibility, web source or profile answer) is shown.
"""

from __future__ import annotations

import datetime as dt
import difflib
from collections.abc import Callable, Mapping
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from rapport.domain.codes import normalize_code
from rapport.domain.enums import ContactType, CorrespondenceType, parse_enum
from rapport.errors import Invalid, NotFound
from rapport.services.contacts.results import Assigned as Assigned
from rapport.storage.db import is_postgresql
from rapport.storage.tables import (
    Base,
    Contact,
    Country,
    Language,
    OrganizationalLevel,
    Salesperson,
    Salutation,
    Territory,
)

FieldValue = str | bool | dt.date | None
Converter = Callable[[str, FieldValue], Any]


def find_contact(session: Session, no: str, *, lock: bool = False) -> Contact:
    """The contact `no` (trimmed, upper-cased), or NotFound; `lock` holds it until commit."""
    key = no.strip().upper()
    query = select(Contact).where(Contact.no == key)
    if lock and is_postgresql(session):
        query = query.with_for_update()
    contact = session.scalars(query).one_or_none()
    if contact is None:
        raise NotFound(f"Contact {key} does not exist.")
    return contact


def relation_code(value: str, relation: str) -> str:
    try:
        code = normalize_code(value, length=10, field=relation)
    except ValueError as exc:
        raise Invalid(str(exc)) from exc
    if not code:
        raise Invalid("a code is required", field=relation)
    return code


def _text(length: int, *, upper: bool = False) -> Converter:
    def convert(field: str, value: FieldValue) -> str:
        text = ("" if value is None else str(value)).strip()
        if len(text) > length:
            raise Invalid(f"{text[:20]!r}… is longer than {length} characters", field=field)
        return text.upper() if upper else text

    return convert


def _code(length: int) -> Converter:
    def convert(field: str, value: FieldValue) -> str:
        try:
            return normalize_code(None if value is None else str(value), length=length, field=field)
        except ValueError as exc:
            raise Invalid(str(exc)) from exc

    return convert


def _enum(enum: Any) -> Converter:
    def convert(field: str, value: FieldValue) -> str:
        try:
            return str(parse_enum(enum, "" if value is None else str(value), field=field).value)
        except ValueError as exc:
            raise Invalid(str(exc)) from exc

    return convert


def _bool(field: str, value: FieldValue) -> bool:
    if isinstance(value, bool):
        return value
    text = ("" if value is None else str(value)).strip().lower()
    if text in {"true", "1", "yes"}:
        return True
    if text in {"false", "0", "no", ""}:
        return False
    raise Invalid(f"{value!r} is not true or false", field=field)


def _date(field: str, value: FieldValue) -> dt.date | None:
    if value is None or isinstance(value, dt.date):
        return value
    if not str(value).strip():
        return None
    try:
        return dt.date.fromisoformat(str(value).strip())
    except ValueError as exc:
        raise Invalid(f"{value!r} is not a date (YYYY-MM-DD)", field=field) from exc


def _email(field: str, value: FieldValue) -> str:
    text = _text(80)(field, value)
    for address in filter(None, (part.strip() for part in text.split(";"))):
        local, at, domain = address.partition("@")
        if not (local and at and domain) or "@" in domain or any(c.isspace() for c in address):
            raise Invalid(f"{address!r} is not a valid e-mail address", field=field)
    return str(text)


FIELDS: dict[str, Converter] = {
    "no": _code(20),
    "name": _text(100),
    "search_name": _text(100, upper=True),
    "type": _enum(ContactType),
    "company_no": _code(20),
    "company_name": _text(100),
    "address": _text(100),
    "post_code": _code(20),
    "city": _text(30),
    "county": _text(30),
    "country": _code(10),
    "territory": _code(10),
    "salesperson": _code(20),
    "language": _code(10),
    "email": _email,
    "phone": _text(30),
    "mobile": _text(30),
    "correspondence_type": _enum(CorrespondenceType),
    "excluded": _bool,
    "privacy_blocked": _bool,
    "job_title": _text(30),
    "organizational_level": _code(10),
    "vat_no": _text(20),
    "salutation": _code(10),
    "created": _date,
}

# Code field → the setup table it must exist in, and that table's name in messages.
REFERENCES: dict[str, tuple[type[Base], str]] = {
    "country": (Country, "Country/Region"),
    "territory": (Territory, "Territory"),
    "salesperson": (Salesperson, "Salesperson/Purchaser"),
    "language": (Language, "Language"),
    "organizational_level": (OrganizationalLevel, "Organizational Level"),
    "salutation": (Salutation, "Salutation"),
}


def convert_fields(given: Mapping[str, FieldValue]) -> dict[str, Any]:
    """The given fields converted and validated one by one (unknown names are Invalid)."""
    values: dict[str, Any] = {}
    for name, value in given.items():
        key = name.strip().lower()
        if key not in FIELDS:
            close = difflib.get_close_matches(key, list(FIELDS), n=1)
            hint = f" — did you mean '{close[0]}'?" if close else ""
            raise Invalid(f"unknown contact field '{name}'{hint}")
        values[key] = FIELDS[key](key, value)
    return values


def check_references(session: Session, values: Mapping[str, Any]) -> None:
    for name, (model, caption) in REFERENCES.items():
        code = values.get(name)
        if code and session.get(model, code) is None:
            raise NotFound(
                f"{caption} {code} does not exist.",
            )
