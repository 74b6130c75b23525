"""SPEC §9 (S3, X2): on SQLite an add's or a preview's criteria have the probing terms of
their `and` (relations, memberships) written least likely first, by their pass rates on a
sample of the contacts (criteria/likely.py, services/_likely.py); what they select does not
change (the differential tests compile every tree in reverse order too)."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from rapport.criteria import condition
from rapport.criteria.likely import probes
from rapport.criteria.value import Criteria
from rapport.services._likely import likeliest
from rapport.services.segments._lines import selection
from rapport.services.segments.results import NO_OPTIONS
from rapport.storage import tables as t
from rapport.storage.db import is_postgresql
from tests.factories import link, make_person

PERSONS = 200
BOTH = "mailing_group = NEWSLETTER and mailing_group = VIP"


@pytest.fixture
def world(sessions):
    """200 persons: nine in ten get the newsletter (not those ending in 5), one in ten (those
    ending in 0) is a VIP."""
    with sessions.begin() as session:
        for number in range(1, PERSONS + 1):
            person = make_person(session, f"P{number:03d}")
            if number % 10 != 5:
                link(session, t.ContactMailingGroup, person, "NEWSLETTER")
            if number % 10 == 0:
                link(session, t.ContactMailingGroup, person, "VIP")
    return sessions


def literal_sql(criteria: Criteria, likely=None) -> str:
    compiled = criteria.condition(likely=likely).compile(compile_kwargs={"literal_binds": True})
    return str(compiled)


def test_s3_x2_probing_terms_are_rated_on_a_sample_of_the_contacts_on_sqlite_only(world):
    criteria = Criteria.parse(f"{BOTH} and no matches 'P*'")
    with world() as session:
        rates = likeliest(session, criteria, sampled_from=1)
        if is_postgresql(session):
            assert rates is None  # its planner hashes the terms; their order does not count
        else:
            assert rates == [0.9, 0.1, 1.0]  # the column test is not sampled


def test_s3_x2_a_small_database_or_a_single_probe_is_not_sampled(world):
    with world() as session:
        assert likeliest(session, Criteria.parse(BOTH)) is None  # 200 ids < SAMPLED_FROM
        single = Criteria.parse("mailing_group = VIP and no matches 'P*'")
        assert likeliest(session, single, sampled_from=1) is None
        assert likeliest(session, Criteria.parse("mailing_group = VIP"), sampled_from=1) is None


def test_x1_the_least_likely_probing_term_is_written_first_after_the_column_tests():
    criteria = Criteria.parse(f"{BOTH} and no matches 'P*'")
    as_written = literal_sql(criteria)
    assert as_written.index("'NEWSLETTER'") < as_written.index("'VIP'")
    reordered = literal_sql(criteria, [0.9, 0.1, 1.0])
    assert reordered.index("contacts.no") < reordered.index("'VIP'")
    assert reordered.index("'VIP'") < reordered.index("'NEWSLETTER'")
    # equal rates keep the order written; an `and` below the top level keeps its order
    assert literal_sql(criteria, [0.5, 0.5, 1.0]) == as_written
    nested = Criteria.parse(f"mailing_group = X or ({BOTH})")
    assert literal_sql(nested, [0.0, 1.0]) == literal_sql(nested)


def test_s3_x2_a_deep_part_is_sampled_without_recursing():
    """A part 3,000 `not`s deep: parts are told apart by position, never hashed."""
    deep = Criteria.parse(f"mailing_group = VIP and ({'not ' * 3000}mailing_group = NEWSLETTER)")
    assert set(probes(deep.tree)) == {0, 1}


def test_s3_x2_an_add_selects_the_same_contacts_in_either_order(world):
    criteria = Criteria.parse(BOTH)
    vips = {f"P{number:03d}" for number in range(10, PERSONS + 1, 10)}
    with world() as session:
        rates = likeliest(session, criteria, sampled_from=1)
        for chosen in (
            selection(session, criteria, NO_OPTIONS),
            criteria.condition(likely=rates),
            condition(criteria.tree),
        ):
            assert set(session.scalars(select(t.Contact.no).where(chosen))) == vips
