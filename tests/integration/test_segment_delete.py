"""Deleting a segment (S1, BC's OnDelete, reference §1.1–1.2) and the saved criteria
commands (S9): list, show, delete."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import func, select

from rapport.errors import NotFound
from rapport.services.campaigns import cards as campaigns
from rapport.services.campaigns import targets as campaign_targets
from rapport.services.segments import deletion, saved
from rapport.services.segments import header as segments
from rapport.services.segments import languages as segment_languages
from rapport.services.segments.actions import add_contacts, reduce
from rapport.services.segments.followup import create_tasks, get_tasks
from rapport.services.segments.reuse import save_criteria
from rapport.storage import tables as t
from tests.integration.segment_world import build_world


@pytest.fixture
def world(sessions):
    with sessions.begin() as session:
        build_world(session)
    campaign = campaigns.create_campaign(sessions, description="Spring")
    made = {}
    for company in ("ACME", "BETA"):
        no = segments.create_segment(
            sessions,
            description=f"{company} mailing",
            user="ADMIN",
            values=[
                ("interaction_template_code", "ABSTRACT"),
                ("campaign_no", campaign),
                ("campaign_target", "true"),
            ],
        ).no
        add_contacts(sessions, no, criteria=f"company_no = {company}", user="ADMIN")
        made[company] = no
    campaign_targets.activate(sessions, campaign)
    return sessions, campaign, made


def counts(sessions, model, **where):
    with sessions() as session:
        query = select(func.count()).select_from(model)
        for name, value in where.items():
            query = query.where(getattr(model, name) == value)
        return session.scalar(query)


def test_s1_deleting_a_segment_removes_it_and_what_hangs_on_it_only(world):
    sessions, campaign, made = world
    acme, beta = made["ACME"], made["BETA"]
    (line_no, *_) = [line.line_no for line in segments.get_lines(sessions, acme)]
    segment_languages.set_language(
        sessions,
        acme,
        language="FRB",
        upload=segment_languages.Upload("own.html", b"<p>{{ contact.name }}</p>"),
        line_no=line_no,
    )
    own = segment_languages.get_all(sessions, acme)[-1].attachment_no
    create_tasks(sessions, acme, type="meeting", date=dt.date(2026, 5, 1), description="Visit")
    create_tasks(sessions, beta, type="meeting", date=dt.date(2026, 5, 1), description="Visit")
    assert len(campaign_targets.get_target_groups(sessions, campaign)) == 2
    beta_before = (segments.get(sessions, beta), list(segments.get_lines(sessions, beta)))
    with sessions() as session:
        acme_id = session.scalar(select(t.SegmentHeader.id).where(t.SegmentHeader.no == acme))

    result = deletion.delete_segment(sessions, acme.lower())

    assert (result.no, result.no_of_lines, result.no_of_criteria_actions) == (acme, 3, 1)
    assert result.tasks_unlinked == 3
    with pytest.raises(NotFound, match=rf"The Segment does not exist\. .*No\.='{acme}'"):
        segments.get(sessions, acme)
    assert {task.segment_no for task in get_tasks(sessions) if task.contact_no} == {"", beta}
    assert campaign_targets.get_target_groups(sessions, campaign) == [("contact", "BETA")]
    assert counts(sessions, t.Attachment, no=own) == 0
    assert counts(sessions, t.SegmentInteractionLanguage, segment_line_no=line_no) == 0
    # no foreign key cascades them (migration 0015): the deletion deletes its lines itself
    assert counts(sessions, t.SegmentLine, segment_id=acme_id) == 0
    assert (segments.get(sessions, beta), list(segments.get_lines(sessions, beta))) == beta_before
    with pytest.raises(NotFound):
        deletion.delete_segment(sessions, acme)


def test_s9_saved_criteria_are_listed_shown_and_deleted(world):
    sessions, _, made = world
    acme = made["ACME"]
    reduce(sessions, acme, criteria="no = P2", user="ADMIN")
    save_criteria(sessions, acme, code="acmebuy", description="ACME buyers", user="ADMIN")
    listed = saved.get_all(sessions)
    assert [(c.code, c.description, c.no_of_actions) for c in listed] == [
        ("ACMEBUY", "ACME buyers", 2)
    ]
    shown = saved.get(sessions, "AcmeBuy")
    assert [(a.line_no, a.action, a.criteria) for a in shown.actions] == [
        (1, "add", "company_no = ACME"),
        (2, "reduce", "no = P2"),
    ]
    assert saved.delete_criteria(sessions, "acmebuy").no_of_actions == 2
    assert saved.get_all(sessions) == []
    assert counts(sessions, t.SavedSegmentCriteriaLine) == 0
    with pytest.raises(NotFound, match="Code='ACMEBUY'"):
        saved.get(sessions, "acmebuy")
    with pytest.raises(NotFound, match="Code='ACMEBUY'"):
        saved.delete_criteria(sessions, "acmebuy")
