"""X1: criteria text → the contacts it selects, on a small hand-built world, on SQLite and
PostgreSQL. One row per rule of the language (SPEC §5) and of its links (reference §2.5)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from rapport.criteria import condition, parse, parts, select_contact_ids
from rapport.storage import tables as t
from tests.factories import (
    link,
    make_company,
    make_interaction,
    make_person,
    make_profile_answer,
    put_on_segment,
)

TODAY = dt.date(2026, 3, 15)


def build_world(session: Session) -> None:
    """Three companies, five persons (two without company), their groups and history."""
    acme = make_company(
        session,
        "ACME",
        "Acme Bakery",
        country="BE",
        post_code="1000",
        salesperson="JO",
        city="Brussel",
        email="info@acme.be",
    )
    globex = make_company(
        session,
        "GLOBEX",
        "Globex",
        country="NL",
        post_code="3500",
        salesperson="KV",
        correspondence_type="email",
    )
    initech = make_company(session, "INITECH", "Initech", country="FR", post_code="75001")
    initech.created = dt.date(2025, 12, 31)
    p1 = make_person(
        session,
        "P1",
        "Anna Baker",
        company=acme,
        country="BE",
        email="anna@acme.be",
        job_title="Buyer",
        correspondence_type="email",
    )
    p2 = make_person(
        session,
        "P2",
        "Bob O'Brien",
        company=acme,
        country="BE",
        excluded=True,
        correspondence_type="hard_copy",
    )
    p3 = make_person(session, "P3", "Carla bakery", company=globex, country="NL", post_code="3512")
    p4 = make_person(session, "P4", "Dirk", country="BE", phone="+32 2 123")
    p5 = make_person(session, "P5", "Eve", country="NL", privacy_blocked=True)
    p4.created, p5.created = None, dt.date(2026, 3, 1)
    link(session, t.ContactIndustryGroup, acme, "RETAIL")
    link(session, t.ContactIndustryGroup, globex, "WHOLESALE")
    link(
        session, t.ContactBusinessRelation, acme, "CUST", link_to_table="customer", link_no="C0001"
    )
    link(session, t.ContactBusinessRelation, globex, "VEND", link_to_table="vendor")
    link(session, t.ContactJobResponsibility, p1, "PURCHASE")
    link(session, t.ContactJobResponsibility, p3, "PURCHASE")
    link(session, t.ContactMailingGroup, p1, "NEWS")
    link(session, t.ContactMailingGroup, p2, "NO_MAIL")
    link(session, t.ContactWebSource, p3, "LINKEDIN", search_word="carla")
    make_profile_answer(session, p1, "CUSTOMER", 30, "Large")
    make_profile_answer(session, p3, "CUSTOMER", 20, "Small")
    make_profile_answer(session, acme, "SUPPLIER", 10, "Yes")
    make_interaction(
        session,
        p1,
        date=dt.date(2026, 3, 5),
        interaction_template_code="ABSTRACT",
        evaluation="positive",
        cost=Decimal("2.50"),
        segment_no="SEG00001",
        logged_segment_entry_no=3,
    )
    make_interaction(
        session,
        p3,
        date=dt.date(2025, 11, 1),
        interaction_template_code="ABSTRACT",
        evaluation="negative",
        information_flow="outbound",
    )
    make_interaction(
        session,
        p4,
        date=dt.date(2026, 3, 1),
        interaction_template_code="ABSTRACT",
        canceled=True,
        logged_segment_entry_no=3,
    )
    make_interaction(session, p5, date=None, interaction_template_code="CALL", duration=Decimal(5))
    put_on_segment(session, p5, segment_no="SEG00002")
    put_on_segment(session, p4, segment_no="SEG00002", removed_action=2)
    put_on_segment(session, acme, segment_no="SEG00003")


CASES = [
    # contact fields, codes upper-cased, enums, booleans, empties
    ("country = BE", {"ACME", "P1", "P2", "P4"}),
    ("country = be", {"ACME", "P1", "P2", "P4"}),
    ("country != BE", {"GLOBEX", "INITECH", "P3", "P5"}),
    ("country in (nl, FR)", {"GLOBEX", "INITECH", "P3", "P5"}),
    ("country not in (BE, NL)", {"INITECH"}),
    ("type = company", {"ACME", "GLOBEX", "INITECH"}),
    ("TYPE = Person AND Company_No is empty", {"P4", "P5"}),
    ("company_no = ACME", {"ACME", "P1", "P2"}),
    ("excluded", {"P2"}),
    ("not excluded and type = person", {"P1", "P3", "P4", "P5"}),
    ("privacy_blocked = true or excluded = true", {"P2", "P5"}),
    ("email is empty and type = person", {"P2", "P3", "P4", "P5"}),
    ("email is not empty", {"ACME", "P1"}),
    ("correspondence_type = email", {"GLOBEX", "P1"}),
    ("correspondence_type is empty and country = BE", {"ACME", "P4"}),
    ("name = 'Bob O''Brien'", {"P2"}),
    ('name = "Bob O\'Brien"', {"P2"}),
    ("phone = '+32 2 123'", {"P4"}),
    ("job_title = Buyer", {"P1"}),
    ("job_title = buyer", set()),
    ("post_code >= 3000 and post_code < 4000", {"GLOBEX", "P3"}),
    # dates: absolute, relative, empty
    ("created < 2026-01-01", {"INITECH"}),
    ("created is empty", {"P4"}),
    ("created != 2026-01-01", {"INITECH", "P4", "P5"}),
    ("not created = 2026-01-01", {"INITECH", "P4", "P5"}),
    ("created >= today - 14d", {"P5"}),
    (
        "created >= today - 3m and created <= today",
        {"ACME", "GLOBEX", "INITECH", "P1", "P2", "P3", "P5"},
    ),
    ("created in (2025-12-31, 2026-03-01)", {"INITECH", "P5"}),
    # BC filters
    ("post_code matches '1000..1999|3000..3999'", {"ACME", "GLOBEX", "P3"}),
    ("name matches '@*bakery*'", {"ACME", "P3"}),
    ("name matches '*bakery*'", {"P3"}),
    ("name matches '*Bakery*'", {"ACME"}),
    ("search_name matches 'ACME*'", {"ACME"}),
    ("search_name matches 'acme*'", {"ACME"}),
    ("name matches 'Ev?'", {"P5"}),
    ("name matches 'E?'", set()),
    ("name matches '<>Dirk&<>Eve' and company_no is empty", set()),
    ("email matches \"''\"", {"GLOBEX", "INITECH", "P2", "P3", "P4", "P5"}),
    ("email matches '<>''''&*@acme.be'", {"ACME", "P1"}),
    ("name matches '..B'", {"ACME", "P1"}),
    ("name matches 'G..'", {"GLOBEX", "INITECH"}),
    ("name matches '@g..'", {"GLOBEX", "INITECH"}),
    ("name matches '''Eve|Dirk'''", set()),
    ("name matches '(Eve|Dirk)&<>Dirk'", {"P5"}),
    ("city matches '*%*' or city matches '*_*'", set()),
    # relations on the contact
    ("job_responsibility = PURCHASE", {"P1", "P3"}),
    ("mailing_group in (NEWS, NO_MAIL)", {"P1", "P2"}),
    ("type = person and not mailing_group = NO_MAIL", {"P1", "P3", "P4", "P5"}),
    ("mailing_group not in (NEWS)", {"ACME", "GLOBEX", "INITECH", "P2", "P3", "P4", "P5"}),
    ("mailing_group", {"P1", "P2"}),
    ("mailing_group()", {"P1", "P2"}),
    ("not mailing_group() and type = person", {"P3", "P4", "P5"}),
    ("web_source(code = LINKEDIN and search_word = carla)", {"P3"}),
    ("web_source(search_word = Carla)", set()),
    ("profile(questionnaire = CUSTOMER and answer_line = 30)", {"P1"}),
    ("profile(questionnaire = customer)", {"P1", "P3"}),
    ("profile(answer = Small or answer = Yes)", {"P3", "ACME"}),
    ("profile(answer matches '@l*')", {"P1"}),
    # relations on the company (reference §2.5)
    ("industry_group = RETAIL", {"ACME", "P1", "P2"}),
    ("industry_group in (RETAIL, WHOLESALE)", {"ACME", "P1", "P2", "GLOBEX", "P3"}),
    ("not industry_group()", {"INITECH", "P4", "P5"}),
    ("business_relation = CUST and salesperson = JO", {"ACME"}),
    ("business_relation(link_to_table = vendor)", {"GLOBEX", "P3"}),
    ("business_relation(link_no = c0001)", {"ACME", "P1", "P2"}),
    # interactions
    ("interaction(template = ABSTRACT and date >= today - 90d and not canceled)", {"P1"}),
    ("interaction(template = ABSTRACT)", {"P1", "P3", "P4"}),
    ("interaction(canceled)", {"P4"}),
    ("interaction(evaluation in (positive, negative))", {"P1", "P3"}),
    ("interaction(information_flow = outbound)", {"P3"}),
    ("interaction(cost > 2)", {"P1"}),
    ("interaction(cost = 2.5)", {"P1"}),
    ("interaction(duration >= 5)", {"P5"}),
    ("interaction(date is empty)", {"P5"}),
    ("interaction(date < 2026-01-01)", {"P3"}),
    ("interaction(segment = seg00001 and logged_segment = 3)", {"P1"}),
    ("interaction(not date = 2026-03-05)", {"P3", "P4", "P5"}),
    # memberships
    ("segment(SEG00002)", {"P5"}),
    ("segment(seg00003)", {"ACME"}),
    ("segment(SEG00002) or logged_segment(3)", {"P1", "P5"}),
    ("logged_segment(4)", set()),
    # precedence and grouping
    ("country = BE and type = company or country = NL and type = company", {"ACME", "GLOBEX"}),
    ("country = BE and (type = company or excluded)", {"ACME", "P2"}),
    ("not country = BE and not country = NL", {"INITECH"}),
    ("not (country = BE or country = NL)", {"INITECH"}),
    ("NOT NOT excluded", {"P2"}),
]


@pytest.mark.parametrize(("text", "expected"), CASES)
def test_x1_criteria_select_the_expected_contacts(
    sqlite_sessions: sessionmaker[Session], text, expected
):
    """One row per rule on SQLite; the next test runs every row on both engines."""
    with sqlite_sessions.begin() as session:
        build_world(session)
    with sqlite_sessions() as session:
        ids = select_contact_ids(parse(text), today=TODAY)
        nos = session.scalars(select(t.Contact.no).where(t.Contact.id.in_(ids)))
        assert set(nos) == expected


def test_x1_every_case_selects_the_same_on_both_engines(sessions: sessionmaker[Session]):
    """Every row of the table against one database per engine, as a condition inside another
    query (the way the services use it)."""
    with sessions.begin() as session:
        build_world(session)
    with sessions() as session:
        for text, expected in CASES:
            query = select(t.Contact.no).where(condition(parse(text), today=TODAY))
            assert set(session.scalars(query)) == expected, text


def test_x1_parts_explain_which_terms_a_contact_matches(sessions: sessionmaker[Session]):
    with sessions.begin() as session:
        build_world(session)
    with sessions() as session:
        p1 = session.scalars(select(t.Contact.id).where(t.Contact.no == "P1")).one()
        found = {}
        expr = parse("country = BE and mailing_group = NO_MAIL and not excluded")
        for text, part in parts(expr):
            query = select(t.Contact.id).where(t.Contact.id == p1, condition(part))
            found[text] = session.scalar(query) is not None
    assert found == {"country = BE": True, "mailing_group = NO_MAIL": False, "not excluded": True}


def test_x1_relative_dates_default_to_the_real_today(sessions: sessionmaker[Session]):
    with sessions.begin() as session:
        build_world(session)
    with sessions() as session:
        query = select(t.Contact.no).where(condition(parse("created > today + 1y")))
        assert list(session.scalars(query)) == []
