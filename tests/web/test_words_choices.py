"""Codes named in words (X9; UI review item 12, 13 and 4a): a page shows each choice of an
enumeration by Business Central's caption in its language and its forms still send the
code (L1 template card, L6 interactions, K1 contacts, C1 campaigns, K4 import, setup); a
template variant's file is named once; every field of the marketing setup has a caption."""

from __future__ import annotations

import datetime as dt
import re

import pytest

from rapport.domain import enums
from rapport.services.setup import forms
from rapport.services.templates import cards
from rapport.storage import tables as t
from rapport.web import captions
from tests.factories import build_log_world, make_interaction

DUTCH = {"accept-language": "nl-BE"}
# Codes as a page's text (a form's values are codes still).
CODES = (">very_positive<", ">very_negative<", ">outbound<", ">hard_copy<", ">us<", ">company<")


@pytest.fixture
def world(sessions):
    with sessions.begin() as session:
        people = build_log_world(session)
        make_interaction(
            session,
            people["P1"],
            interaction_template_code="ABSTRACT",
            description="Letter",
            date=dt.date(2026, 3, 2),
            evaluation="very_positive",
            information_flow="outbound",
            initiated_by="us",
            correspondence_type="email",
            delivery_status="sent",
        )
        session.add(t.CampaignStatus(code="ACTIVE", description="Running now"))
        session.query(t.Campaign).filter_by(no="CP1").update({"status_code": "ACTIVE"})
    return people


@pytest.mark.parametrize(
    ("kind", "enum"),
    [
        ("information_flow", enums.InformationFlow),
        ("initiated_by", enums.InitiatedBy),
        ("correspondence_type", enums.CorrespondenceType),
        ("evaluation", enums.Evaluation),
        ("delivery_status", enums.DeliveryStatus),
        ("contact_type", enums.ContactType),
        ("link_to_table", enums.LinkToTable),
        ("target_group_type", enums.TargetGroupType),
    ],
)
def test_x9_every_choice_of_an_enumeration_has_a_caption(kind, enum):
    named = captions.CHOICE_CAPTIONS[kind]
    assert sorted(named) == sorted(member.value for member in enum if member.value)
    assert all(captions.value_caption(kind, code) != code for code in named)
    assert captions.value_caption(kind, "") == ""


def test_l6_the_evaluations_are_offered_by_their_captions_and_sent_as_codes(browser_as, world):
    html = browser_as("marketer").get("/interactions").text
    assert '<option value="very_positive" selected>Very Positive</option>' in html
    assert '<option value="very_negative">Very Negative</option>' in html
    assert '<option value="">—</option>' in html
    viewer = browser_as("viewer").get("/interactions").text
    assert "<td>Sent</td>" in viewer
    assert "Very Positive" in viewer
    for page in (html, viewer, browser_as("viewer").get("/interactions", headers=DUTCH).text):
        assert not any(code in page for code in CODES)


def test_l1_the_template_card_names_its_choices_and_each_file_once(browser_as, world, sessions):
    cards.attach(
        sessions,
        "ABSTRACT",
        file_name="invite-nlb.html",
        content=b"<p>Beste</p>",
        language_code="NLB",
    )
    with sessions.begin() as session:
        session.query(t.InteractionTemplate).filter_by(code="ABSTRACT").update(
            {"information_flow": "outbound", "initiated_by": "us"}
        )
    browser = browser_as("viewer")
    card = browser.get("/templates/ABSTRACT").text
    assert "<dd>Outbound</dd>" in card
    assert "<dd>Us</dd>" in card
    assert "<dd>Email</dd>" in card
    assert "<td>invite-nlb.html</td>" in card
    assert "<td>abstract-enu.html</td>" in card
    assert ".html.html" not in card
    assert "<td>Email</td>" in browser.get("/templates").text
    assert not any(code in browser.get("/templates/ABSTRACT", headers=DUTCH).text for code in CODES)


