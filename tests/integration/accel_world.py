"""A random contact world for the preview accelerator's differential tests (X2, X6): a few
companies and persons with codes, flags, relations and opt-outs drawn from small sets, so
that random criteria select something and random changes move it."""

from __future__ import annotations

import random
from collections.abc import Sequence
from typing import Any

from hypothesis import strategies as st
from sqlalchemy.orm import Session

from rapport.criteria.tree import Compare, Expr, InList, IsEmpty
from rapport.storage import tables as t
from tests.factories import link, make_code, make_company, make_person, make_salesperson

COUNTRIES = ("BE", "NL", "DE")
SALESPEOPLE = ("JO", "KIM")
LANGUAGES = ("ENU", "NLB")
POST_CODES = ("1000", "2000", "2500", "3000", "B-10")
KINDS = ("email", "hard_copy")
# Relation → its codes (created in the code tables).
RELATION_CODES = {
    "mailing_group": ("NEWSLETTER", "EVENTS"),
    "job_responsibility": ("PURCHASE", "SALES"),
    "industry_group": ("RETAIL", "WHOLESALE"),
    "business_relation": ("CUST", "VEND"),
    "web_source": ("GOOGLE",),
}
MODELS = {
    "mailing_group": t.ContactMailingGroup,
    "job_responsibility": t.ContactJobResponsibility,
    "industry_group": t.ContactIndustryGroup,
    "business_relation": t.ContactBusinessRelation,
    "web_source": t.ContactWebSource,
}
ON_COMPANY = ("industry_group", "business_relation")


def attributes(pick: random.Random) -> dict[str, object]:
    return {
        "country": pick.choice(COUNTRIES),
        "salesperson": pick.choice((*SALESPEOPLE, "")),
        "language": pick.choice((*LANGUAGES, "")),
        "post_code": pick.choice(POST_CODES),
        "correspondence_type": pick.choice((*KINDS, "")),
        "excluded": pick.random() < 0.15,
        "privacy_blocked": pick.random() < 0.1,
    }


CODE_MODELS = {
    "mailing_group": t.MailingGroup,
    "job_responsibility": t.JobResponsibility,
    "industry_group": t.IndustryGroup,
    "business_relation": t.BusinessRelation,
    "web_source": t.WebSource,
}


def _codes(session: Session) -> None:
    for code in SALESPEOPLE:
        make_salesperson(session, code)
    for model, codes in ((t.Country, COUNTRIES), (t.Language, LANGUAGES)):
        for code in codes:
            make_code(session, model, code)
    for name, codes in RELATION_CODES.items():
        for code in codes:
            make_code(session, CODE_MODELS[name], code)


def build_accel_world(session: Session, *, seed: int = 7, persons: int = 30) -> None:
    pick = random.Random(seed)
    _codes(session)
    companies = [
        make_company(session, f"C{i}", f"Company {chr(65 + i)}", **attributes(pick))
        for i in range(4)
    ]
    for company in companies:
        for name in ON_COMPANY:
            if pick.random() < 0.6:
                link(session, MODELS[name], company, pick.choice(RELATION_CODES[name]))
    for i in range(persons):
        company = pick.choice([*companies, None])
        person = make_person(
            session,
            f"P{i:02}",
            f"Person {pick.choice('ABCDE')}{i}",
            company=company,
            **attributes(pick),
        )
        for name in ("mailing_group", "job_responsibility", "web_source"):
            for code in RELATION_CODES[name]:
                if pick.random() < 0.35:
                    link(session, MODELS[name], person, code)
        for kind in KINDS:
            if pick.random() < 0.15:
                session.add(t.ContactOptOut(contact_id=person.id, correspondence_type=kind))
    session.flush()


def compared(field: str, values: Sequence[Any]) -> st.SearchStrategy[Expr]:
    """Criteria that compare `field` with `values`: an ordering, a list (or its negation)
    or emptiness (the leaves the accelerator's differential tests draw from)."""
    return st.one_of(
        st.builds(
            Compare,
            st.just(field),
            st.sampled_from(["=", "!=", "<", "<=", ">", ">="]),
            st.sampled_from(values),
        ),
        st.builds(
            InList,
            st.just(field),
            st.lists(st.sampled_from(values), min_size=1, max_size=3, unique=True).map(tuple),
            st.booleans(),
        ),
        st.builds(IsEmpty, st.just(field), st.booleans()),
    )
