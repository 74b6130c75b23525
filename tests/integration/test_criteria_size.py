"""X1: criteria of any size compile and run on SQLite and PostgreSQL within the engines'
limits (SQLite: expression depth 1,000, 32,766 bound parameters): a 100 KB `or` chain of
equalities folds into one `in`, a long chain of other terms is grouped, 5,000 nested `not`
compile, and an `in` list of 50,000 codes is one bound parameter (issue 11 item 1)."""

from __future__ import annotations

import datetime as dt
import time
from decimal import Decimal

from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from rapport.criteria import ENTRIES, Criteria
from rapport.storage import tables as t
from tests.factories import link, make_company, make_interaction

CONTACTS = 30


def _world(sessions: sessionmaker[Session]) -> None:
    with sessions.begin() as session:
        for i in range(CONTACTS):
            contact = make_company(session, f"C{i:05d}", f"Company {i}", country="BE")
            contact.created = dt.date(2026, 1, 1) + dt.timedelta(days=i)
            if i % 3 == 0:
                link(session, t.ContactMailingGroup, contact, f"G{i:04d}")
                make_interaction(session, contact, cost=Decimal(i) + Decimal("0.5"))


def _nos(sessions: sessionmaker[Session], criteria: str | Criteria) -> list[str]:
    if isinstance(criteria, str):
        criteria = Criteria.parse(criteria)
    found = criteria.select_ids()
    query = select(t.Contact.no).where(t.Contact.id.in_(found)).order_by(t.Contact.no)
    with sessions() as session:
        return list(session.scalars(query))


def test_x1_a_100kb_or_chain_of_equalities_runs(sessions: sessionmaker[Session]) -> None:
    _world(sessions)
    text = " or ".join(f"no = C{i:05d}" for i in range(1, 14_000, 2))
    assert len(text) > 100_000
    assert _nos(sessions, text) == [f"C{i:05d}" for i in range(1, CONTACTS, 2)]
    groups = " or ".join(f"mailing_group = G{i:04d}" for i in range(0, 6_000, 2))
    assert _nos(sessions, groups) == [f"C{i:05d}" for i in range(0, CONTACTS, 6)]


def test_x1_a_long_chain_of_other_terms_is_grouped(sessions: sessionmaker[Session]) -> None:
    _world(sessions)
    text = " or ".join(f"(no = C{i:05d} and country = BE)" for i in range(1_200))
    assert _nos(sessions, text) == [f"C{i:05d}" for i in range(CONTACTS)]
    both = " and ".join(f"no != X{i}" for i in range(1_200))
    assert len(_nos(sessions, both)) == CONTACTS


def test_x1_5000_nested_not_runs(sessions: sessionmaker[Session]) -> None:
    _world(sessions)
    assert _nos(sessions, "not " * 5_000 + "no = C00003") == ["C00003"]
    assert len(_nos(sessions, "not " * 5_001 + "no = C00003")) == CONTACTS - 1


def test_x1_an_in_list_of_50000_codes_is_one_parameter(sessions: sessionmaker[Session]) -> None:
    _world(sessions)
    codes = [f"C{i:05d}" for i in range(7, 100_007, 2)]
    assert len(codes) >= 50_000
    text = f"no in ({', '.join(codes)})"
    criteria = Criteria.parse(text)
    assert criteria.text == text
    with sessions() as session:
        compiled = criteria.select_ids().compile(session.get_bind())
        assert len(compiled.params) == 1
    started = time.monotonic()
    assert _nos(sessions, criteria) == [f"C{i:05d}" for i in range(7, CONTACTS, 2)]
    assert len(_nos(sessions, f"no not in ({', '.join(codes)})")) == CONTACTS - 12
    assert time.monotonic() - started < 30


def test_x1_long_lists_of_dates_and_decimals(sessions: sessionmaker[Session]) -> None:
    _world(sessions)
    days = [dt.date(2026, 1, 1) + dt.timedelta(days=i) for i in range(0, 60, 2)]
    text = f"created in ({', '.join(day.isoformat() for day in days)})"
    assert _nos(sessions, text) == [f"C{i:05d}" for i in range(0, CONTACTS, 2)]
    costs = ", ".join(f"{i}.5" for i in range(0, 60, 6))
    found = Criteria.parse(f"cost in ({costs})", subject=ENTRIES).select_ids()
    with sessions() as session:
        assert len(list(session.scalars(found))) == 5
