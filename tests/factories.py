"""Plain keyword builders for tests: make_company(session, no="C1", ...) → the stored row.

They write rows directly with the storage models (the services are what the tests test);
for a million rows use the demo generator's bulk path, never these.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy.orm import Session

from rapport.storage import tables as t


def _add(session: Session, row: Any) -> Any:
    session.add(row)
    session.flush()
    return row


def make_code(session: Session, model: type[Any], code: str, description: str = "") -> Any:
    """A setup code (industry group, mailing group, language, …) unless it exists."""
    existing = session.get(model, code)
    if existing is not None:
        return existing
    fields = {"name": description or code} if hasattr(model, "name") else {
        "description": description or code}
    return _add(session, model(code=code, **fields))


def make_company(session: Session, no: str, name: str = "", **fields: Any) -> t.Contact:
    contact = t.Contact(no=no, type="company", name=name or f"Company {no}",
                        search_name=(name or f"Company {no}").upper(), company_no=no,
                        company_name=name or f"Company {no}", created=dt.date(2026, 1, 1),
                        **fields)
    _add(session, contact)
    contact.company_id = contact.id
    session.flush()
    return contact


def make_person(session: Session, no: str, name: str = "", *, company: t.Contact | None = None,
                **fields: Any) -> t.Contact:
    return _add(session, t.Contact(
        no=no, type="person", name=name or f"Person {no}",
        search_name=(name or f"Person {no}").upper(),
        company_no=company.no if company else "", company_id=company.id if company else None,
        company_name=company.name if company else "", created=dt.date(2026, 1, 1), **fields))


def link(session: Session, model: type[Any], contact: t.Contact, code: str, **fields: Any) -> Any:
    """A contact↔group row (ContactMailingGroup, ContactIndustryGroup, …), creating the code."""
    code_field, code_model = {
        t.ContactMailingGroup: ("mailing_group_code", t.MailingGroup),
        t.ContactIndustryGroup: ("industry_group_code", t.IndustryGroup),
        t.ContactJobResponsibility: ("job_responsibility_code", t.JobResponsibility),
        t.ContactBusinessRelation: ("business_relation_code", t.BusinessRelation),
        t.ContactWebSource: ("web_source_code", t.WebSource),
    }[model]
    make_code(session, code_model, code)
    return _add(session, model(contact_id=contact.id, **{code_field: code}, **fields))


def make_salesperson(session: Session, code: str, name: str = "", email: str = "") -> t.Salesperson:
    return _add(session, t.Salesperson(code=code, name=name or code, email=email))
