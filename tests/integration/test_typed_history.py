"""X3, X5, L6 (issue 10): the membership log, explain's events and interaction log entries
are typed, frozen results that each edge serialises, never dicts."""

from __future__ import annotations

import dataclasses

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from rapport.services.interactions import entries
from rapport.services.segments import explain as explaining
from rapport.services.segments import header, history
from rapport.services.segments.actions import add_contacts, reduce
from rapport.storage import tables as t
from tests.factories import make_interaction
from tests.integration.segment_world import build_world


def test_x3_x5_l6_history_explain_and_entries_are_typed(sessions: sessionmaker[Session]) -> None:
    with sessions.begin() as session:
        build_world(session)
        make_interaction(
            session, session.scalars(select(t.Contact).where(t.Contact.no == "P1")).one()
        )
    no = header.create_segment(sessions, description="S", user="ADMIN").no
    add_contacts(sessions, no, criteria="country = BE and type = person", user="ADMIN")
    reduce(sessions, no, criteria="no = P2", user="ADMIN")
    events = list(history.membership_log(sessions, no, contact_no="P2"))
    assert [(e.action_no, e.event, e.contact_no) for e in events] == [
        (1, "entry", "P2"),
        (2, "exit", "P2"),
    ]
    explained = explaining.explain(sessions, no, "P2")
    assert [part.criteria for part in explained.events[0].matched] == [
        "country = BE",
        "type = person",
    ]
    assert all(part.matches for part in explained.events[0].matched)
    rows = list(entries.get_all(sessions))
    assert [(row.entry_no, row.contact_no) for row in rows] == [(1, "P1")]
    for value in (events[0], explained.events[0], explained.events[0].matched[0], rows[0]):
        with pytest.raises(dataclasses.FrozenInstanceError):
            value.criteria = "x"  # type: ignore[misc,union-attr]
