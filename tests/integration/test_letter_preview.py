"""One line's letter before logging (L3; SPEC §7): the preview is what the delivery sends
(the same merge, proven by logging and delivering the same lines to a real SMTP server on
loopback), a test e-mail goes to the given address only and logs nothing, and bad input
names its field and sends nothing; on SQLite and PostgreSQL."""

from __future__ import annotations

import json

import pytest
from sqlalchemy import func, select

from rapport.errors import Invalid, NotFound
from rapport.services.delivery import preview
from rapport.services.interactions import log as interactions
from rapport.settings import Settings
from rapport.storage import tables as t
from rapport.storage.db import open_database
from tests.integration.command_line import command_line
from tests.integration.letter_world import (
    ANN,
    BARE,
    BOB,
    DEE,
    NOBODY,
    build_letter_world,
    docx_paragraphs,
)


@pytest.fixture
def world(sessions):
    with sessions.begin() as session:
        build_letter_world(session)


def test_l3_a_lines_preview_is_the_letter_its_delivery_sends(world, sessions, smtp, tmp_path):
    inbox, settings = smtp
    ann = preview.preview_letter(sessions, "seg1", ANN, settings=settings)
    bob = preview.preview_letter(sessions, "SEG1", BOB, settings=settings)
    dee = preview.preview_letter(sessions, "SEG1", DEE, settings=settings)
    assert ann.preview.recipient == "ann@acme.test"
    assert ann.preview.body == (
        "<p>Dear Mx. Ann of Acme,</p><p>Our spring offer (Spring mailing) -- Jo Smith</p>"
    )
    assert (ann.preview.subject, ann.preview.body_type, ann.document) == (
        "Our spring offer",
        "html",
        None,
    )
    assert bob.preview.recipient == "bob@home.test"
    assert dee.preview.recipient == ""
    assert dee.preview.body == "Dear Dee,\nSpring mailing"
    assert dee.document is not None
    assert dee.preview.document == "Spring_mailing.docx"

    with sessions.begin() as session:  # logging needs the line without an attachment gone
        session.query(t.SegmentLine).filter_by(line_no=BARE).delete()
    result = interactions.log_segment(
        sessions, "SEG1", deliver=True, user="ADMIN", settings=settings, output_dir=tmp_path
    )
    assert result.delivered == 3
    for shown in (ann.preview, bob.preview):
        (sent,) = inbox.to(shown.recipient)
        assert sent["Subject"] == shown.subject
        assert sent.get_content().strip() == shown.body
    (hard_copy,) = (tmp_path / f"Logged segment {result.logged_segment}").glob("*.docx")
    assert docx_paragraphs(hard_copy.read_bytes()) == docx_paragraphs(dee.document)


def test_l3_a_test_email_goes_to_the_given_address_and_logs_nothing(world, sessions, smtp):
    inbox, settings = smtp
    shown = preview.preview_letter(sessions, "SEG1", ANN, settings=settings).preview
    sent = preview.send_test_email(sessions, "SEG1", ANN, to=" me@example.test ", settings=settings)
    assert (sent.to, sent.subject, sent.line_no) == ("me@example.test", "Our spring offer", ANN)
    (mail,) = inbox.messages
    assert mail["To"] == "me@example.test"
    assert mail["From"] == settings.mail_from
    assert mail.get_content().strip() == shown.body
    assert mail["List-Unsubscribe"] is None  # the tester must not opt Ann out
    preview.send_test_email(sessions, "SEG1", DEE, to="me@example.test", settings=settings)
    letter = inbox.messages[1]
    (part,) = list(letter.iter_attachments())
    assert part.get_filename() == "Spring_mailing.docx"
    assert docx_paragraphs(part.get_content()) == ["Dear Dee,", "Spring mailing"]
    with sessions.begin() as session:
        assert session.scalar(select(func.count()).select_from(t.InteractionLogEntry)) == 0
        assert session.scalar(select(func.count()).select_from(t.SegmentLine)) == 5


