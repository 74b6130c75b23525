"""Browsing contacts (K1, K2) a page at a time: the criteria filter and a plain search, read
by keyset on the contact no. so a page costs the same at the millionth contact; and the
segments a contact is on, which the contact card shows beside the contact's own facts.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import ColumnElement, and_, func, or_, select

from rapport.criteria import Criteria
from rapport.services._criteria import optional_criteria
from rapport.services.contacts import cards
from rapport.services.contacts._fields import find_contact
from rapport.services.contacts.results import ContactRead
from rapport.storage.db import Sessions, reading
from rapport.storage.tables import (
    Contact,
    SegmentHeader,
    SegmentLine,
    table_of,
)

contacts = table_of(Contact)
lines = table_of(SegmentLine)
headers = table_of(SegmentHeader)
SEARCHED = ("no", "name", "company_name", "email", "city")


@dataclass(frozen=True)
class ContactPage:
    """One page of contacts; `next_after` is the no. to continue after, None on the last."""

    items: tuple[ContactRead, ...]
    next_after: str | None


@dataclass(frozen=True)
class SegmentOfContact:
    no: str
    description: str


@dataclass(frozen=True)
class ContactExtras:
    """The segments the contact is on now (the card shows them beside its own facts)."""

    segments: tuple[SegmentOfContact, ...]


def search_condition(text: str) -> ColumnElement[bool]:
    """Contacts whose no., name, company name, e-mail or city contains `text` (any case)."""
    escaped = text.strip().lower()
    for special in ("\\", "%", "_"):
        escaped = escaped.replace(special, "\\" + special)
    pattern = f"%{escaped}%"
    return or_(*(func.lower(contacts.c[name]).like(pattern, escape="\\") for name in SEARCHED))


def page(
    sessions: Sessions,
    *,
    criteria: Criteria | None = None,
    search: str = "",
    after: str | None = None,
    size: int = 50,
) -> ContactPage:
    """K1: the contacts after no. `after` that the criteria select and the search finds."""
    conditions: list[ColumnElement[bool]] = []
    checked = optional_criteria(criteria, database=sessions)
    if checked is not None:
        conditions.append(checked.condition())
    if search.strip():
        conditions.append(search_condition(search))
    if after:
        conditions.append(contacts.c.no > after)
    where = and_(*conditions) if conditions else None
    found = tuple(cards.get_all(sessions, condition=where, limit=size + 1))
    following = found[size - 1].no if len(found) > size else None
    return ContactPage(found[:size], following)


def extras(sessions: Sessions, no: str) -> ContactExtras:
    """K2: the segments the contact is on now (not the lines removed, kept for undo)."""
    with reading(sessions) as session:
        contact = find_contact(session, no)
        segments = session.execute(
            select(headers.c.no, headers.c.description)
            .join(lines, lines.c.segment_id == headers.c.id)
            .where(lines.c.contact_id == contact.id, lines.c.removed_action.is_(None))
            .distinct()
            .order_by(headers.c.no)
        )
        return ContactExtras(tuple(SegmentOfContact(row.no, row.description) for row in segments))
