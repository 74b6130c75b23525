"""Campaigns (C1), their totals and entries (C2), and target groups (C3, with the SPEC §4
fix), on SQLite and PostgreSQL."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from rapport.errors import Conflict, Invalid, NotFound
from rapport.services.campaigns import cards as campaigns
from rapport.services.campaigns import targets as campaign_targets
from rapport.storage import tables as t
from tests.factories import (
    link,
    make_company,
    make_person,
    make_queued_interaction,
    make_salesperson,
    make_segment,
)


@pytest.fixture
def setup(sessions):
    with sessions.begin() as session:
        make_salesperson(session, "JO", "Jo Smith")
        session.add(t.CampaignStatus(code="PLANNED", description="Planned"))
    return sessions


def test_c1_create_numbers_from_the_campaign_series_with_its_fields(setup):
    first = campaigns.create_campaign(
        setup,
        description="Spring",
        starting_date=dt.date(2026, 3, 1),
        ending_date=dt.date(2026, 5, 31),
        salesperson_code="jo",
        status_code="planned",
    )
    second = campaigns.create_campaign(setup, description="Autumn")
    assert (first, second) == ("CP00001", "CP00002")
    spring = campaigns.get(setup, "cp00001")
    assert (spring.description, spring.starting_date, spring.ending_date) == (
        "Spring",
        dt.date(2026, 3, 1),
        dt.date(2026, 5, 31),
    )
    assert (spring.salesperson_code, spring.status_code, spring.activated) == (
        "JO",
        "PLANNED",
        False,
    )
    assert [c.no for c in campaigns.get_all(setup)] == ["CP00001", "CP00002"]


def test_c1_starting_date_after_ending_date_is_refused_and_nothing_is_created(setup):
    with pytest.raises(Invalid, match="Starting Date 2026-06-01 must not be after Ending Date"):
        campaigns.create_campaign(
            setup,
            description="Bad",
            starting_date=dt.date(2026, 6, 1),
            ending_date=dt.date(2026, 5, 1),
        )
    assert campaigns.get_all(setup) == []
    assert campaigns.create_campaign(setup, description="Good") == "CP00001"


def test_c1_unknown_salesperson_or_status_is_not_found(setup):
    with pytest.raises(NotFound, match=r"The Salesperson does not exist\. .*Code='NOPE'"):
        campaigns.create_campaign(setup, description="X", salesperson_code="nope")
    with pytest.raises(NotFound, match=r"The Campaign Status does not exist\. .*Code='NOPE'"):
        campaigns.create_campaign(setup, description="X", status_code="nope")
    with pytest.raises(NotFound, match=r"The Campaign does not exist\. .*No\.='CP00009'"):
        campaigns.get(setup, "CP00009")


def test_c1_campaign_statuses(setup):
    campaigns.create_status(setup, code="done", description="Done")
    with pytest.raises(Conflict):
        campaigns.create_status(setup, code="DONE")
    assert [(s.code, s.description) for s in campaigns.get_statuses(setup)] == [
        ("DONE", "Done"),
        ("PLANNED", "Planned"),
    ]


def test_c2_totals_count_non_canceled_non_postponed_interactions(setup):
    no = campaigns.create_campaign(setup, description="Spring")
    with setup.begin() as session:
        acme = make_company(session, "ACME")
        people = [make_person(session, f"P{i}", company=acme) for i in range(5)]
        session.add(
            t.CampaignEntry(
                entry_no=1,
                campaign_no=no,
                description="Spring mailing",
                segment_no="SEG00001",
                register_no=1,
            )
        )
        session.add(
            t.CampaignEntry(entry_no=2, campaign_no=no, description="Canceled", canceled=True)
        )

        def entry(person, **fields):
            make_queued_interaction(
                session,
                person,
                status=None,
                campaign_no=no,
                campaign_entry_no=1,
                cost=Decimal(2),
                duration=Decimal(5),
                **fields,
            )

        entry(people[0], campaign_target=True)
        entry(people[1], campaign_target=True, campaign_response=True)
        entry(people[2], campaign_response=True)
        entry(people[3], campaign_target=True, canceled=True)  # counted nowhere
        entry(people[4], campaign_target=True, postponed=True)  # counted nowhere
    spring = campaigns.get(setup, no)
    assert (spring.target_contacts_contacted, spring.contacts_responded) == (2, 2)
    assert (spring.cost, spring.duration, spring.no_of_entries) == (6, 15, 2)
    entries = campaigns.get_entries(setup, no)
    assert [(e.entry_no, e.no_of_interactions, e.cost) for e in entries] == [
        (1, 4, Decimal(8)),
        (2, 0, Decimal(0)),
    ]
    assert entries[0].register_no == 1
    assert (entries[0].segment_no, entries[0].description) == ("SEG00001", "Spring mailing")


@pytest.fixture
def targets(setup):
    """Campaign CP00001 targeted by a segment's lines: ACME persons (ACME is a customer),
    a BETA person, a person without company, a non-target line and a removed line; and a
    target interaction of a GAMMA person."""
    no = campaigns.create_campaign(setup, description="Spring")
    with setup.begin() as session:
        acme, beta, gamma = (make_company(session, c) for c in ("ACME", "BETA", "GAMMA"))
        link(
            session,
            t.ContactBusinessRelation,
            acme,
            "CUST",
            link_to_table="customer",
            link_no="10000",
        )
        link(session, t.ContactBusinessRelation, beta, "VEND", link_to_table="vendor", link_no="V1")
        ann, bob = (
            make_person(session, "P1", company=acme),
            make_person(session, "P2", company=acme),
        )
        cas, fay = make_person(session, "P3", company=beta), make_person(session, "P6")
        eve, zed = make_person(session, "P5", company=gamma), make_person(session, "P9")
        target = {"campaign_no": no, "campaign_target": True}
        make_segment(
            session,
            "SEG00001",
            lines=[
                {"contact": ann, **target},
                {"contact": bob, **target},
                {"contact": cas, **target},
                {"contact": fay, **target},
                {"contact": zed, "campaign_no": no},
                {"contact": zed, **target, "removed_action": 2},
            ],
        )
        make_queued_interaction(session, eve, status=None, campaign_no=no, campaign_target=True)
    return setup, no


def test_c3_activate_adds_one_target_group_per_company_keyed_as_removal_expects(targets):
    sessions, no = targets
    result = campaign_targets.activate(sessions, no)
    assert result.message == f"Campaign {no} is now activated."
    assert result.target_groups == 4
    assert campaign_targets.get_target_groups(sessions, no) == [
        ("contact", "BETA"),
        ("contact", "GAMMA"),
        ("contact", "P6"),
        ("customer", "10000"),
    ]
    assert campaigns.get(sessions, no).activated


def test_c3_activating_again_keeps_the_groups_without_duplicates(targets):
    sessions, no = targets
    campaign_targets.activate(sessions, no)
    again = campaign_targets.activate(sessions, no)
    assert again.target_groups == 0
    assert len(campaign_targets.get_target_groups(sessions, no)) == 4


def test_c3_deactivate_removes_every_target_group(targets):
    sessions, no = targets
    campaign_targets.activate(sessions, no)
    result = campaign_targets.deactivate(sessions, no)
    assert (result.target_groups, result.message) == (4, f"Campaign {no} is now deactivated.")
    assert campaign_targets.get_target_groups(sessions, no) == []
    assert not campaigns.get(sessions, no).activated


def test_c3_activate_without_targets_is_refused_with_bc_message(setup):
    no = campaigns.create_campaign(setup, description="Empty")
    with pytest.raises(Invalid, match="place a check mark in the Campaign Target field"):
        campaign_targets.activate(setup, no)
    with pytest.raises(NotFound):
        campaign_targets.activate(setup, "CP00042")
