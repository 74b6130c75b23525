"""A contact's card names its codes in words (K1, X9; UI review): its type and its
correspondence type by Business Central's captions in the page's language, and its edit
form offers the correspondence type as a choice of captions that sends the code."""

from __future__ import annotations

import re

from sqlalchemy import select

from rapport.domain.enums import CorrespondenceType
from rapport.storage import tables as t
from rapport.web.captions import CHOICE_CAPTIONS
from rapport.web.i18n import translations
from tests.factories import make_company, make_person

DUTCH = {"accept-language": "nl-BE"}


def test_k1_the_card_names_type_and_correspondence_type_and_offers_them(browser_as, sessions):
    with sessions.begin() as session:
        acme = make_company(session, "ACME", "Acme")
        ann = make_person(session, "P1", "Ann Peeters", company=acme)
        ann.correspondence_type = "hard_copy"
    browser = browser_as("marketer")
    english = browser.get("/contacts/P1").text
    assert "<dd>Person</dd>" in english
    assert "<dd>Hard Copy</dd>" in english
    assert '<option value="hard_copy" selected>Hard Copy</option>' in english
    dutch = browser.get("/contacts/P1", headers=DUTCH).text
    assert "<dd>Persoon</dd>" in dutch
    assert '<option value="email">E-mail</option>' in dutch
    form = {"csrf_token": browser.csrf, "name": "Ann Peeters", "correspondence_type": "email"}
    assert browser.post("/contacts/P1", data=form).status_code in (200, 303)
    with sessions.begin() as session:
        ann = session.scalars(select(t.Contact).where(t.Contact.no == "P1")).one()
        assert ann.correspondence_type == "email"


def test_k1_the_edit_form_offers_every_correspondence_type_of_the_domain_by_its_caption(
    browser_as, sessions
):
    """K1, X9: the card's edit form offers each value of the domain's CorrespondenceType, in
    its order, the blank one first as "—" and the others by their captions in the page's
    language; the choices the page is given are the enumeration itself, not a copy of its
    codes."""
    with sessions.begin() as session:
        make_person(session, "P1", "Ann Peeters")
    browser = browser_as("marketer")
    for headers, translate in (({}, str), (DUTCH, translations("nl").gettext)):
        answer = browser.get("/contacts/P1", headers=headers)
        select = re.search(r'<select id="f-correspondence_type"[^>]*>(.*?)</select>', answer.text)
        offered = re.findall(r'<option value="([^"]*)"[^>]*>([^<]*)</option>', select.group(1))
        assert offered == [
            (kind.value, translate(CHOICE_CAPTIONS["correspondence_type"][kind]) if kind else "—")
            for kind in CorrespondenceType
        ]
        given = answer.context["choices"]["correspondence_type"]
        assert [code for code, _caption in given] == list(CorrespondenceType)
