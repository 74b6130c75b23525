"""Merging a duplicate contact (K5): what both have under one key stays the survivor's and
the differing values are listed; segment lines, opportunities and tasks move; all in one
transaction. On SQLite and PostgreSQL."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from rapport.errors import NotFound
from rapport.services.contacts.merge import merge_contacts
from rapport.storage import tables as t
from tests.factories import link, make_company, make_person, put_on_segment


@pytest.fixture
def world(sessions):
    """Companies KEEP and DUP (its duplicate, with person P1); both on segment SEG1, DUP
    alone on SEG2; both in mailing group NEWS, DUP also in EVENTS; both customers, under
    other customer nos.; an opportunity and a task of DUP."""
    with sessions.begin() as session:
        keep = make_company(session, "KEEP", "Acme")
        dup = make_company(session, "DUP", "ACME", email="sales@acme.test")
        make_person(session, "P1", "Ann", company=dup)
        for contact in (keep, dup):
            put_on_segment(session, contact, segment_no="SEG1")
            link(session, t.ContactMailingGroup, contact, "NEWS")
        put_on_segment(session, dup, segment_no="SEG2")
        link(session, t.ContactMailingGroup, dup, "EVENTS")
        link(session, t.ContactBusinessRelation, keep, "CUST", link_no="C100")
        link(session, t.ContactBusinessRelation, dup, "CUST", link_no="C200")
        session.add(t.Opportunity(no="OP1", contact_id=dup.id, contact_company_no="DUP"))
        session.add(t.Task(no="TD1", contact_id=dup.id, contact_company_no="DUP"))
    return sessions


def rows(sessions, query):
    with sessions() as session:
        return session.execute(query).all()


def test_k5_merge_keeps_the_survivors_values_and_lists_the_others(world):
    result = merge_contacts(world, "keep", other_no="dup")
    assert (result.contact_no, result.merged_no) == ("KEEP", "DUP")
    differing = {(d.table, d.key, d.field, d.kept, d.dropped) for d in result.differences}
    assert ("contact_business_relations", "CUST", "link_no", "C100", "C200") in differing
    assert ("contacts", "KEEP", "name", "Acme", "ACME") in differing
    groups = rows(
        world,
        select(t.ContactMailingGroup.mailing_group_code)
        .join(t.Contact, t.Contact.id == t.ContactMailingGroup.contact_id)
        .where(t.Contact.no == "KEEP")
        .order_by(t.ContactMailingGroup.mailing_group_code),
    )
    assert [code for (code,) in groups] == ["EVENTS", "NEWS"]
    assert rows(world, select(t.Contact.no).where(t.Contact.no == "DUP")) == []


def test_k5_merge_moves_segment_lines_opportunities_tasks_and_persons(world):
    merge_contacts(world, "KEEP", other_no="DUP")
    lines = rows(
        world,
        select(t.SegmentHeader.no, t.Contact.no, t.SegmentLine.contact_company_no)
        .join(t.SegmentHeader, t.SegmentHeader.id == t.SegmentLine.segment_id)
        .join(t.Contact, t.Contact.id == t.SegmentLine.contact_id)
        .order_by(t.SegmentHeader.no),
    )
    # On SEG1 both had a line: the survivor's stays, once. SEG2's line moves over.
    assert lines == [("SEG1", "KEEP", "KEEP"), ("SEG2", "KEEP", "KEEP")]
    for model in (t.Opportunity, t.Task):
        assert rows(
            world,
            select(t.Contact.no, model.contact_company_no).join(
                t.Contact, t.Contact.id == model.contact_id
            ),
        ) == [("KEEP", "KEEP")]
    person = rows(
        world, select(t.Contact.company_no, t.Contact.company_name).where(t.Contact.no == "P1")
    )
    assert person == [("KEEP", "Acme")]


def test_k5_a_merge_that_fails_changes_nothing(world):
    with pytest.raises(NotFound, match=r"The Contact does not exist\. .*No\.='NOPE'"):
        merge_contacts(world, "KEEP", other_no="NOPE")
    assert len(rows(world, select(t.Contact.no))) == 3
