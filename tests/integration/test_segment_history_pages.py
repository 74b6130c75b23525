"""A segment's history and the segment list a page at a time (X5, S7, S1; SPEC §7): the
membership log and the criteria actions read by keyset with a LIMIT in the statement, pages
that join up to the whole log, and the list narrowed by its filters in one statement."""

from __future__ import annotations

import pytest

from rapport.errors import Invalid
from rapport.services.segments import header as segments
from rapport.services.segments import overview
from rapport.services.segments.actions import AddOptions, add_contacts, reduce
from rapport.services.segments.history import criteria, event_key, membership_log
from rapport.services.segments.overview import SegmentFilter
from rapport.storage import tables as t
from tests.factories import statements


@pytest.fixture
def seg(world):
    """Every person added (action 1), those in NL removed (2), ACME added (3)."""
    no = segments.create_segment(world, description="Calls", user="ADMIN").no
    options = AddOptions(ignore_exclusion=True)
    add_contacts(world, no, criteria="type = person", user="ADMIN", options=options)
    reduce(world, no, criteria="country = NL", user="ADMIN")
    add_contacts(world, no, criteria="no = ACME", user="ADMIN")
    return no


def walked(sessions, no, *, size, contact_no=None):
    """The membership log read page by page, each after the last event of the one before."""
    pages, after = [], None
    while True:
        page = list(membership_log(sessions, no, contact_no=contact_no, after=after, limit=size))
        pages.append(page)
        if len(page) < size:
            return pages
        after = event_key(page[-1])


def test_x5_the_membership_log_read_page_by_page_is_the_whole_log(world, seg):
    whole = list(membership_log(world, seg))
    assert [(e.action_no, e.event) for e in whole].count((2, "exit")) == 2  # P3, P4
    assert len(whole) == 9
    pages = walked(world, seg, size=2)
    assert [len(page) for page in pages] == [2, 2, 2, 2, 1]
    assert [event for page in pages for event in page] == whole
    assert walked(world, seg, size=9)[0] == whole
    one = walked(world, seg, size=1, contact_no="p3")
    assert [[(e.action_no, e.event) for e in page] for page in one] == [
        [(1, "entry")],
        [(2, "exit")],
        [],
    ]


def read_of(seen, table):
    """The one statement of `seen` that reads `table` (with its parameters)."""
    found = [(sql, params) for sql, params in seen if f"FROM {table}" in sql]
    assert len(found) == 1, found
    return found[0]


def test_x5_a_page_of_the_membership_log_is_read_with_a_limit_in_its_statement(world, seg):
    first = list(membership_log(world, seg, limit=2))
    with statements(world) as seen:
        page = list(membership_log(world, seg, after=event_key(first[-1]), limit=2))
    assert page == list(membership_log(world, seg))[2:4]
    sql, params = read_of(seen, "segment_lines")
    assert "LIMIT" in sql.upper()
    assert 2 in params


def test_s7_the_criteria_actions_page_by_action_no_with_a_limit(world, seg):
    whole = criteria(world, seg)
    assert [action.action_no for action in whole] == [1, 2, 3]
    assert criteria(world, seg, limit=2) == whole[:2]
    assert criteria(world, seg, after=2, limit=2) == whole[2:]
    assert criteria(world, seg, after=3) == []
    with statements(world) as seen:
        criteria(world, seg, after=1, limit=1)
    sql, params = read_of(seen, "segment_criteria_lines")
    assert "LIMIT" in sql.upper()
    assert 1 in params


@pytest.fixture
def listed(world):
    """SEG00001 Spring (KIM, campaign CP1), SEG00002 Summer (dynamic, JO, the user's
    salesperson) and SEG00003 Autumn (no salesperson, template ABSTRACT)."""
    with world.begin() as session:
        session.add(t.Campaign(no="CP1", description="Spring"))
    made = [
        ("Spring mailing", "ADMIN", [("salesperson_code", "KIM"), ("campaign_no", "CP1")]),
        ("Summer mailing", "ADMIN", [("dynamic", "true")]),
        ("Autumn call", "SOMEONE", [("interaction_template_code", "ABSTRACT")]),
    ]
    for description, user, values in made:
        segments.create_segment(world, description=description, user=user, values=values)
    return world


def nos(sessions, **filters):
    return [s.no for s in overview.get_all(sessions, filters=SegmentFilter(**filters))]


FILTERED = [
    ({}, ["SEG00001", "SEG00002", "SEG00003"]),
    ({"salesperson": "kim"}, ["SEG00001"]),
    ({"salesperson": " JO "}, ["SEG00002"]),
    ({"salesperson": ""}, ["SEG00003"]),
    ({"campaign": "CP1"}, ["SEG00001"]),
    ({"campaign": ""}, ["SEG00002", "SEG00003"]),
    ({"template": "abstract"}, ["SEG00003"]),
    ({"dynamic": True}, ["SEG00002"]),
    ({"dynamic": False}, ["SEG00001", "SEG00003"]),
    ({"q": "MAILING", "dynamic": False}, ["SEG00001"]),
    ({"where": "salesperson = JO or campaign = CP1"}, ["SEG00001", "SEG00002"]),
    ({"where": "description matches 'Autumn*'", "salesperson": ""}, ["SEG00003"]),
    ({"where": "no_of_lines > 0"}, []),
    ({"salesperson": "KIM", "dynamic": True}, []),
]


@pytest.mark.parametrize(("filters", "expected"), FILTERED)
def test_s1_the_segment_list_is_narrowed_by_every_filter_given(listed, filters, expected):
    assert nos(listed, **filters) == expected


BAD_FILTERS = [
    ({"salesperson": "KIN"}, "salesperson", "KIM"),  # did you mean
    ({"campaign": "CP9"}, "campaign", "CP9"),
    ({"template": "LETTER"}, "template", "LETTER"),
    ({"where": "salesperson ="}, "where", ""),
    ({"where": "colour = red"}, "where", "colour"),
    ({"where": "campaign = CP7"}, "where", "CP7"),
]


@pytest.mark.parametrize(("filters", "field", "said"), BAD_FILTERS)
def test_s1_a_bad_filter_is_invalid_naming_it(listed, filters, field, said):
    with pytest.raises(Invalid) as raised:
        nos(listed, **filters)
    assert raised.value.field == field
    assert said in raised.value.message


def test_s1_a_page_of_the_segment_list_is_one_statement_with_a_limit(listed):
    with statements(listed) as seen:
        first = overview.get_all(listed, limit=2)
    sql, params = read_of(seen, "segment_headers")
    assert "LIMIT" in sql.upper()
    assert 2 in params
    rest = overview.get_all(listed, after=first[-1].no, limit=2)
    assert first + rest == overview.get_all(listed)
    assert [s.no for s in rest] == ["SEG00003"]
    with statements(listed) as seen:
        overview.get_all(listed, filters=SegmentFilter(salesperson="KIM", dynamic=False))
    read_of(seen, "segment_headers")  # the salesperson is checked in salespeople, not here
