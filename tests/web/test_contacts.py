"""Contacts in the browser (SPEC §8, K1, K2, X7, X9; issue 13 items 1 and 9): the list filtered
by criteria (an error shown beside the input) and a plain search, paged by keyset; the card
with groups, opt-outs, segments and interactions; a marketer edits it, a viewer cannot; a
contact named `<script>` is shown as text."""

from __future__ import annotations

import re

import pytest

from rapport.storage import tables as t
from tests.factories import link, make_company, make_interaction, make_person, put_on_segment


@pytest.fixture
def world(sessions):
    with sessions.begin() as session:
        acme = make_company(session, "ACME", "Acme", country="BE", city="Gent")
        ann = make_person(session, "P1", "Ann Peeters", company=acme, email="ann@acme.test")
        make_person(session, "P2", "<script>alert(1)</script>", company=acme, country="NL")
        link(session, t.ContactMailingGroup, ann, "NEWS")
        session.add(t.ContactOptOut(contact_id=ann.id, correspondence_type="email"))
        put_on_segment(session, ann, segment_no="SEG00001")
        put_on_segment(session, ann, segment_no="SEG00002", removed_action=2)
        make_interaction(session, ann, description="Called about the offer")
        for index in range(60):
            make_company(session, f"Z{index:03}", f"Filler {index}")


def test_k1_the_list_filters_by_criteria_and_plain_search(browser_as, world):
    browser = browser_as("viewer")
    html = browser.get("/contacts", params={"where": "country = NL"}).text
    assert 'href="/contacts/P2"' in html
    assert 'href="/contacts/ACME"' not in html
    html = browser.get("/contacts", params={"q": "peeters"}).text
    assert 'href="/contacts/P1"' in html
    assert 'href="/contacts/P2"' not in html


def test_k1_a_criteria_error_is_shown_beside_the_input_with_its_position(browser_as, world):
    answer = browser_as("viewer").get("/contacts", params={"where": "cuntry = BE"})
    assert answer.status_code == 200
    error = re.search(r'<p id="where-error" class="error" role="alert">(.*?)</p>', answer.text)
    assert error is not None
    assert "country" in error.group(1)  # the did-you-mean
    assert 'aria-describedby="where-error"' in answer.text
    assert 'value="cuntry = BE"' in answer.text


def test_k1_the_list_pages_by_keyset_and_htmx_gets_the_fragment_alone(browser_as, world):
    browser = browser_as("viewer")
    first = browser.get("/contacts").text
    following = re.search(r'href="(/contacts\?after=[^"]+)"', first)
    assert following is not None
    second = browser.get(following.group(1).replace("&amp;", "&")).text
    first_nos = set(re.findall(r'href="/contacts/([^"]+)"', first))
    second_nos = set(re.findall(r'href="/contacts/([^"]+)"', second))
    assert len(first_nos) == 50
    assert first_nos.isdisjoint(second_nos)
    assert len(first_nos | second_nos) == 63
    fragment = browser.get("/contacts", params={"q": "ann"}, headers={"hx-request": "true"}).text
    assert fragment.startswith('<section id="results"')
    assert "<html" not in fragment


def test_k2_the_card_shows_groups_opt_outs_segments_and_interactions(browser_as, world):
    html = browser_as("viewer").get("/contacts/P1").text
    assert "NEWS" in html
    assert "Opted out of</dt><dd>email" in html
    assert 'href="/segments/SEG00001"' in html
    assert "SEG00002" not in html  # removed from that segment
    assert "Called about the offer" in html


def test_x9_a_contact_named_script_is_shown_as_text(browser_as, world):
    browser = browser_as("viewer")
    for path in ("/contacts", "/contacts/P2", "/contacts?q=script"):
        html = browser.get(path).text
        assert "<script>alert(1)</script>" not in html
        assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html


def test_k1_a_marketer_edits_the_card_and_a_refusal_is_shown_beside_the_form(
    browser_as, world, sessions
):
    browser = browser_as("marketer")
    assert 'action="/contacts/P1"' in browser.get("/contacts/P1").text
    form = {"csrf_token": browser.csrf, "name": "Ann Jacobs", "city": "Brugge"}
    answer = browser.post("/contacts/P1", data=form)
    assert answer.status_code == 303
    assert "Ann Jacobs" in browser.get(answer.headers["location"]).text
    refused = browser.post("/contacts/P1", data={**form, "country": "NOWHERE"})
    assert refused.status_code == 422
    assert 'id="edit-error"' in refused.text
    with sessions.begin() as session:
        contact = session.query(t.Contact).filter_by(no="P1").one()
        assert (contact.name, contact.country) == ("Ann Jacobs", "")


def test_x9_a_viewer_sees_no_edit_form_and_a_forged_post_is_refused(browser_as, world, sessions):
    viewer = browser_as("viewer")
    assert 'action="/contacts/P1"' not in viewer.get("/contacts/P1").text
    forged = viewer.post("/contacts/P1", data={"csrf_token": viewer.csrf, "name": "Hacked"})
    assert forged.status_code == 403
    marketer = browser_as("marketer")
    without_token = marketer.post("/contacts/P1", data={"name": "Hacked"})
    assert without_token.status_code == 403
    with sessions.begin() as session:
        assert session.query(t.Contact).filter_by(no="P1").one().name == "Ann Peeters"


def test_x9_the_navigation_marks_the_current_page(browser_as, world):
    html = browser_as("viewer").get("/contacts/P1").text
    assert '<a href="/contacts" aria-current="page">' in html
    assert '<a href="/segments" aria-current' not in html
