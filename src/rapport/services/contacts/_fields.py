"""Contact fields and the lookups every contact service shares (K1, K2).

`FIELDS` declares once how each contact field (named as in the criteria language, SPEC §5,
and as the contacts table's column) is converted from text and checked, with the domain
rules the import applies too (a field's length, an e-mail address's form, a code naming a
record of its code table). `find_contact` is the one way a service finds a contact by its
no.; `Assigned` (defined in `results`) is how an assignment (a group, relation,
responsibility, web source or profile answer) is shown.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from rapport.criteria.names import suggestion
from rapport.domain.codes import normalize_code
from rapport.domain.enums import ContactType, CorrespondenceType, parse_enum
from rapport.domain.rules import CONTACT_CODES, CONTACT_EMAIL, DATE_FORM, TEXT_LENGTH
from rapport.errors import N_, NO_FIELD, Invalid, does_not_exist, text_of
from rapport.services.contacts.results import Assigned as Assigned
from rapport.storage.db import is_postgresql
from rapport.storage.tables import Base, Contact, length_of

FieldValue = str | bool | dt.date | None
Converter = Callable[[str, FieldValue], Any]


def find_contact(
    session: Session, no: str, *, lock: bool = False, field: str | None = None
) -> Contact:
    """The contact `no` (trimmed, upper-cased), or NotFound; `lock` holds it until commit.
    `field` names the input that named the contact when it is not the one the caller acts
    on (the other contact of a merge)."""
    key = no.strip().upper()
    query = select(Contact).where(Contact.no == key)
    if lock and is_postgresql(session):
        query = query.with_for_update()
    contact = session.scalars(query).one_or_none()
    if contact is None:
        raise does_not_exist(N_("Contact"), (NO_FIELD, key), field=field)
    return contact


def relation_code(value: str, relation: str) -> str:
    try:
        code = normalize_code(value, length=10, field=relation)
    except ValueError as exc:
        raise Invalid(text_of(exc)) from exc
    if not code:
        raise Invalid(N_("a code is required"), field=relation)
    return code


def _text(*, upper: bool = False) -> Converter:
    """A text field, at most as long as its column (`TEXT_LENGTH`)."""

    def convert(field: str, value: FieldValue) -> str:
        text = ("" if value is None else str(value)).strip()
        TEXT_LENGTH.check(field, text, length_of(Contact, field))
        return text.upper() if upper else text

    return convert


def _code() -> Converter:
    """A code field: trimmed, upper-cased, at most as long as its column (`TEXT_LENGTH`)."""

    def convert(field: str, value: FieldValue) -> str:
        code = normalize_code(None if value is None else str(value), length=None)
        TEXT_LENGTH.check(field, code, length_of(Contact, field))
        return code

    return convert


def _enum(enum: Any) -> Converter:
    def convert(field: str, value: FieldValue) -> str:
        try:
            return str(parse_enum(enum, "" if value is None else str(value), field=field).value)
        except ValueError as exc:
            raise Invalid(text_of(exc)) from exc

    return convert


def _bool(field: str, value: FieldValue) -> bool:
    if isinstance(value, bool):
        return value
    text = ("" if value is None else str(value)).strip().lower()
    if text in {"true", "1", "yes"}:
        return True
    if text in {"false", "0", "no", ""}:
        return False
    raise Invalid(N_("{value!r} is not true or false", value=value), field=field)


def _date(field: str, value: FieldValue) -> dt.date | None:
    if value is None or isinstance(value, dt.date):
        return value
    return DATE_FORM.check(field, str(value))


def _email(field: str, value: FieldValue) -> str:
    text = _text()(field, value)
    CONTACT_EMAIL.check(text)
    return str(text)


FIELDS: dict[str, Converter] = {
    "no": _code(),
    "name": _text(),
    "search_name": _text(upper=True),
    "type": _enum(ContactType),
    "company_no": _code(),
    "company_name": _text(),
    "address": _text(),
    "post_code": _code(),
    "city": _text(),
    "county": _text(),
    "country": _code(),
    "territory": _code(),
    "salesperson": _code(),
    "language": _code(),
    "email": _email,
    "phone": _text(),
    "mobile": _text(),
    "correspondence_type": _enum(CorrespondenceType),
    "excluded": _bool,
    "privacy_blocked": _bool,
    "job_title": _text(),
    "organizational_level": _code(),
    "vat_no": _code(),  # a code, as the schema, the criteria and the import keep it
    "salutation": _code(),
    "created": _date,
}


def convert_fields(given: Mapping[str, FieldValue]) -> dict[str, Any]:
    """The given fields converted and validated one by one (unknown names are Invalid)."""
    values: dict[str, Any] = {}
    for name, value in given.items():
        key = name.strip().lower()
        if key not in FIELDS:
            hint = suggestion(key, list(FIELDS))
            raise Invalid(N_("unknown contact field '{name}'{hint}", name=name, hint=hint))
        values[key] = FIELDS[key](key, value)
    return values


def check_references(session: Session, values: Mapping[str, Any]) -> None:
    """Every code among `values` names a record of its code table (the contacts' `CodeExists`
    rules, which the import checks too): NotFound naming the field of one that does not."""
    for rule in CONTACT_CODES:
        code = values.get(rule.field)
        if code:
            target = Base.metadata.tables[rule.target]
            found = select(target.c[rule.target_field]).where(target.c[rule.target_field] == code)
            rule.check(code, exists=session.execute(found).first() is not None)
