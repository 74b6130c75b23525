"""One line's letter before logging over HTTP (L3; SPEC §7): the preview is the JSON of
`rapport segment preview-letter --json` or the merged DOCX, and a test e-mail goes over
the configured SMTP server (a real one on loopback) to the address given; a bad address
is a 422 naming `to`, a viewer may look but not send."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient

from rapport.app import create_app
from rapport.settings import Settings
from tests.api.conftest import problem_of
from tests.integration.letter_world import ANN, DEE, NOBODY, build_letter_world, docx_paragraphs

DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


@pytest.fixture
def world(sessions):
    with sessions.begin() as session:
        build_letter_world(session)


@pytest.fixture
def mailing(world, smtp, sessions, database_url, users):
    """(inbox, a marketer's client) of a server whose settings name the loopback SMTP."""
    inbox, mail = smtp
    settings = Settings(
        database_url=database_url,
        secret_key="test-secret-key-of-this-session",
        smtp_url=mail.smtp_url,
        mail_from=mail.mail_from,
    )
    with TestClient(create_app(settings, sessions)) as client:
        client.headers["authorization"] = f"Bearer {users['marketer'].token}"
        yield inbox, client


def test_l3_a_lines_preview_is_the_cli_one_or_its_docx(world, client_as, cli):
    viewer = client_as("viewer")
    shown = viewer.get(f"/api/segments/seg1/lines/{ANN}/preview")
    assert shown.status_code == 200, shown.text
    assert shown.json() == cli("segment", "preview-letter", "SEG1", str(ANN))
    assert shown.json()["recipient"] == "ann@acme.test"
    assert shown.json()["body"].startswith("<p>Dear Mx. Ann of Acme,</p>")
    letter = viewer.get(f"/api/segments/SEG1/lines/{DEE}/preview", params={"format": "docx"})
    assert letter.status_code == 200, letter.text
    assert letter.headers["content-type"] == DOCX
    assert "Spring_mailing.docx" in letter.headers["content-disposition"]
    assert docx_paragraphs(letter.content) == ["Dear Dee,", "Spring mailing"]
    body = problem_of(
        viewer.get(f"/api/segments/SEG1/lines/{ANN}/preview", params={"format": "docx"}), 422
    )
    assert body["errors"][0]["field"] == "format"
    body = problem_of(viewer.get(f"/api/segments/SEG1/lines/{NOBODY}/preview"), 422)
    assert body["errors"][0]["field"] == "line_no"
    problem_of(viewer.get("/api/segments/SEG1/lines/90000/preview"), 404)
    problem_of(viewer.get(f"/api/segments/SEG9/lines/{ANN}/preview"), 404)


def test_l3_a_test_email_goes_to_the_address_given(mailing):
    inbox, marketer = mailing
    url = f"/api/segments/SEG1/lines/{ANN}/test-email"
    sent = marketer.post(url, json={"to": "me@example.test"})
    assert sent.status_code == 200, sent.text
    assert sent.json() == {
        "segment_no": "SEG1",
        "line_no": ANN,
        "to": "me@example.test",
        "subject": "Our spring offer",
    }
    (mail,) = inbox.messages
    assert mail["To"] == "me@example.test"
    assert mail.get_content().startswith("<p>Dear Mx. Ann of Acme,</p>")
    body = problem_of(marketer.post(url, json={"to": "not an address"}), 422)
    assert body["errors"][0]["field"] == "to"
    problem_of(marketer.post(url, json={}), 422)
    assert len(inbox.messages) == 1


def test_l3_a_viewer_cannot_send_and_without_smtp_nothing_is_sent(world, client_as):
    url = f"/api/segments/SEG1/lines/{ANN}/test-email"
    problem_of(client_as("viewer").post(url, json={"to": "me@example.test"}), 403)
    body = problem_of(client_as("marketer").post(url, json={"to": "me@example.test"}), 422)
    assert "RAPPORT_SMTP_URL" in body["detail"]
