"""Campaigns in the browser (SPEC §8, C1–C3, X9; issue 13 items 1 and 9): the list with a
plain search, the card with its entries and target groups, activate and deactivate (a
refusal shown as the service words it); viewers see no actions and a forged POST is refused."""

from __future__ import annotations

import pytest

from rapport.storage import tables as t
from tests.factories import build_log_world, make_interaction, make_segment


@pytest.fixture
def campaigns(sessions):
    with sessions.begin() as session:
        people = build_log_world(session)
        make_interaction(session, people["P1"], campaign_no="CP1", campaign_target=True)
        session.add(t.Campaign(no="CP3", description="<i>Winter</i>"))


def test_c1_the_list_searches_and_escapes(browser_as, campaigns):
    browser = browser_as("viewer")
    html = browser.get("/campaigns").text
    assert 'href="/campaigns/CP1"' in html
    assert "&lt;i&gt;Winter&lt;/i&gt;" in html
    found = browser.get("/campaigns", params={"q": "autumn"}).text
    assert 'href="/campaigns/CP2"' in found
    assert 'href="/campaigns/CP1"' not in found


def test_c3_a_marketer_activates_and_deactivates(browser_as, campaigns, sessions):
    browser = browser_as("marketer")
    token = {"csrf_token": browser.csrf}
    assert 'action="/campaigns/CP1/activate"' in browser.get("/campaigns/CP1").text
    answer = browser.post("/campaigns/CP1/activate", data=token)
    assert answer.status_code == 303
    html = browser.get(answer.headers["location"]).text
    assert "The campaign is activated." in html
    assert "<li>Contact ACME</li>" in html
    browser.post("/campaigns/CP1/deactivate", data=token)
    with sessions.begin() as session:
        assert session.query(t.CampaignTargetGroup).count() == 0


def test_c3_activating_a_campaign_without_targets_says_why(browser_as, campaigns):
    browser = browser_as("marketer")
    refused = browser.post("/campaigns/CP2/activate", data={"csrf_token": browser.csrf})
    assert refused.status_code == 422
    assert "Campaign Target" in refused.text


def test_x9_a_viewer_sees_no_actions_and_a_forged_post_is_refused(browser_as, campaigns, sessions):
    viewer = browser_as("viewer")
    assert "/activate" not in viewer.get("/campaigns/CP1").text
    answer = viewer.post("/campaigns/CP1/activate", data={"csrf_token": viewer.csrf})
    assert answer.status_code == 403
    with sessions.begin() as session:
        assert session.query(t.CampaignTargetGroup).count() == 0


def test_c1_the_card_lists_the_segments_linked_to_the_campaign(browser_as, sessions):
    """C1: the campaign card opens the segments linked to it (Business Central's Segments of
    a campaign), each with its lines and whether it targets the campaign; a segment of
    another campaign is not among them; a campaign without one says so."""
    with sessions.begin() as session:
        people = build_log_world(session)
        make_segment(
            session,
            "SEG7",
            lines=[{"contact": people["P1"]}],
            description="<b>Event</b> invitations",
            campaign_no="CP1",
            campaign_target=True,
            no_of_lines=1,
        )
        make_segment(session, "SEG8", campaign_no="CP2", description="Autumn follow-up")
        session.add(t.Campaign(no="CP9", description="Quiet"))
    browser = browser_as("viewer")
    card = browser.get("/campaigns/CP1").text
    assert '<a href="/segments/SEG7">SEG7</a>' in card
    assert "&lt;b&gt;Event&lt;/b&gt; invitations" in card
    assert '<td class="num">1</td><td>Yes</td>' in card
    assert "SEG8" not in card
    assert '<a href="/segments/SEG8">SEG8</a>' in browser.get("/campaigns/CP2").text
    assert "No segment is linked to this campaign." in browser.get("/campaigns/CP9").text
