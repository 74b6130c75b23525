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


def put_on_segment(
    session: Session, contact: t.Contact, *, segment_no: str = "SEG09999",
    removed_action: int | None = None,
) -> t.SegmentLine:
    """A segment line for `contact` (on a segment made if missing); `removed_action` set
    means the line was removed from the segment and is kept only for undo."""
    header = session.query(t.SegmentHeader).filter_by(no=segment_no).one_or_none()
    if header is None:
        header = _add(session, t.SegmentHeader(no=segment_no, description="Test segment"))
    line_no = 10000 * (1 + session.query(t.SegmentLine).filter_by(segment_id=header.id).count())
    return _add(session, t.SegmentLine(
        segment_id=header.id, line_no=line_no, contact_id=contact.id,
        contact_company_no=contact.company_no, added_action=1, removed_action=removed_action))
