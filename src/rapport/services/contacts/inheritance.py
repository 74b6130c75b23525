"""Inheritance (BC's Marketing Setup → Inheritance): what a person takes from its company.

Six groups of fields, each on or off by a marketing-setup flag (on in a new database):
salesperson, territory, country/region, language, address details (address, post code,
city, county) and communication details (phone, mobile, e-mail). A person created in a
company, or moved into one, takes the company's value of every field it left blank or
that still held its previous company's value; a change on a company reaches its persons
set-based, one UPDATE, except where a person's field differs from the company's old value
(edited on the person, as Business Central's xRec comparison decides). Runs inside the
caller's transaction, on the contact write path (`cards.add_contact`, `cards.edit_contact`);
an import writes the file's values as they are, so that an exported file re-imports
unchanged (SPEC §6.1).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from sqlalchemy import case, literal, select, update
from sqlalchemy.orm import Session

from rapport.domain.enums import ContactType
from rapport.storage.tables import FOLDED, Base, Contact, MarketingSetup, fold, folded

contacts = Base.metadata.tables["contacts"]

GROUPS: dict[str, tuple[str, ...]] = {
    "inherit_salesperson_code": ("salesperson",),
    "inherit_territory_code": ("territory",),
    "inherit_country_region_code": ("country",),
    "inherit_language_code": ("language",),
    "inherit_address_details": ("address", "post_code", "city", "county"),
    "inherit_communication_details": ("phone", "mobile", "email"),
}


def inherited_fields(session: Session) -> tuple[str, ...]:
    """The contact fields persons inherit under the current marketing setup."""
    setup = session.scalars(select(MarketingSetup)).first()
    if setup is None:
        return ()
    return tuple(name for flag, names in GROUPS.items() if getattr(setup, flag) for name in names)


def values_of(contact: Contact | None, names: tuple[str, ...]) -> dict[str, Any]:
    return {name: getattr(contact, name) if contact else "" for name in names}


def join_company(session: Session, person: Contact, *, previous: Mapping[str, Any]) -> None:
    """A person created in a company or moved into one: each inherited field that is blank
    or still holds `previous` (its former company's value) takes the company's."""
    company = session.get(Contact, person.company_id) if person.company_id else None
    if person.type != ContactType.PERSON or company is None:
        return
    for name in inherited_fields(session):
        mine = getattr(person, name)
        if mine in ("", None) or mine == previous.get(name):
            setattr(person, name, getattr(company, name))


def reach_persons(session: Session, company: Contact, *, before: Mapping[str, Any]) -> None:
    """A company's new name and changed inherited fields reach its persons in one UPDATE; a
    person whose field differs from the company's old value keeps its own. `before` holds
    the company's old name and inherited fields."""
    changed = {
        name: getattr(company, name)
        for name in inherited_fields(session)
        if getattr(company, name) != before[name]
    }
    values: dict[str, Any] = {}
    for name, new in changed.items():
        kept = contacts.c[name] == before[name]
        values[name] = case((kept, literal(new)), else_=contacts.c[name])
        if name in FOLDED:  # its casefolded copy follows it
            copy = FOLDED[name]
            values[copy] = case((kept, literal(fold(new))), else_=contacts.c[copy])
    if company.name != before["name"]:
        values["company_name"] = company.name
        values |= folded({"company_name": company.name})
    if not values:
        return
    session.execute(
        update(contacts)
        .where(
            contacts.c.company_id == company.id,
            contacts.c.type == ContactType.PERSON.value,
            contacts.c.id != company.id,
        )
        .values(values)
    )
