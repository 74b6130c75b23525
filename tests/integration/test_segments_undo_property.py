"""Property (S8, X5): any action followed by undo restores the exact previous lines, and
undo to any earlier action restores the lines as they were after it."""

from __future__ import annotations

from dataclasses import asdict

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import delete

from rapport.services.segments import header as segments
from rapport.services.segments import history as segment_history
from rapport.services.segments.actions import (
    AddOptions,
    add_contacts,
    reduce,
    refine,
)
from rapport.services.segments.line_edits import set_line
from rapport.services.segments.manual import add_contact, remove_contact
from rapport.storage import tables as t
from tests.integration.segment_world import build_world

CRITERIA = [
    "country = BE",
    "type = company",
    "job_responsibility = PURCHASE",
    "industry_group = RETAIL",
    "no in (P1, P3, P6)",
    "not country = NL",
]
CONTACTS = ["ACME", "BETA", "P1", "P2", "P3", "P6"]

actions = st.one_of(
    st.tuples(
        st.just("add"),
        st.sampled_from(CRITERIA),
        st.builds(
            AddOptions,
            allow_existing=st.booleans(),
            expand_companies=st.booleans(),
            related_companies=st.booleans(),
            ignore_exclusion=st.booleans(),
        ),
    ),
    st.tuples(st.sampled_from(["reduce", "refine"]), st.sampled_from(CRITERIA), st.booleans()),
    st.tuples(
        st.sampled_from(["add_contact", "remove_contact", "change_contact"]),
        st.sampled_from(CONTACTS),
        st.none(),
    ),
)


def snapshot(sessions, no):
    return [tuple(sorted(asdict(line).items())) for line in segments.get_lines(sessions, no)]


def apply(sessions, no, action):
    kind, arg, option = action
    if kind == "add":
        add_contacts(sessions, no, criteria=arg, options=option, user="U")
    elif kind in ("reduce", "refine"):
        fn = reduce if kind == "reduce" else refine
        fn(sessions, no, criteria=arg, entire_companies=option, keep_criteria=True, user="U")
    elif kind == "add_contact":
        add_contact(sessions, no, contact_no=arg, user="U")
    elif kind == "change_contact":
        current = list(segments.get_lines(sessions, no, limit=1))
        if not current:
            return False
        set_line(sessions, no, current[0].line_no, values=[("contact_no", arg)], user="U")
    else:
        try:
            remove_contact(sessions, no, contact_no=arg, user="U", keep_criteria=True)
        except Exception:
            return False  # not on the segment: nothing recorded
    return True


@pytest.fixture
def world(sessions):
    with sessions.begin() as session:
        build_world(session)
    return sessions


@settings(
    max_examples=100,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(steps=st.lists(actions, min_size=1, max_size=6))
def test_undo_restores_the_exact_lines_after_each_earlier_action(world, steps):
    with world.begin() as session:
        session.execute(delete(t.SegmentHeader))
    no = segments.create_segment(world, description="P", user="U").no
    # the lines after each action no. (changing a line's contact records two actions)
    states = {0: snapshot(world, no)}
    for step in steps:
        if apply(world, no, step):
            states[segments.get(world, no).no_of_criteria_actions] = snapshot(world, no)
    for target in sorted(states, reverse=True)[1:]:
        segment_history.go_back(world, no, to=target)
        assert snapshot(world, no) == states[target]
