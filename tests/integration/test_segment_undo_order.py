"""S8, SPEC §9: on SQLite an undo deletes a segment's lines by walking the (segment, removed
action, contact) index, in the order an add writes them (by contact id), not the (segment,
line no.) index, whose line order scatters the rows across the table
(`storage.segment_lines.delete_lines`): each DELETE the undo runs is planned on that index.
PostgreSQL's index has no removal mark (migration 0017): one DELETE reads the segment's
lines once. On both engines the undo leaves what it left before."""

from __future__ import annotations

import sqlite3

import pytest
from sqlalchemy import func, insert, select

from rapport.services.segments import header as segments
from rapport.services.segments.actions import add_contacts, reduce
from rapport.services.segments.history import go_back
from rapport.storage import tables as t
from rapport.storage.db import is_postgresql
from rapport.storage.schema import contacts
from tests.factories import statements

PERSONS = 60
CONTACT_ORDER = "ix_segment_lines_segment_id_removed_action_contact_id"


@pytest.fixture
def world(sessions):
    """Persons whose names run against their ids, so line order is the reverse of the
    order the lines are written in."""
    with sessions.begin() as session:
        session.execute(
            insert(contacts),
            [
                {"no": f"P{n:03d}", "type": "person", "name": f"Person {PERSONS - n:03d}"}
                for n in range(PERSONS)
            ],
        )
    return sessions


def lines_on(sessions, no: str) -> list[tuple[str, int, int | None]]:
    with sessions() as session:
        line = t.SegmentLine
        rows = session.execute(
            select(t.Contact.no, line.line_no, line.removed_action)
            .join(t.Contact, t.Contact.id == line.contact_id)
            .join(t.SegmentHeader, t.SegmentHeader.id == line.segment_id)
            .where(t.SegmentHeader.no == no)
            .order_by(line.line_no)
        )
        return [tuple(row) for row in rows]


def plans(sessions, seen) -> list[str]:
    path = sessions.kw["bind"].url.database
    with sqlite3.connect(path) as raw:
        return [
            " ".join(str(row[-1]) for row in raw.execute(f"EXPLAIN QUERY PLAN {sql}", values))
            for sql, values in seen
        ]


def test_s8_undo_deletes_lines_in_the_order_they_were_written(world):
    sessions = world
    no = segments.create_segment(sessions, description="Order", user="U").no
    add_contacts(sessions, no, criteria="no matches 'P000..P039'", user="U")
    after_first = lines_on(sessions, no)
    add_contacts(sessions, no, criteria="no matches 'P040..P059'", user="U")
    reduce(sessions, no, criteria="no matches 'P000..P009' or no matches 'P050..P054'", user="U")
    with statements(sessions) as seen:
        go_back(sessions, no, to=1)
    assert lines_on(sessions, no) == after_first
    with statements(sessions) as more:
        go_back(sessions, no, to=0)
    assert lines_on(sessions, no) == []
    with sessions() as session:
        assert session.scalar(select(func.count()).select_from(t.SegmentLine)) == 0
    deletes = [
        (sql, tuple(values))
        for sql, values in seen + more
        if sql.startswith("DELETE FROM segment_lines")
    ]
    if is_postgresql(sessions.kw["bind"]):
        assert len(deletes) == 2  # one per undo
        return
    for plan in plans(sessions, deletes):
        assert CONTACT_ORDER in plan, plan
    assert len(deletes) == 4  # the lines on the segment, then the removed ones, twice
