"""Which contacts a refresh by delta evaluates (X4), on both engines: those marked since the
last refresh; the persons of a marked company only when the definition reads a relation kept
on the company (industry groups, business relations); every contact of a marked contact's
company when membership follows the company. And a refresh by delta after a change to a
company gives what a rebuild gives, whether or not the definition reads the company.
"""

from __future__ import annotations

import pytest
from sqlalchemy import select, update

from rapport.criteria import Criteria
from rapport.services.segments import dynamic
from rapport.services.segments import header as segments
from rapport.services.segments._definition import Definition, Step
from rapport.services.segments._refresh import affected
from rapport.services.segments.actions import add_contacts
from rapport.services.segments.results import AddOptions
from rapport.storage import tables as t
from rapport.storage.changes import watermark

contacts = t.Contact.__table__


def step(criteria: str, options: AddOptions | None = None) -> Step:
    return Step("add", Criteria.parse(criteria), options or AddOptions(), entire_companies=False)


@pytest.mark.parametrize(
    ("criteria", "reads"),
    [
        ("industry_group = RETAIL", True),
        ("country = BE and business_relation = CUST", True),
        ("not industry_group()", True),
        ("country = BE", False),
        ("company_name = Acme and job_responsibility = PURCHASE", False),
        ("segment(SEG00001)", False),
    ],
)
def test_x4_a_definition_reads_the_company_through_a_relation_kept_on_it(criteria, reads):
    assert Definition((step(criteria),)).reads_companies is reads


def marked_after(sessions, change: str) -> tuple[int, int]:
    """The change sequence before and after `change`'s country is set to NL (a dynamic segment
    exists, so the triggers record)."""
    no = segments.create_segment(sessions, description="D", user="U", values=[("dynamic", "true")])
    add_contacts(sessions, no.no, criteria="country = BE", user="U")
    with sessions.begin() as session:
        before = watermark(session)
        session.execute(update(contacts).where(contacts.c.no == change).values(country="NL"))
    with sessions.begin() as session:
        return before, watermark(session)


def nos(sessions, scope) -> set[str]:
    with sessions.begin() as session:
        return set(session.scalars(select(contacts.c.no).where(contacts.c.id.in_(scope))))


def test_x4_a_company_mark_moves_its_persons_only_when_the_definition_reads_the_company(world):
    after, upto = marked_after(world, "ACME")
    assert nos(world, affected(after, upto, by_company=False, reads_companies=False)) == {"ACME"}
    assert nos(world, affected(after, upto, by_company=False, reads_companies=True)) == {
        "ACME",
        "P1",
        "P2",
    }


def test_x4_a_person_mark_moves_its_colleagues_when_membership_follows_the_company(world):
    after, upto = marked_after(world, "P3")
    assert nos(world, affected(after, upto, by_company=False, reads_companies=False)) == {"P3"}
    assert nos(world, affected(after, upto, by_company=True, reads_companies=False)) == {
        "BETA",
        "P3",
        "P4",
    }


@pytest.mark.parametrize(
    "criteria", ["country = BE", "industry_group = RETAIL", "industry_group = WHOLESALE"]
)
def test_x4_a_change_to_a_company_refreshes_by_delta_to_what_a_rebuild_gives(world, criteria):
    values = [("dynamic", "true")]
    no = segments.create_segment(world, description="D", user="U", values=values).no
    add_contacts(world, no, criteria=criteria, user="U")
    dynamic.refresh(world, no, user="U")
    groups = t.ContactIndustryGroup.__table__
    with world.begin() as session:
        session.execute(update(contacts).where(contacts.c.no == "BETA").values(country="BE"))
        acme, beta = (
            session.scalar(select(contacts.c.id).where(contacts.c.no == code))
            for code in ("ACME", "BETA")
        )
        session.execute(update(groups).where(groups.c.contact_id == acme).values(contact_id=beta))
    result = dynamic.refresh(world, no, user="U")
    assert not result.full
    rebuilt = segments.create_segment(world, description="R", user="U").no
    add_contacts(world, rebuilt, criteria=criteria, user="U")
    assert sorted(line.contact_no for line in segments.get_lines(world, no)) == sorted(
        line.contact_no for line in segments.get_lines(world, rebuilt)
    )
