"""A line's letter on the segment card (L3; SPEC §8): every line with a contact links to
its preview page, which shows the merged e-mail (in a sandboxed frame) or the Word letter's
text with its download; a marketer sends a test e-mail from it to any address, and a bad
address is named beside the field; in English and in Dutch."""

from __future__ import annotations

import re

import pytest
from fastapi.testclient import TestClient

from rapport.app import create_app
from rapport.settings import Settings
from tests.integration.letter_world import ANN, DEE, NOBODY, build_letter_world


@pytest.fixture
def world(sessions):
    with sessions.begin() as session:
        build_letter_world(session)


@pytest.fixture
def marketer_with_mail(world, smtp, sessions, database_url, users, passwords):
    """(inbox, a marketer signed in with the cookie) on a server whose settings name the
    loopback SMTP server."""
    inbox, mail = smtp
    settings = Settings(
        database_url=database_url,
        secret_key="test-secret-key-of-this-session",
        smtp_url=mail.smtp_url,
        mail_from=mail.mail_from,
    )
    with TestClient(create_app(settings, sessions), follow_redirects=False) as client:
        signed = client.post(
            "/api/login", json={"name": users["marketer"].name, "password": passwords}
        )
        assert signed.status_code == 200, signed.text
        yield inbox, client, signed.json()["csrf_token"]


def test_l3_each_line_with_a_contact_links_to_its_letter(world, browser_as):
    html = browser_as("viewer").get("/segments/SEG1/lines").text
    links = re.findall(r'href="/segments/SEG1/lines/(\d+)/preview"', html)
    assert links == [str(n) for n in (ANN, 20000, DEE, 50000)]


def test_l3_the_preview_page_shows_the_merged_email_to_a_viewer_without_the_form(world, browser_as):
    page = browser_as("viewer").get(f"/segments/SEG1/lines/{ANN}/preview")
    assert page.status_code == 200, page.text
    assert "ann@acme.test" in page.text
    assert "Our spring offer" in page.text
    # The body is shown in a sandboxed frame, as text of its srcdoc (escaped).
    assert '<iframe class="letter" sandbox srcdoc="&lt;p&gt;Dear Mx. Ann of Acme,' in page.text
    assert "test-email" not in page.text


def test_l3_a_word_letter_shows_its_text_and_links_its_docx(world, browser_as):
    page = browser_as("viewer").get(f"/segments/SEG1/lines/{DEE}/preview").text
    assert '<pre class="letter">Dear Dee,\nSpring mailing</pre>' in page
    assert f'href="/api/segments/SEG1/lines/{DEE}/preview?format=docx"' in page
    missing = browser_as("viewer").get(f"/segments/SEG1/lines/{NOBODY}/preview")
    assert missing.status_code == 422
    assert "has no contact" in missing.text
    assert browser_as("viewer").get("/segments/SEG1/lines/90000/preview").status_code == 404


def test_l3_a_marketer_sends_a_test_email_and_a_bad_address_is_named(marketer_with_mail):
    inbox, client, csrf = marketer_with_mail
    url = f"/segments/SEG1/lines/{ANN}/test-email"
    sent = client.post(url, data={"csrf_token": csrf, "to": "me@example.test"})
    assert sent.status_code == 200, sent.text
    assert "The test e-mail was sent to me@example.test." in sent.text
    (mail,) = inbox.messages
    assert mail["To"] == "me@example.test"
    bad = client.post(url, data={"csrf_token": csrf, "to": "me at example"})
    assert bad.status_code == 422
    assert 'aria-invalid="true"' in bad.text
    assert "is not an e-mail address" in bad.text
    assert 'value="me at example"' in bad.text
    assert len(inbox.messages) == 1
    refused = client.post(url, data={"to": "me@example.test"})
    assert refused.status_code == 403  # no CSRF token
    assert len(inbox.messages) == 1


def test_l3_the_preview_page_speaks_dutch(world, browser_as):
    page = browser_as("marketer").get(
        f"/segments/SEG1/lines/{ANN}/preview", headers={"accept-language": "nl-BE"}
    )
    assert "Voorbeeld van de brief" in page.text
    assert "Test-e-mail verzenden" in page.text
