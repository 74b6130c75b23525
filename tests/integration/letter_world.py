"""The letters of segment SEG1 (L3), for the tests of a line's preview before logging:
template MAIL, Ann (e-mail, formal salutation), Bob (e-mail, alternate address active on
the line's date), Dee (hard copy, a Word letter), a line without a contact and Eve's line
without an attachment."""

from __future__ import annotations

import datetime as dt
import io

from docx import Document
from sqlalchemy.orm import Session

from rapport.storage import tables as t
from tests.factories import (
    make_code,
    make_company,
    make_person,
    make_salesperson,
    make_segment,
    make_stored_attachment,
)

BODY = (
    b"<p>Dear {{ contact.salutation }} of {{ contact.company_name }},</p>"
    b"<p>{{ interaction.subject }} ({{ segment.description }}) -- {{ salesperson.name }}</p>"
)
ANN, BOB, DEE, NOBODY, BARE = 10000, 20000, 30000, 40000, 50000


def docx_template(*paragraphs: str) -> bytes:
    document = Document()
    for text in paragraphs:
        document.add_paragraph(text)
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def docx_paragraphs(content: bytes) -> list[str]:
    return [p.text for p in Document(io.BytesIO(content)).paragraphs]


def build_letter_world(session: Session) -> None:
    """Segment SEG1 "Spring mailing" and its contacts (see the module docstring)."""
    make_salesperson(session, "JO", "Jo Smith")
    make_code(session, t.InteractionGroup, "LETTER")
    session.add(t.InteractionTemplate(code="MAIL", interaction_group_code="LETTER"))
    session.add(t.Salutation(code="FORMAL", description="Formal", formal_greeting="Mx."))
    acme = make_company(session, "ACME", "Acme")
    html = make_stored_attachment(session, BODY)
    word = make_stored_attachment(
        session,
        docx_template("Dear {{ contact.name }},", "{{ interaction.subject }}"),
        extension="docx",
    )
    ann = make_person(
        session, "P1", "Ann", company=acme, email="ann@acme.test", salutation="FORMAL"
    )
    bob = make_person(session, "P2", "Bob", company=acme, email="bob@acme.test")
    dee = make_person(session, "P4", "Dee", company=acme)
    eve = make_person(session, "P5", "Eve", company=acme, email="eve@acme.test")
    session.add(t.ContactAltAddress(contact_id=bob.id, code="HOME", email="bob@home.test"))
    session.add(
        t.ContactAltAddressDateRange(
            contact_id=bob.id,
            starting_date=dt.date(2026, 3, 1),
            ending_date=dt.date(2026, 3, 31),
            contact_alt_address_code="HOME",
        )
    )
    session.flush()
    email = {"correspondence_type": "email", "attachment_no": html.no}
    make_segment(
        session,
        "SEG1",
        description="Spring mailing",
        salesperson_code="JO",
        interaction_template_code="MAIL",
        subject_default="Our spring offer",
        lines=[
            {"contact": ann, "subject": "Our spring offer", **email},
            {"contact": bob, "subject": "Our spring offer", **email},
            {"contact": dee, "correspondence_type": "hard_copy", "attachment_no": word.no},
            {"contact": None},
            {"contact": eve, "correspondence_type": "email"},
        ],
    )