@pytest.mark.parametrize("address", ["", "me", "me@", "@example.test", "a b@c.d", "a@b.c, d@e.f"])
def test_l3_a_bad_test_address_names_to_and_sends_nothing(world, sessions, smtp, address):
    inbox, settings = smtp
    with pytest.raises(Invalid) as raised:
        preview.send_test_email(sessions, "SEG1", ANN, to=address, settings=settings)
    assert raised.value.field == "to"
    assert inbox.messages == []


def test_l3_a_refused_test_address_names_to(world, sessions, smtp):
    inbox, settings = smtp
    inbox.refuse["no@example.test"] = "550 no such user"
    with pytest.raises(Invalid) as raised:
        preview.send_test_email(sessions, "SEG1", ANN, to="no@example.test", settings=settings)
    assert raised.value.field == "to"
    assert "550" in raised.value.message


def test_l3_a_test_email_needs_the_smtp_settings(world, sessions):
    with pytest.raises(Invalid, match="RAPPORT_SMTP_URL"):
        preview.send_test_email(sessions, "SEG1", ANN, to="me@example.test", settings=Settings())


def test_l3_a_preview_names_what_is_missing(world, sessions):
    settings = Settings()
    with pytest.raises(Invalid) as raised:
        preview.preview_letter(sessions, "SEG1", NOBODY, settings=settings)
    assert raised.value.field == "line_no"
    with pytest.raises(Invalid) as raised:
        preview.preview_letter(sessions, "SEG1", BARE, settings=settings)
    assert raised.value.field == "attachment_no"
    with pytest.raises(NotFound, match="no line 60000"):
        preview.preview_letter(sessions, "SEG1", 60000, settings=settings)
    with pytest.raises(NotFound, match="SEG9"):
        preview.preview_letter(sessions, "SEG9", ANN, settings=settings)


def test_l3_write_letter_writes_the_merged_docx_or_the_body(world, sessions, tmp_path):
    settings = Settings()
    tmp_path = tmp_path / "out"
    tmp_path.mkdir()
    written = preview.write_letter(
        sessions, "SEG1", DEE, path=tmp_path / "dee.docx", settings=settings
    )
    assert (written.format, written.contact_no) == ("docx", "P4")
    assert docx_paragraphs((tmp_path / "dee.docx").read_bytes()) == ["Dear Dee,", "Spring mailing"]
    written = preview.write_letter(
        sessions, "SEG1", ANN, path=tmp_path / "ann.html", settings=settings
    )
    assert written.format == "html"
    assert (tmp_path / "ann.html").read_text().startswith("<p>Dear Mx. Ann of Acme,</p>")
    with pytest.raises(Invalid) as raised:
        preview.write_letter(sessions, "SEG1", ANN, path=tmp_path, settings=settings)
    assert raised.value.field == "path"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["ann.html", "dee.docx"]


@pytest.fixture
def rapport(sqlite_url, capsys):
    """`rapport --db URL ARGS…` on the letters' world: (exit status, stdout, stderr)."""
    sessions = open_database(sqlite_url)
    with sessions.begin() as session:
        build_letter_world(session)
    sessions.kw["bind"].dispose()
    return command_line(sqlite_url, capsys)


def test_l3_preview_letter_prints_the_email_and_writes_the_word_letter(rapport, tmp_path):
    status, out, _err = rapport("segment", "preview-letter", "SEG1", str(ANN))
    assert status == 0
    assert "ann@acme.test" in out
    assert "Our spring offer" in out
    assert "<p>Dear Mx. Ann of Acme,</p>" in out
    status, out, err = rapport(
        "--json", "segment", "preview-letter", "SEG1", str(DEE), "-o", str(tmp_path / "dee.docx")
    )
    assert status == 0, err
    assert json.loads(out) == {
        "segment_no": "SEG1",
        "line_no": DEE,
        "contact_no": "P4",
        "path": str(tmp_path / "dee.docx"),
        "format": "docx",
    }
    assert docx_paragraphs((tmp_path / "dee.docx").read_bytes()) == ["Dear Dee,", "Spring mailing"]
    status, _out, err = rapport("segment", "preview-letter", "SEG1", str(NOBODY))
    assert status == 1
    assert "has no contact" in err
