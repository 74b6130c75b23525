"""Property (X4, S8): on a dynamic segment, undo restores the exceptions with the lines.

A run defines a dynamic segment, then mixes manual adds (which lift a contact's exception),
manual removals (which make one, or replace one), refreshes, changes to the contacts in
between (so that refreshes add and remove) and undo to a random earlier action. After each
undo to action N the segment's exceptions, its lines (every column, removed ones too) and
its criteria lines are exactly what they were after action N; on SQLite and PostgreSQL.
"""

from __future__ import annotations

from typing import Any

from hypothesis import HealthCheck, event, example, given, settings
from hypothesis import strategies as st
from sqlalchemy import delete, select, update

from rapport.errors import RapportError
from rapport.services.segments import dynamic
from rapport.services.segments import header as segments
from rapport.services.segments import history as segment_history
from rapport.services.segments.actions import add_contacts, reduce
from rapport.services.segments.manual import add_contact, remove_contact
from rapport.storage import tables as t

CONTACTS = ["ACME", "BETA", "P1", "P2", "P3", "P6"]

steps_strategy = st.one_of(
    st.tuples(st.sampled_from(["add_contact", "remove_contact"]), st.sampled_from(CONTACTS)),
    st.tuples(st.just("country"), st.sampled_from(CONTACTS)),
    st.tuples(st.just("refresh"), st.none()),
    st.tuples(st.just("undo"), st.integers(0, 20)),
)

Snapshot = tuple[tuple[tuple[Any, ...], ...], ...]


def snapshot(sessions, no: str) -> Snapshot:
    """The exceptions, every line (removed ones too) and every criteria line, all columns."""
    headers = t.SegmentHeader.__table__
    parts = (
        (t.SegmentException.__table__, ("contact_id",)),
        (t.SegmentLine.__table__, ("id",)),
        (t.SegmentCriteriaLine.__table__, ("action_no",)),
    )
    with sessions.begin() as session:
        segment_id = session.scalar(select(headers.c.id).where(headers.c.no == no))
        found = []
        for table, order in parts:
            rows = session.execute(
                select(table)
                .where(table.c.segment_id == segment_id)
                .order_by(*(table.c[c] for c in order))
            ).all()
            found.append(tuple(tuple(sorted(row._mapping.items())) for row in rows))
        return tuple(found)


def assert_distinct_line_nos(state: Snapshot) -> None:
    """S5, S11: the lines on the segment have distinct line numbers (no index enforces it)."""
    numbers = [dict(line)["line_no"] for line in state[1] if dict(line)["removed_action"] is None]
    assert len(numbers) == len(set(numbers)), "two lines on the segment share a line no."


def flip_country(sessions, contact_no: str) -> None:
    """A change as any write path makes it (the triggers mark the contact)."""
    contacts = t.Contact.__table__
    with sessions.begin() as session:
        country = session.scalar(select(contacts.c.country).where(contacts.c.no == contact_no))
        session.execute(
            update(contacts)
            .where(contacts.c.no == contact_no)
            .values(country="NL" if country == "BE" else "BE")
        )


def act(sessions, no: str, kind: str, contact: str) -> None:
    """One manual action, a refresh or a change; a refused action changes nothing."""
    try:
        if kind == "add_contact":
            add_contact(sessions, no, contact_no=contact, user="U")
        elif kind == "remove_contact":
            remove_contact(sessions, no, contact_no=contact, user="U", keep_criteria=True)
        elif kind == "refresh":
            dynamic.refresh(sessions, no, user="U")
        else:
            flip_country(sessions, contact)
    except RapportError:
        event("refused")


@settings(
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(steps=st.lists(steps_strategy, min_size=1, max_size=12))
# Removed by hand, added by hand (the exception lifted), undone: the exception is back.
@example(steps=[("remove_contact", "P1"), ("add_contact", "P1"), ("undo", 3)])
# Removed twice by hand (the second removal replaces the first's exception), undone once.
@example(
    steps=[
        ("remove_contact", "P1"),
        ("add_contact", "P1"),
        ("remove_contact", "P1"),
        ("undo", 4),
        ("undo", 3),
    ]
)
def test_x4_s8_undo_on_a_dynamic_segment_restores_its_exceptions_and_lines(world, steps):
    with world.begin() as session:
        session.execute(delete(t.SegmentDependency))
        session.execute(delete(t.SegmentLine))  # no key cascades them (migration 0015)
        session.execute(delete(t.SegmentHeader))
    no = segments.create_segment(world, description="D", user="U", values=[("dynamic", "true")]).no
    exact: dict[int, Snapshot] = {0: snapshot(world, no)}
    for define in (
        lambda: add_contacts(world, no, criteria="country = BE", user="U"),
        lambda: reduce(world, no, criteria="type = company", keep_criteria=True, user="U"),
        lambda: dynamic.refresh(world, no, user="U"),
    ):
        define()
        state = snapshot(world, no)
        exact[len(state[2])] = state
    for kind, arg in steps:
        if kind == "undo":
            if not state[2]:
                continue
            target = arg % len(state[2])
            segment_history.go_back(world, no, to=target)
            after = snapshot(world, no)
            event("exceptions restored" if after[0] != state[0] else "exceptions unchanged")
            assert after == exact[target]
            exact = {n: s for n, s in exact.items() if n <= target}
            state = after
            assert_distinct_line_nos(state)
            continue
        act(world, no, kind, arg)
        state = snapshot(world, no)
        assert_distinct_line_nos(state)
        exact.setdefault(len(state[2]), state)
        assert exact[len(state[2])] == state, "a change that is not an action moved the segment"
