"""Interaction templates in the browser (SPEC §8, L1, X9; issue 13 items 1 and 9): the list
with a plain search, the card with its language variants, and an attachment upload whose
merge fields the service checks (its error shown beside the file input, nothing changed);
viewers see no upload form and a forged POST is refused."""

from __future__ import annotations

import pytest

from rapport.storage import tables as t
from tests.factories import build_log_world


@pytest.fixture
def templates(sessions):
    with sessions.begin() as session:
        build_log_world(session)


def test_l1_the_list_searches_and_the_card_shows_the_variants(browser_as, templates):
    browser = browser_as("viewer")
    html = browser.get("/templates", params={"q": "abstr"}).text
    assert 'href="/templates/ABSTRACT"' in html
    assert 'href="/templates/CALL"' not in html
    card = browser.get("/templates/ABSTRACT").text
    assert "<td>ENU</td><td>Abstract ENU</td>" in card
    assert "/attachment" not in card


def test_l1_a_marketer_uploads_a_variant(browser_as, templates, sessions):
    browser = browser_as("marketer")
    answer = browser.post(
        "/templates/ABSTRACT/attachment",
        data={"csrf_token": browser.csrf, "language_code": "NLB"},
        files={"file": ("abstract-nlb.html", b"<p>Beste {{ contact.name }}</p>", "text/html")},
    )
    assert answer.status_code == 303
    html = browser.get(answer.headers["location"]).text
    assert "The NLB variant is saved." in html
    assert "<td>NLB</td>" in html


def test_l1_bad_merge_fields_are_shown_beside_the_file_input(browser_as, templates, sessions):
    browser = browser_as("marketer")
    answer = browser.post(
        "/templates/ABSTRACT/attachment",
        data={"csrf_token": browser.csrf, "language_code": "NLB"},
        files={"file": ("bad.html", b"<p>\n{{ contact.name </p>", "text/html")},
    )
    assert answer.status_code == 422
    assert 'aria-describedby="file-error"' in answer.text
    assert 'id="file-error" class="error" role="alert">bad.html: line 2' in answer.text
    with sessions.begin() as session:
        assert session.get(t.InteractionTemplateLanguage, ("ABSTRACT", "NLB")) is None


def test_x9_a_viewers_upload_is_refused(browser_as, templates, sessions):
    viewer = browser_as("viewer")
    answer = viewer.post(
        "/templates/ABSTRACT/attachment",
        data={"csrf_token": viewer.csrf},
        files={"file": ("a.html", b"<p>x</p>", "text/html")},
    )
    assert answer.status_code == 403
