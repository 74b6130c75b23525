"""The reads a command runs without SQLAlchemy's ORM (SPEC §9: start-up): the contact card
(K1, K2, X7) and the segment list (S1) read through Core, on the engine the command line
opens, give the typed result the API and the web get through their sessionmaker; on both
engines."""

from __future__ import annotations

import datetime as dt

from rapport.services.contacts import card, cards
from rapport.services.segments import header, overview
from rapport.storage import tables as t
from rapport.storage.db import connect_database
from tests.factories import (
    link,
    make_company,
    make_interaction,
    make_person,
    make_profile_answer,
    make_segment,
)


def _world(sessions):
    with sessions.begin() as session:
        company = make_company(session, "C00001", name="Acme")
        person = make_person(session, "P00001", name="Ann", company=company)
        link(session, t.ContactIndustryGroup, company, "RETAIL")
        link(session, t.ContactBusinessRelation, company, "CUST", link_no="K1")
        link(session, t.ContactMailingGroup, person, "NEWS")
        link(session, t.ContactJobResponsibility, person, "BUYER")
        make_profile_answer(session, person, "SIZE", 20, "Small")
        make_interaction(session, person, date=dt.date(2026, 2, 1), description="Call")
        session.add(t.ContactOptOut(contact_id=person.id, correspondence_type="email"))
        make_segment(session, "SEG00001", lines=[{"contact": person}, {"contact": company}])
        make_segment(session, "SEG00002", description="Empty")


def test_k1_k2_x7_the_card_read_on_the_engine_is_the_card_of_the_sessionmaker(database_url):
    engine = connect_database(database_url)
    try:
        from sqlalchemy.orm import sessionmaker

        sessions = sessionmaker(engine, expire_on_commit=False)
        _world(sessions)
        on_engine = card.get(engine, " p00001 ")
        assert on_engine == cards.get(sessions, "P00001")
        assert [a.code for a in on_engine.industry_groups] == ["RETAIL"]  # its company's
        assert on_engine.business_relations[0].values == {"link_to_table": "", "link_no": "K1"}
        assert [a.code for a in on_engine.mailing_groups] == ["NEWS"]
        assert [a.code for a in on_engine.job_responsibilities] == ["BUYER"]
        assert [(a.code, a.description) for a in on_engine.profile_answers] == [("SIZE", "Small")]
        assert [i.description for i in on_engine.recent_interactions] == ["Call"]
        assert on_engine.opted_out == ("email",)
    finally:
        engine.dispose()


def test_s1_the_segment_list_read_on_the_engine_counts_as_the_sessionmaker(database_url):
    engine = connect_database(database_url)
    try:
        from sqlalchemy.orm import sessionmaker

        sessions = sessionmaker(engine, expire_on_commit=False)
        _world(sessions)
        listed = overview.get_all(engine)
        assert listed == header.get_all(sessions)
        assert [(s.no, s.no_of_lines, s.no_of_criteria_actions) for s in listed] == [
            ("SEG00001", 2, 0),
            ("SEG00002", 0, 0),
        ]
        assert overview.get(engine, "seg00001") == listed[0]
    finally:
        engine.dispose()
