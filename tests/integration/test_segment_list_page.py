"""The web's segment list a page at a time (S1, S7; SPEC §8): read by the statement of the
API's list (`overview.get_all`), one statement a page whatever the number of segments, its
plain search taking `%` and `_` as the characters typed."""

from __future__ import annotations

import pytest

from rapport.services.segments import browse, overview
from rapport.services.segments import header as segments
from rapport.services.segments.actions import add_contacts, reduce
from rapport.services.segments.overview import SegmentFilter
from tests.factories import statements

TRANSACTION = ("BEGIN", "COMMIT", "ROLLBACK")


@pytest.fixture
def listed(world):
    """SEG00001 "50% off" and SEG00002 "Spring_sale", each with criteria actions and lines,
    and SEG00003 "Plain letters"."""
    for description in ("50% off", "Spring_sale", "Plain letters"):
        segments.create_segment(world, description=description, user="ADMIN")
    for no in ("SEG00001", "SEG00002"):
        add_contacts(world, no, criteria="type = person", user="ADMIN")
        reduce(world, no, criteria="country = NL", user="ADMIN")
    return world


def searched(sessions, q: str) -> list[str]:
    return [segment.no for segment in browse.get_page(sessions, q=q).items]


def test_s1_a_page_of_the_web_list_is_one_statement(listed):
    """Each segment's counts come with its header: a page of three segments with criteria
    actions is one SELECT (it was one for the headers and two more for each segment)."""
    with statements(listed) as seen:
        page = browse.get_page(listed, limit=3)
    run = [sql for sql, _ in seen if sql.split()[0].upper() not in TRANSACTION]
    assert len(run) == 1, run
    assert "LIMIT" in run[0].upper()
    assert [s.no_of_criteria_actions for s in page.items] == [2, 2, 0]
    assert [s.no_of_lines > 0 for s in page.items] == [True, True, False]


def test_s1_the_web_list_is_the_apis_list_paged_by_keyset(listed):
    whole = overview.get_all(listed)
    first = browse.get_page(listed, limit=2)
    assert first.items == whole[:2]
    assert first.next_after == "SEG00002"
    rest = browse.get_page(listed, after=" seg00002 ", limit=2)
    assert (rest.items, rest.next_after) == (whole[2:], None)
    found = browse.get_page(listed, q="SALE")
    assert found.items == overview.get_all(listed, filters=SegmentFilter(q="SALE"))


@pytest.mark.parametrize(
    ("q", "expected"),
    [
        ("%", ["SEG00001"]),
        ("50%", ["SEG00001"]),
        ("_", ["SEG00002"]),
        ("g_s", ["SEG00002"]),
        ("g%s", []),
        ("PLAIN", ["SEG00003"]),
        ("seg0000", ["SEG00001", "SEG00002", "SEG00003"]),
        ("  ", ["SEG00001", "SEG00002", "SEG00003"]),
    ],
)
def test_s1_the_web_lists_search_takes_percent_and_underscore_as_typed(listed, q, expected):
    """A search for "50%" found every segment: `%` and `_` were LIKE's wildcards."""
    assert searched(listed, q) == expected
