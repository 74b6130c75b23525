"""A small contact world for the segment tests, built with the plain builders.

ACME (company, BE, RETAIL, CUST)      : P1 Ann (PURCHASE, NEWSLETTER), P2 Bob (SALES)
BETA (company, NL, WHOLESALE)         : P3 Cas (PURCHASE), P4 Dee (excluded)
GAMMA (company, BE, excluded)         : P5 Eve (PURCHASE)
P6 Fay (person without company, BE, PURCHASE)
"""

from __future__ import annotations

from sqlalchemy.orm import Session

from rapport.storage import tables as t
from tests.factories import (
    link,
    make_code,
    make_company,
    make_letter_templates,
    make_person,
    make_salesperson,
)


def build_world(session: Session) -> None:
    make_salesperson(session, "JO", "Jo Smith", "jo@example.com")
    make_salesperson(session, "KIM", "Kim Lee", "kim@example.com")
    for code in ("ENU", "NLB", "FRB"):
        make_code(session, t.Language, code)
    for code in ("BE", "NL"):
        make_code(session, t.Country, code)
    session.add(t.User(name="ADMIN", salesperson_code="JO"))
    acme = make_company(
        session,
        "ACME",
        "Acme",
        country="BE",
        salesperson="KIM",
        language="NLB",
        correspondence_type="email",
        email="info@acme.test",
    )
    beta = make_company(session, "BETA", "Beta", country="NL", language="ENU")
    gamma = make_company(session, "GAMMA", "Gamma", country="BE", excluded=True)
    link(session, t.ContactIndustryGroup, acme, "RETAIL")
    link(session, t.ContactIndustryGroup, beta, "WHOLESALE")
    link(
        session, t.ContactBusinessRelation, acme, "CUST", link_to_table="customer", link_no="10000"
    )
    ann = make_person(
        session,
        "P1",
        "Ann",
        company=acme,
        country="BE",
        language="FRB",
        correspondence_type="hard_copy",
    )
    bob = make_person(session, "P2", "Bob", company=acme, country="BE")
    cas = make_person(session, "P3", "Cas", company=beta, country="NL")
    make_person(session, "P4", "Dee", company=beta, country="NL", excluded=True)
    eve = make_person(session, "P5", "Eve", company=gamma, country="BE")
    fay = make_person(session, "P6", "Fay", country="BE", salesperson="JO")
    for person in (ann, cas, eve, fay):
        link(session, t.ContactJobResponsibility, person, "PURCHASE")
    link(session, t.ContactJobResponsibility, bob, "SALES")
    link(session, t.ContactMailingGroup, ann, "NEWSLETTER")
    make_letter_templates(session)
    for language in ("ENU", "NLB"):
        attachment = t.Attachment(
            file_name=f"abstract-{language}.html",
            file_extension="HTML",
            content=b"<p>Hello {{ contact.name }}</p>",
        )
        session.add(attachment)
        session.flush()
        session.add(
            t.InteractionTemplateLanguage(
                interaction_template_code="ABSTRACT",
                language_code=language,
                description=f"Abstract {language}",
                attachment_no=attachment.no,
            )
        )
    session.flush()
