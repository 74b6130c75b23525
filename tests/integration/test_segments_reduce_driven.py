"""Reduce and refine with criteria made of relations and memberships (S4, S5, SPEC §9): the
matching contacts are found once from the relations' code indexes (UNION / INTERSECT) and
hashed against the lines, or, on a segment with few lines against the contact base, each
line is probed against the relations. Each case is checked against the criteria's own condition
evaluated contact by contact, on both engines, including a line without a contact, a person
without a company (company relations never match it) and a segment and a logged segment
as members."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from rapport.criteria.driven import relation_driven_ids
from rapport.criteria.value import Criteria
from rapport.services.segments import header as segments
from rapport.services.segments._matching import few_lines
from rapport.services.segments.actions import AddOptions, add_contacts, reduce, refine
from rapport.storage import tables as t
from tests.factories import link, make_person, make_segment
from tests.integration.segment_world import build_world
from tests.line_counts import count_lines

DRIVEN = [
    "job_responsibility = PURCHASE",
    "industry_group = RETAIL",
    "mailing_group = NEWSLETTER or business_relation = CUST",
    "industry_group in (RETAIL, WHOLESALE) or job_responsibility = PURCHASE",
    "industry_group = RETAIL and job_responsibility = PURCHASE",
    "(industry_group = WHOLESALE or mailing_group = NEWSLETTER) and job_responsibility = PURCHASE",
    "segment(OTHER) or job_responsibility = SALES",
    "logged_segment(1) or industry_group = WHOLESALE",
]


@pytest.fixture
def world(sessions):
    with sessions.begin() as session:
        build_world(session)
        contacts = {c.no: c for c in session.scalars(select(t.Contact))}
        link(session, t.ContactMailingGroup, contacts["P6"], "NEWSLETTER")
        make_segment(session, "OTHER", lines=[{"contact": contacts["P3"]}, {"contact": None}])
        session.add(t.LoggedSegment(entry_no=1, segment_no="OLD", description="Old"))
        session.flush()
        for contact, canceled in ((contacts["P2"], False), (contacts["P5"], True)):
            session.add(
                t.InteractionLogEntry(
                    entry_no=contact.id,
                    contact_id=contact.id,
                    logged_segment_entry_no=1,
                    canceled=canceled,
                )
            )
    return sessions


def filled(sessions, description: str, criteria: str, *, contactless: bool = True) -> str:
    """A new segment of the contacts `criteria` select, and a line without a contact."""
    no = segments.create_segment(sessions, description=description, user="ADMIN").no
    add_contacts(
        sessions, no, criteria=criteria, user="ADMIN", options=AddOptions(ignore_exclusion=True)
    )
    if contactless:
        with sessions.begin() as session:
            header = session.scalars(select(t.SegmentHeader).where(t.SegmentHeader.no == no)).one()
            session.add(t.SegmentLine(segment_id=header.id, line_no=10**9, added_action=1))
            session.flush()
            count_lines(session, header.id)
    return no


@pytest.fixture
def seg(world):
    """Every contact: as many lines as contacts, hashed against the matching contacts."""
    return filled(world, "Calls", "no matches '*'")


@pytest.fixture
def few(world):
    """The six persons among 46 contacts: fewer lines than a quarter of the contact base,
    so its lines are probed one by one."""
    with world.begin() as session:
        for n in range(37):
            make_person(session, f"Q{n:02d}", f"Quinn {n}")
    return filled(world, "Few", "no matches 'P*'")


def expected_matches(sessions, text: str) -> set[str]:
    """The contacts the criteria select, by their plain condition on each contact."""
    with sessions() as session:
        condition = Criteria.parse(text).condition()
        return set(session.scalars(select(t.Contact.no).where(condition)))


def members(sessions, no: str) -> list[str]:
    return sorted(line.contact_no or "" for line in segments.get_lines(sessions, no))


SEGMENTS = ["seg", "few"]  # hashed against the matching contacts; probed line by line


@pytest.mark.parametrize("segment", SEGMENTS)
@pytest.mark.parametrize("text", DRIVEN)
def test_s4_reduce_with_relation_criteria_removes_exactly_the_matching_lines(
    world, segment, text, request
):
    seg = request.getfixturevalue(segment)
    assert relation_driven_ids(Criteria.parse(text).tree) is not None
    before = members(world, seg)
    matching = expected_matches(world, text)
    result = reduce(world, seg, criteria=text, user="ADMIN")
    assert members(world, seg) == sorted(no for no in before if no not in matching)
    assert result.removed == len([no for no in before if no in matching])


@pytest.mark.parametrize("segment", SEGMENTS)
@pytest.mark.parametrize("text", DRIVEN)
def test_s5_refine_with_relation_criteria_keeps_exactly_the_matching_lines(
    world, segment, text, request
):
    seg = request.getfixturevalue(segment)
    before = members(world, seg)
    matching = expected_matches(world, text)
    result = refine(world, seg, criteria=text, user="ADMIN")
    assert members(world, seg) == sorted(no for no in before if no in matching)
    assert "" not in members(world, seg)  # the line without a contact goes
    assert result.removed == len([no for no in before if no not in matching])


@pytest.mark.parametrize(
    "text",
    ["industry_group = RETAIL or job_responsibility = PURCHASE", "no matches 'P1'"],
)
def test_s5_refine_of_entire_companies_keeps_every_line_of_a_company_with_a_match(world, seg, text):
    """Refine keeps a line when its contact or a contact of its company matches, tested as
    NOT EXISTS of the line's contact among the matches (an anti-join, never NOT IN)."""
    before = members(world, seg)
    with world() as session:
        condition = Criteria.parse(text).condition()
        matching = set(session.scalars(select(t.Contact.no).where(condition)))
        companies = set(
            session.scalars(
                select(t.Contact.company_id).where(condition, t.Contact.company_id.is_not(None))
            )
        )
        colleagues = set(
            session.scalars(select(t.Contact.no).where(t.Contact.company_id.in_(companies)))
        )
    refine(world, seg, criteria=text, entire_companies=True, user="ADMIN")
    assert members(world, seg) == sorted(no for no in before if no in matching | colleagues)
    assert colleagues - matching  # a colleague kept for its company's match


def test_s4_criteria_on_contact_fields_or_negations_are_not_relation_driven():
    for text in (
        "country = BE",
        "not mailing_group = NEWSLETTER",
        "excluded or industry_group = X",
    ):
        assert relation_driven_ids(Criteria.parse(text).tree) is None


def segment_id(sessions, no: str) -> int:
    with sessions() as session:
        return session.scalars(select(t.SegmentHeader.id).where(t.SegmentHeader.no == no)).one()


def test_s4_a_segment_is_probed_line_by_line_only_when_small_against_the_contacts(world, few):
    """SPEC §9: the set of matching contacts costs the same whatever the segment, the probes
    cost per line; a segment holding every contact is hashed against the set, a small one
    is probed."""
    every = filled(world, "All", "no matches '*'", contactless=False)
    small, large = segment_id(world, few), segment_id(world, every)
    with world() as session:
        assert len(members(world, few)) * 4 < session.scalar(select(func.count(t.Contact.id)))
        assert few_lines(session, small)
        assert not few_lines(session, large)
