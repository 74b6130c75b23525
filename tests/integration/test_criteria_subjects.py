"""X1 on every subject, SQLite and PostgreSQL: criteria on segments, logged segments and
campaigns (their columns, counts and totals) select exactly the rows of the service's own
list whose printed fields satisfy them, so a `?where=` on a list means what the list shows."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from rapport.criteria import CAMPAIGNS, LOGGED_SEGMENTS, SEGMENTS, Criteria
from rapport.services.campaigns import cards as campaign_cards
from rapport.services.campaigns.targets import activate
from rapport.services.interactions import logged as logged_segments
from rapport.services.interactions.log import log_segment
from rapport.services.segments import header as segment_headers
from rapport.storage import tables as t
from tests.factories import build_log_world, make_segment


@pytest.fixture
def world(sessions):
    """SEG1 (P1, ACME on CP1; P4) logged as logged segment 1, then canceled; SEG2 (P1 on
    CP2, campaign target, logged as 2); SEG3 with P4 and a removed line of P1; SEG4 empty;
    CP2 activated."""
    with sessions.begin() as session:
        contacts = build_log_world(session)
        lines = [{"contact": contacts[no]} for no in ("P1", "ACME", "P4")]
        make_segment(
            session,
            "SEG1",
            interaction_template_code="ABSTRACT",
            campaign_no="CP1",
            salesperson_code="JO",
            unit_cost=Decimal(2),
            lines=lines,
        )
        make_segment(
            session,
            "SEG2",
            interaction_template_code="CALL",
            campaign_no="CP2",
            salesperson_code="KIM",
            campaign_target=True,
            lines=[{"contact": contacts["P1"]}],
        )
        make_segment(
            session,
            "SEG3",
            description="Call back",
            date=None,
            lines=[{"contact": contacts["P4"]}, {"contact": contacts["P1"], "removed_action": 1}],
        )
        make_segment(session, "SEG4", interaction_template_code="ABSTRACT")
    log_segment(sessions, "SEG1", user="ADMIN")
    log_segment(sessions, "SEG2", user="ADMIN")
    activate(sessions, "CP2")
    logged_segments.cancel_log(sessions, 1)
    return sessions


def selected(sessions, criteria: Criteria) -> set:
    with sessions.begin() as session:
        return set(session.scalars(criteria.select_ids(today=dt.date(2026, 3, 15))))


SEGMENT_CRITERIA = [
    ("no_of_lines = 0", lambda s: s.no_of_lines == 0),
    ("no_of_lines = 1", lambda s: s.no_of_lines == 1),
    (
        "no_of_lines >= 1 and template is empty",
        lambda s: s.no_of_lines and not s.interaction_template_code,
    ),
    (
        "interaction_template_code = abstract or campaign_no = CP2",
        lambda s: s.interaction_template_code == "ABSTRACT" or s.campaign_no == "CP2",
    ),
    (
        "description matches '@call*' or date is empty",
        lambda s: s.description.lower().startswith("call") or s.date is None,
    ),
    (
        "not campaign_target and no_of_criteria_actions = 0",
        lambda s: not s.campaign_target and s.no_of_criteria_actions == 0,
    ),
]


@pytest.mark.parametrize(("where", "holds"), SEGMENT_CRITERIA)
def test_x1_criteria_on_segments_select_what_the_segment_list_shows(world, where, holds):
    ids = selected(world, Criteria.parse(where, subject=SEGMENTS))
    with world.begin() as session:
        by_no = {h.no: h.id for h in session.query(t.SegmentHeader)}
    expected = {by_no[s.no] for s in segment_headers.get_all(world) if holds(s)}
    assert ids == expected
    assert expected  # each row of the table selects something


LOGGED_CRITERIA = [
    ("canceled and no_of_interactions = 3", lambda r: r.canceled and r.no_of_interactions == 3),
    (
        "segment_no = SEG2 and no_of_campaign_entries = 1",
        lambda r: r.segment_no == "SEG2" and r.no_of_campaign_entries == 1,
    ),
    (
        "segment in (SEG1, SEG9) or creation_date > 2026-03-14",
        lambda r: (
            r.segment_no == "SEG1" or (r.creation_date and r.creation_date > dt.date(2026, 3, 14))
        ),
    ),
    ("not canceled and user_id = admin", lambda r: not r.canceled and r.user_id == "ADMIN"),
]


@pytest.mark.parametrize(("where", "holds"), LOGGED_CRITERIA)
def test_x1_criteria_on_logged_segments_select_what_the_logged_list_shows(world, where, holds):
    ids = selected(world, Criteria.parse(where, subject=LOGGED_SEGMENTS))
    expected = {r.entry_no for r in logged_segments.get_all(world) if holds(r)}
    assert ids == expected
    assert expected


CAMPAIGN_CRITERIA = [
    ("activated", lambda c: c.activated),
    ("cost > 0 or no_of_entries >= 1", lambda c: c.cost > 0 or c.no_of_entries >= 1),
    (
        "target_contacts_contacted = 1 and contacts_responded = 0",
        lambda c: c.target_contacts_contacted == 1 and c.contacts_responded == 0,
    ),
    (
        "duration = 0 and starting_date is empty",
        lambda c: c.duration == 0 and c.starting_date is None,
    ),
    (
        "description in (Spring, Autumn) and salesperson_code is empty",
        lambda c: c.description in ("Spring", "Autumn") and not c.salesperson_code,
    ),
]


@pytest.mark.parametrize(("where", "holds"), CAMPAIGN_CRITERIA)
def test_x1_criteria_on_campaigns_select_what_the_campaign_list_shows(world, where, holds):
    ids = selected(world, Criteria.parse(where, subject=CAMPAIGNS))
    expected = {c.no for c in campaign_cards.get_all(world) if holds(c)}
    assert ids == expected
    assert expected


def test_x1_subjects_have_their_own_fields_and_no_contact_relations(world):
    with pytest.raises(Exception, match="unknown field 'country'"):
        Criteria.parse("country = BE", subject=CAMPAIGNS)
    with pytest.raises(Exception, match="unknown relation 'mailing_group'"):
        Criteria.parse("mailing_group(code = X)", subject=SEGMENTS)
    assert Criteria.parse("segment_no = seg1", subject=LOGGED_SEGMENTS).text == "segment = SEG1"