def test_k1_a_contacts_type_is_named_in_the_pages_language(browser_as, world):
    browser = browser_as("viewer")
    english = browser.get("/contacts").text
    assert "<td>Company</td>" in english
    assert "<td>Person</td>" in english
    dutch = browser.get("/contacts", headers=DUTCH).text
    assert "<td>Bedrijf</td>" in dutch
    assert "<td>company</td>" not in dutch


def test_c1_a_campaigns_status_is_shown_by_its_description_and_found_by_it(browser_as, world):
    browser = browser_as("viewer")
    assert "<td>Running now</td>" in browser.get("/campaigns").text
    assert "<dd>Running now</dd>" in browser.get("/campaigns/CP1").text
    found = browser.get("/campaigns", params={"q": "running"}).text
    assert 'href="/campaigns/CP1"' in found
    assert 'href="/campaigns/CP2"' not in found


def test_k4_the_import_offers_each_table_by_its_page_name(browser_as):
    admin = browser_as("admin")
    english = admin.get("/import").text
    assert '<option value="business_relations">Business Relations</option>' in english
    assert '<option value="interaction_log_entries">Interaction Log Entries</option>' in english
    dutch = admin.get("/import", headers=DUTCH).text
    assert '<option value="business_relations">Bedrijfsrelaties</option>' in dutch
    offered = re.findall(r'<option value="([a-z_]+)"', english)
    assert all(name in captions.TABLE_CAPTIONS for name in offered)


def test_every_field_of_the_marketing_setup_has_its_caption():
    named = {field.name for field in forms.setup_fields()} - set(captions.FIELD_CAPTIONS)
    assert named == set()
    assert captions.FIELD_CAPTIONS["duplicate_min_score"] == "Search Hit %%"


@pytest.mark.parametrize("role", ["viewer", "admin"])
def test_the_setup_page_names_no_field_by_its_code(browser_as, role):
    """A field is shown by its caption, never as its name with spaces ("duplicate min
    score"); a field the setup's reading does not give is not shown blank. The admin's
    form offers the correspondence types by their captions and sends their codes."""
    html = browser_as(role).get("/setup").text
    assert not re.search(r">\s*(duplicate|default|inherit) [a-z]", html)
    assert "Inherit Language Code" in html
    if role == "admin":
        assert '<option value="hard_copy">Hard Copy</option>' in html
        assert '<option value="email">Email</option>' in html


@pytest.mark.parametrize("role", ["viewer", "admin"])
def test_k5_the_setup_page_shows_the_duplicate_searchs_settings(browser_as, role):
    """K5: the duplicate search's weights and its Search Hit % are shown with their values
    (the marketing setup's reading gives them), read-only to a viewer, in the admin's form."""
    html = browser_as(role).get("/setup").text
    assert "Search Hit %" in html
    assert "Duplicate Name Weight" in html
    if role == "admin":
        assert re.search(r'name="duplicate_min_score"[^>]*value="60"', html)
    else:
        assert re.search(r"Search Hit %</dt>\s*<dd>60</dd>", html)


def test_s3_the_segment_headers_and_lines_choices_are_named_in_words(browser_as, sessions):
    """S3: the segment card's header form and a line's edit form offer information flow,
    initiated by, correspondence type and evaluation by their captions in the page's
    language, and send the codes; a line shows its correspondence type by its caption."""
    from tests.web.segment_pages import world as segment_world

    no = segment_world(sessions, criteria="country = BE")
    browser = browser_as("marketer")
    english = browser.get(f"/segments/{no}").text
    assert '<option value="outbound">Outbound</option>' in english
    assert '<option value="them">Them</option>' in english
    assert '<option value="hard_copy">Hard Copy</option>' in english
    dutch = browser.get(f"/segments/{no}", headers=DUTCH).text
    assert '<option value="inbound">Inkomend</option>' in dutch
    assert '<option value="us">Wij</option>' in dutch
    line = re.search(r'id="line-(\d+)"', english).group(1)
    edit = browser.get(f"/segments/{no}/lines/{line}/edit", headers=DUTCH).text
    assert '<option value="very_negative">Zeer negatief</option>' in edit
    for page in (english, dutch, edit):
        assert not any(code in page for code in CODES), page
