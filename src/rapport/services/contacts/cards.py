"""Contacts (K1): companies and the persons who work for them, created, edited and deleted.

Fields are named as in the criteria language (SPEC §5) and converted by `contact_fields`.
Business Central's rules: a company's company no. is its own no.; a person's company
must be a company, and its company name follows that company's name (a company's rename
updates its persons in one UPDATE); the search name follows the name unless it was set
apart; and the two segment guards of reference §1.10 — a contact on a segment line that is
still on its segment can neither change company nor be deleted.

Deleting a contact deletes what is kept about it (its satellite rows cascade) and the
segment lines that were removed from their segments (kept only for undo: a contact that no
longer exists cannot be restored). It is refused while the contact has interaction log
entries, opportunities or tasks, which are history that must not dangle, and while a
company still has persons.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator, Mapping
from typing import Any

from sqlalchemy import ColumnElement, Select, delete, exists, func, select, true
from sqlalchemy.orm import Session

from rapport.domain.enums import ContactType
from rapport.domain.rules import COMPANY_OWN_NO, PERSON_COMPANY
from rapport.errors import N_, NO_FIELD, Conflict, Invalid, does_not_exist
from rapport.services._criteria import CriteriaSource, optional_criteria
from rapport.services.contacts import inheritance
from rapport.services.contacts._fields import (
    FieldValue,
    check_references,
    convert_fields,
    find_contact,
)
from rapport.services.contacts.card import get as get  # K1/K2: the contact card
from rapport.services.contacts.relations import kept_for_type
from rapport.services.contacts.results import (
    READ_FIELDS,
    ContactRead,
)
from rapport.services.users import audit
from rapport.storage.db import Sessions, reading
from rapport.storage.number_series import manual_no_allowed, next_no, setup_series
from rapport.storage.search import contains
from rapport.storage.segment_lines import delete_counted, on_segment
from rapport.storage.tables import (
    Contact,
    InteractionLogEntry,
    MarketingSetup,
    Opportunity,
    SegmentLine,
    Task,
    table_of,
)

CHANGE_COMPANY_ON_SEGMENT = N_(
    "You cannot change Company No. because one or more unlogged segments are assigned to the "
    "contact."
)
DELETE_ON_SEGMENT = N_(
    "You cannot delete the Contact record of the {no} because the contact is assigned one or more "
    "unlogged segments."
).template
SEARCHED = ("no", "name", "company_name", "email")

contacts = table_of(Contact)


# --- Rules -------------------------------------------------------------------------------


def _on_segment(session: Session, contact_id: int) -> bool:
    lines = table_of(SegmentLine)
    query = select(exists().where(lines.c.contact_id == contact_id, on_segment()))
    return bool(session.scalar(query))


def _persons_of(session: Session, company_id: int) -> int:
    query = select(func.count()).where(
        contacts.c.company_id == company_id, contacts.c.type == ContactType.PERSON
    )
    return int(session.scalar(query) or 0)


def _settle_company(session: Session, contact: Contact, values: dict[str, Any]) -> None:
    """Company no., id and name as BC derives them from the type and the company no."""
    if contact.type == ContactType.COMPANY:
        COMPANY_OWN_NO.check(contact.type, values.get("company_no", ""), contact.no)
        contact.company_no, contact.company_id, contact.company_name = (
            contact.no,
            contact.id,
            contact.name,
        )
    else:
        company_no = values.get("company_no", contact.company_no)
        company = _company(session, company_no, person=contact) if company_no else None
        contact.company_no = company.no if company else ""
        contact.company_id = company.id if company else None
        contact.company_name = company.name if company else ""
    given = values.get("company_name")
    if given not in {None, "", contact.company_name}:
        raise Invalid(
            N_(
                "{given!r} is not the name of company {company}; the company name follows "
                "company_no",
                given=given,
                company=contact.company_no or N_("(none)"),
            ),
            field="company_name",
        )


def _company(session: Session, no: str, *, person: Contact) -> Contact:
    """The company `company_no` names (NotFound naming that field when it is not there)."""
    company = session.scalars(select(Contact).where(Contact.no == no)).one_or_none()
    if company is None:
        raise does_not_exist(N_("Contact"), (NO_FIELD, no), field="company_no")
    PERSON_COMPANY.check(no, person.type if company.id == person.id else company.type)
    return company


def _apply(contact: Contact, values: Mapping[str, Any]) -> None:
    """Plain fields; search name follows the name when it was blank or the old name."""
    follows = contact.search_name in {"", (contact.name or "").upper()}
    if "name" in values and "search_name" not in values and follows:
        contact.search_name = values["name"].upper()
    for name, value in values.items():
        if name not in {"no", "company_no", "company_name", "type"}:
            setattr(contact, name, value)


def _setup_defaults(session: Session) -> dict[str, Any]:
    """Marketing setup defaults a new contact takes (reference §1.10)."""
    setup = session.get(MarketingSetup, 1)
    if setup is None:
        return {}
    defaults = {
        "language": setup.default_language_code,
        "correspondence_type": setup.default_correspondence_type,
        "salesperson": setup.default_salesperson_code,
        "salutation": setup.default_salutation_code,
    }
    return {name: value for name, value in defaults.items() if value}


def _number(session: Session, no: str) -> str:
    series = setup_series(session, "contact_nos")
    if not no:
        return next_no(session, series, contacts.c.no)
    manual_no_allowed(session, series)
    if session.scalar(select(exists().where(contacts.c.no == no))):
        raise Conflict(N_("Contact {no} already exists.", no=no))
    return no


def read(contact: Contact) -> ContactRead:
    return ContactRead(**{name: getattr(contact, name) for name in READ_FIELDS})


# --- Use cases ---------------------------------------------------------------------------


def add_contact(sessions: Sessions, *, fields: Mapping[str, FieldValue]) -> ContactRead:
    """K1: a new company (default) or person. The no. comes from the contact number series
    unless given; search name defaults to the upper-cased name, created to today; language,
    correspondence type, salesperson and salutation default from the marketing setup."""
    values = convert_fields(fields)
    with sessions.begin() as session:
        values = _setup_defaults(session) | values
        check_references(session, values)
        contact = Contact(
            no=_number(session, values.get("no", "")),
            type=values.get("type") or ContactType.COMPANY.value,
            created=dt.date.today(),
        )
        _apply(contact, values)
        if not contact.search_name:
            contact.search_name = (contact.name or "").upper()
        session.add(contact)
        session.flush()
        _settle_company(session, contact, values)
        inheritance.join_company(session, contact, previous=_setup_defaults(session))
        session.flush()
        return read(contact)


def edit_contact(
    sessions: Sessions, no: str, *, fields: Mapping[str, FieldValue], by: str
) -> ContactRead:
    """K1: change fields. A company's new name and inherited fields reach its persons, a
    person moved into a company inherits from it (`inheritance`); a changed company no. or
    type is refused while the contact is on a segment (BC's message, reference §1.10). A
    changed privacy block is consent (X7): audited in the same transaction, by user `by`."""
    values = convert_fields(fields)
    with sessions.begin() as session:
        contact = find_contact(session, no, lock=True)
        if values.get("no", contact.no) != contact.no:
            raise Invalid(N_("a contact's no. cannot be changed"), field="no")
        check_references(session, values)
        old_company_no, old_type = contact.company_no, contact.type
        was_blocked = contact.privacy_blocked
        inherited = inheritance.inherited_fields(session)
        before = inheritance.values_of(contact, (*inherited, "name"))
        previous = inheritance.values_of(session.get(Contact, contact.company_id or 0), inherited)
        _change_type(session, contact, values.get("type", old_type))
        _apply(contact, values)
        _settle_company(session, contact, values)
        if contact.company_no != old_company_no and _on_segment(session, contact.id):
            raise Conflict(CHANGE_COMPANY_ON_SEGMENT)
        session.flush()
        if contact.type == ContactType.COMPANY:
            inheritance.reach_persons(session, contact, before=before)
        elif contact.company_no != old_company_no:
            inheritance.join_company(session, contact, previous=previous)
        if contact.privacy_blocked != was_blocked:
            action = audit.privacy_action(contact.privacy_blocked)
            audit.record(session, user_name=by, action=action, subject=contact.no)
        session.flush()
        return read(contact)


def _change_type(session: Session, contact: Contact, new_type: str) -> None:
    """BC's type change rule: a company with persons cannot become a person, and a contact
    keeping what only its current type may keep (industry groups …) cannot change type."""
    if new_type == contact.type:
        return
    if contact.type == ContactType.COMPANY and _persons_of(session, contact.id):
        raise Conflict(N_("Contact {no} cannot become a person: it has persons.", no=contact.no))
    kept = kept_for_type(session, contact)
    if kept:
        if new_type == ContactType.PERSON:
            refused = N_(
                "Contact {no} cannot become a person: it has {kept}.", no=contact.no, kept=kept
            )
        else:
            refused = N_(
                "Contact {no} cannot become a company: it has {kept}.", no=contact.no, kept=kept
            )
        raise Conflict(refused)
    if new_type == ContactType.PERSON:
        contact.company_no, contact.company_id = "", None
    contact.type = new_type


def delete_contact(sessions: Sessions, no: str) -> None:
    """K1: delete the contact and what is kept about it. Refused on an unlogged segment
    (BC's message), for a company with persons, and with interaction history."""
    with sessions.begin() as session:
        contact = find_contact(session, no, lock=True)
        if _on_segment(session, contact.id):
            raise Conflict(N_(DELETE_ON_SEGMENT, no=contact.no))
        if contact.type == ContactType.COMPANY and _persons_of(session, contact.id):
            raise Conflict(
                N_(
                    "You cannot delete company {no}: it has persons; delete them or move them to "
                    "another company first.",
                    no=contact.no,
                )
            )
        _refuse_history(session, contact)
        # removed lines (history) only, unless one came on meanwhile: it is counted off
        delete_counted(session, table_of(SegmentLine).c.contact_id == contact.id)
        session.execute(delete(contacts).where(contacts.c.id == contact.id))


def _refuse_history(session: Session, contact: Contact) -> None:
    for model, what in (
        (InteractionLogEntry, N_("interaction log entries")),
        (Opportunity, N_("opportunities")),
        (Task, N_("tasks")),
    ):
        table = table_of(model)
        if session.scalar(select(exists().where(table.c.contact_id == contact.id))):
            raise Conflict(
                N_("You cannot delete contact {no}: it has {what}.", no=contact.no, what=what)
            )


def get_all(
    sessions: Sessions,
    *,
    where: CriteriaSource | None = None,
    condition: ColumnElement[bool] | None = None,
    limit: int | None = None,
    after: str | None = None,
    search: str | None = None,
) -> Iterator[ContactRead]:
    """K1: the contacts matching the criteria `where` (SPEC §5), a compiled `condition` over
    the contacts table and a plain `search` (in no., name, company name, e-mail), in no.
    order from `after` (a keyset page), streamed from a server-side cursor so that memory
    stays flat at a million contacts. The criteria are checked before anything is read; the
    transaction stays open until the iterator is exhausted or closed."""
    if limit is not None and limit < 0:
        raise Invalid(N_("must be zero or more"), field="limit")
    conditions = [c for c in (condition, _criteria(sessions, where)) if c is not None]
    conditions.append(contains(search, *(contacts.c[n] for n in SEARCHED)))
    query = (
        select(*(contacts.c[name] for name in READ_FIELDS))
        .where(*conditions, contacts.c.no > after if after is not None else true())
        .order_by(contacts.c.no)
        .limit(limit)
    )
    return _stream(sessions, query)


def _stream(sessions: Sessions, query: Select[Any]) -> Iterator[ContactRead]:
    with reading(sessions) as session:
        for row in session.execute(query.execution_options(yield_per=2000)):
            yield ContactRead(**row._mapping)


def _criteria(sessions: Sessions, where: CriteriaSource | None) -> ColumnElement[bool] | None:
    criteria = optional_criteria(where, database=sessions)
    return None if criteria is None else criteria.condition()
