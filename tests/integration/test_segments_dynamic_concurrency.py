"""Concurrency (X4, SPEC §10): several processes at once — some changing contacts, some
refreshing the same dynamic segment, one adding contacts to it by hand — lose and duplicate
nothing, on SQLite and on PostgreSQL. Afterwards one more refresh brings the segment to
exactly what a rebuild from scratch gives, plus the lines added by hand: no change made
while a refresh ran was missed by the change sequence."""

from __future__ import annotations

import multiprocessing
import random

import pytest
from sqlalchemy import func, select, update
from sqlalchemy.orm import sessionmaker

from rapport.services.segments import dynamic
from rapport.services.segments import header as segments
from rapport.services.segments.actions import add_contacts
from rapport.services.segments.manual import add_contact
from rapport.storage import tables as t
from rapport.storage.db import make_engine
from tests.factories import make_company, make_person

PEOPLE = [f"Q{i:03d}" for i in range(60)]
ROUNDS = 8
# Added by hand, outside the contacts the other processes change (a manual add allows a
# contact already on the segment, as in Business Central).
BY_HAND = ("BETA", "H001")


def work(url: str, role: str, no: str, seed: int) -> list[str]:
    """One process: `change` flips countries, `refresh` flips one and refreshes, `hand`
    adds by hand.
    Returns the errors it met (none expected)."""
    engine = make_engine(url)
    sessions = sessionmaker(engine, expire_on_commit=False)
    rng = random.Random(seed)
    errors: list[str] = []
    contacts = t.Contact.__table__
    try:
        for round_no in range(ROUNDS):
            if role == "change":
                chosen = rng.sample(PEOPLE, 5)
                with sessions.begin() as session:
                    for person in chosen:
                        session.execute(
                            update(contacts)
                            .where(contacts.c.no == person)
                            .values(country=rng.choice(["BE", "NL"]))
                        )
            elif role == "refresh":
                # its own change first, so that each refresh has a delta to apply whenever
                # it runs beside the others (a refresh that finds nothing records nothing)
                with sessions.begin() as session:
                    session.execute(
                        update(contacts)
                        .where(contacts.c.no == rng.choice(PEOPLE))
                        .values(country=rng.choice(["BE", "NL"]))
                    )
                dynamic.refresh(sessions, no, user=f"R{seed}")
            elif round_no < len(BY_HAND):
                add_contact(sessions, no, contact_no=BY_HAND[round_no], user="HAND")
    except Exception as exc:  # reported to the test, which expects none
        errors.append(f"{role}: {type(exc).__name__}: {exc}")
    finally:
        engine.dispose()
    return errors


def active(sessions, no: str) -> list[str]:
    lines, headers, contacts = (
        t.SegmentLine.__table__,
        t.SegmentHeader.__table__,
        t.Contact.__table__,
    )
    with sessions.begin() as session:
        return list(
            session.scalars(
                select(contacts.c.no)
                .join(lines, lines.c.contact_id == contacts.c.id)
                .join(headers, headers.c.id == lines.c.segment_id)
                .where(headers.c.no == no, lines.c.removed_action.is_(None))
                .order_by(contacts.c.no)
            )
        )


@pytest.mark.slow
def test_x4_refreshes_changes_and_users_at_once_lose_and_duplicate_nothing(database_url):
    engine = make_engine(database_url)
    sessions = sessionmaker(engine, expire_on_commit=False)
    with sessions.begin() as session:
        company = make_company(session, "BETA", "Beta", country="NL")
        for index, no in enumerate(PEOPLE):
            make_person(session, no, company=company, country="BE" if index % 2 else "NL")
        make_person(session, "H001", company=company, country="NL")
    no = segments.create_segment(
        sessions, description="Live", user="U", values=[("dynamic", "true")]
    ).no
    add_contacts(sessions, no, criteria="country = BE and type = person", user="U")
    dynamic.refresh(sessions, no, user="U")
    roles = ["change", "change", "refresh", "refresh", "hand"]
    context = multiprocessing.get_context("spawn")
    with context.Pool(len(roles)) as pool:
        results = pool.starmap(
            work, [(database_url, role, no, seed) for seed, role in enumerate(roles)]
        )
    assert [error for found in results for error in found] == []
    dynamic.refresh(sessions, no, user="U")
    on = active(sessions, no)
    assert len(on) == len(set(on)), "a contact is on the segment twice"
    rebuilt = segments.create_segment(sessions, description="Rebuilt", user="U").no
    add_contacts(sessions, rebuilt, criteria="country = BE and type = person", user="U")
    assert set(on) == set(active(sessions, rebuilt)) | set(BY_HAND)
    with sessions.begin() as session:
        refreshes = session.scalar(
            select(func.count())
            .select_from(t.SegmentCriteriaLine)
            .where(t.SegmentCriteriaLine.action == "refresh", t.SegmentCriteriaLine.user_id != "U")
        )
    assert refreshes > 0
    engine.dispose()
