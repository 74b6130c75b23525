"""Delivering logged interactions (L3), consent at delivery (X7) and the reliable queue (X8),
against a real SMTP server (aiosmtpd) on loopback, on SQLite and PostgreSQL."""

from __future__ import annotations

import datetime as dt
import io
import zipfile
from email.message import EmailMessage
from typing import Any

import pytest
from docx import Document
from sqlalchemy import delete, select

from rapport.errors import Invalid, NotFound
from rapport.services.delivery import queue as delivery
from rapport.settings import Settings
from rapport.storage import tables as t
from tests.factories import (
    make_company,
    make_person,
    make_queued_interaction,
    make_salesperson,
    make_stored_attachment,
)
from tests.integration.mailbox import free_port

NOW = dt.datetime(2026, 3, 2, 9, 0, 0)
NL_BODY = (
    b"<p>Beste {{ contact.salutation }} van {{ contact.company_name }},</p>"
    b"<p>{{ interaction.subject }} ({{ segment.description }}) -- {{ salesperson.name }}</p>"
)
EN_BODY = (
    b"<p>Dear {{ contact.salutation }} of {{ contact.company_name }},</p>"
    b"<p>{{ interaction.subject }} ({{ segment.description }}) -- {{ salesperson.name }}</p>"
)


@pytest.fixture
def world(sessions):
    """ACME with Ann (Dutch, e-mail), Bob (English, e-mail, alternate address active on the
    interaction date), Cas (opted out of e-mail), Dee (privacy blocked), all on logged
    segment 1 with an e-mail in their language."""
    with sessions.begin() as session:
        make_salesperson(session, "JO", "Jo Smith")
        session.add(t.Salutation(code="FORMAL", description="Formal", formal_greeting="Mx."))
        acme = make_company(session, "ACME", "Acme")
        nl = make_stored_attachment(session, NL_BODY)
        en = make_stored_attachment(session, EN_BODY)
        people = {
            "P1": make_person(
                session,
                "P1",
                "Ann",
                company=acme,
                email="ann@acme.test",
                language="NLB",
                salutation="FORMAL",
            ),
            "P2": make_person(
                session, "P2", "Bob", company=acme, email="bob@acme.test", language="ENU"
            ),
            "P3": make_person(session, "P3", "Cas", company=acme, email="cas@acme.test"),
            "P4": make_person(
                session, "P4", "Dee", company=acme, email="dee@acme.test", privacy_blocked=True
            ),
        }
        bob = people["P2"]
        session.add(t.ContactAltAddress(contact_id=bob.id, code="HOME", email="bob@home.test"))
        session.add(
            t.ContactAltAddressDateRange(
                contact_id=bob.id,
                starting_date=dt.date(2026, 3, 1),
                ending_date=dt.date(2026, 3, 31),
                contact_alt_address_code="HOME",
            )
        )
        session.add(t.ContactOptOut(contact_id=people["P3"].id, correspondence_type="email"))
        for no, body in (("P1", nl), ("P2", en), ("P3", en), ("P4", en)):
            make_queued_interaction(session, people[no], attachment=body, salesperson_code="JO")
    return sessions


def statuses(sessions) -> dict[str, tuple[str, str]]:
    rows = delivery.get_deliveries(sessions, logged_segment_entry_no=1)
    return {row.contact_no: (row.status, row.reason) for row in rows}


def ile_statuses(sessions) -> list[str]:
    with sessions.begin() as session:
        return list(
            session.scalars(
                select(t.InteractionLogEntry.delivery_status).order_by(
                    t.InteractionLogEntry.entry_no
                )
            )
        )


def run(sessions, settings, **kwargs: Any) -> delivery.DeliveryResult:
    kwargs.setdefault("now", NOW)
    kwargs.setdefault("sleep", lambda _: None)
    return delivery.deliver(sessions, logged_segment_entry_no=1, settings=settings, **kwargs)


def html(message: EmailMessage) -> str:
    body = message.get_body(("html",))
    assert body is not None
    return str(body.get_content())


def test_l3_each_contact_gets_one_merged_email_in_their_language(world, smtp):
    inbox, settings = smtp
    result = run(world, settings)
    assert (result.sent, result.failed, result.skipped) == (1 + 1, 0, 2)
    [ann] = inbox.to("ann@acme.test")
    assert ann["Subject"] == "Our spring offer"
    assert ann["From"] == "news@rapport.test"
    assert "Beste Mx. Ann van Acme," in html(ann)
    assert "Our spring offer (Spring mailing) -- Jo Smith" in html(ann)
    assert len(inbox.messages) == 2
    assert statuses(world)["P1"] == ("sent", "")


def test_l3_the_active_alternate_address_email_is_used(world, smtp):
    inbox, settings = smtp
    run(world, settings)
    [bob] = inbox.to("bob@home.test")
    assert "Dear Bob of Acme," in html(bob)
    assert inbox.to("bob@acme.test") == []


def test_l3_merge_fields_are_html_escaped_in_html_bodies(sessions, smtp):
    inbox, settings = smtp
    with sessions.begin() as session:
        person = make_person(session, "P9", "<b>Eve</b>", email="eve@x.test")
        body = make_stored_attachment(session, b"<p>Hi {{ contact.name }}</p>")
        make_queued_interaction(session, person, attachment=body)
    run(sessions, settings)
    assert "Hi &lt;b&gt;Eve&lt;/b&gt;" in html(inbox.messages[0])


def test_x7_opted_out_and_privacy_blocked_contacts_are_skipped_with_the_reason(world, smtp):
    inbox, settings = smtp
    run(world, settings)
    assert statuses(world)["P3"] == ("skipped", "the contact opted out of email")
    assert statuses(world)["P4"] == ("skipped", "the contact is privacy blocked")
    assert inbox.to("cas@acme.test") == inbox.to("dee@acme.test") == []
    assert ile_statuses(world) == ["sent", "sent", "skipped", "skipped"]


def test_x8_a_second_run_and_a_resend_send_nothing_again(world, smtp):
    inbox, settings = smtp
    run(world, settings)
    again = run(world, settings)
    assert (again.sent, again.failed) == (0, 0)
    with world.begin() as session:  # consent restored: the resend reaches Cas, only Cas
        session.execute(delete(t.ContactOptOut))
    resent = delivery.resend(
        world, logged_segment_entry_no=1, settings=settings, now=NOW, sleep=lambda _: None
    )
    assert resent.sent == 1
    assert len(inbox.messages) == 3
    assert [m["To"] for m in inbox.messages].count("ann@acme.test") == 1


def test_x8_a_refused_recipient_fails_and_is_retried_only_when_due(world, smtp):
    inbox, settings = smtp
    inbox.refuse["ann@acme.test"] = "450 mailbox busy"
    first = run(world, settings)
    assert (first.sent, first.failed) == (1, 1)
    status, reason = statuses(world)["P1"]
    assert status == "failed"
    assert "450 mailbox busy" in reason
    [row] = [
        r for r in delivery.get_deliveries(world, logged_segment_entry_no=1) if r.contact_no == "P1"
    ]
    assert (row.attempts, row.next_attempt_at) == (1, NOW + dt.timedelta(minutes=1))
    inbox.refuse.clear()
    early = run(world, settings, now=NOW + dt.timedelta(seconds=30))
    assert early.sent == 0
    later = run(world, settings, now=NOW + dt.timedelta(minutes=2))
    assert later.sent == 1
    assert len(inbox.to("ann@acme.test")) == 1


def test_x8_a_permanent_refusal_is_not_retried_by_a_later_run(world, smtp):
    inbox, settings = smtp
    inbox.refuse["ann@acme.test"] = "550 no such user"
    run(world, settings)
    [row] = [
        r for r in delivery.get_deliveries(world, logged_segment_entry_no=1) if r.contact_no == "P1"
    ]
    assert (row.status, row.next_attempt_at) == ("failed", None)
    inbox.refuse.clear()
    assert run(world, settings, now=NOW + dt.timedelta(days=1)).sent == 0


def test_x8_an_unreachable_server_fails_the_entry_and_leaves_the_rest_pending(world):
    port = free_port()  # nothing listens there
    settings = Settings(smtp_url=f"smtp://127.0.0.1:{port}", mail_from="news@rapport.test")
    result = run(world, settings)
    assert (result.sent, result.failed) == (0, 1)
    assert sorted(s for s, _ in statuses(world).values()) == [
        "failed",
        "pending",
        "skipped",
        "skipped",
    ]


def test_x8_missing_smtp_settings_are_invalid_and_change_nothing(world):
    with pytest.raises(Invalid, match="RAPPORT_SMTP_URL"):
        run(world, Settings(mail_from="news@rapport.test"))
    with pytest.raises(Invalid, match="RAPPORT_MAIL_FROM"):
        run(world, Settings(smtp_url="smtp://127.0.0.1:2525"))
    assert {s for s, _ in statuses(world).values()} == {"pending"}


def test_x8_unknown_logged_segment_is_not_found(sessions, smtp):
    said = r"The Logged Segment does not exist\. Identification fields and values: Entry No\.='7'"
    with pytest.raises(NotFound, match=said):
        delivery.deliver(sessions, logged_segment_entry_no=7, settings=smtp[1])


def test_x8_email_is_throttled_to_the_rate(sqlite_sessions, smtp):
    inbox, settings = smtp
    with sqlite_sessions.begin() as session:
        body = make_stored_attachment(session, b"Hello {{ contact.name }}", extension="txt")
        for index in range(4):
            person = make_person(session, f"P{index}", email=f"p{index}@x.test")
            make_queued_interaction(session, person, attachment=body)
    clock = [100.0]
    sleeps: list[float] = []

    def sleep(seconds: float) -> None:
        sleeps.append(seconds)
        clock[0] += seconds

    result = run(sqlite_sessions, settings, rate=2.0, sleep=sleep, clock=lambda: clock[0])
    assert result.sent == 4
    assert sleeps == [0.5, 0.5, 0.5]
    assert inbox.messages[0].get_content().strip() == "Hello Person P0"


def docx_template(*paragraphs: str) -> bytes:
    document = Document()
    for text in paragraphs:
        document.add_paragraph(text)
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def docx_paragraphs(content: bytes) -> list[str]:
    return [p.text for p in Document(io.BytesIO(content)).paragraphs]


def test_l3_hard_copies_are_one_merged_docx_per_contact_in_a_zip(sessions, tmp_path):
    with sessions.begin() as session:
        make_salesperson(session, "JO", "Jo Smith")
        acme = make_company(session, "ACME", "Acme")
        word = make_stored_attachment(
            session,
            docx_template(
                "Dear {{ contact.name }} of {{ contact.company_name }},",
                "{{ interaction.subject }} -- {{ salesperson.name }}",
            ),
            extension="docx",
        )
        for no, name in (("P1", "Ann"), ("P2", "Bob")):
            person = make_person(session, no, name, company=acme)
            make_queued_interaction(
                session, person, channel="hard_copy", attachment=word, salesperson_code="JO"
            )
    result = delivery.deliver(
        sessions, logged_segment_entry_no=1, settings=Settings(), output_dir=tmp_path, now=NOW
    )
    assert (result.sent, result.failed) == (2, 0)
    assert result.archive == tmp_path / "Logged segment 1.zip"
    with zipfile.ZipFile(tmp_path / "Logged segment 1.zip") as bundle:
        names = sorted(bundle.namelist())
        assert names == ["1 P1.docx", "2 P2.docx"]
        assert docx_paragraphs(bundle.read("2 P2.docx")) == [
            "Dear Bob of Acme,",
            "Our spring offer -- Jo Smith",
        ]
    assert [p.name for p in result.documents] == ["1 P1.docx", "2 P2.docx"]


def test_l3_a_hard_copy_with_an_html_attachment_fails_with_the_reason(sessions, tmp_path):
    with sessions.begin() as session:
        body = make_stored_attachment(session, b"<p>Hi</p>")
        make_queued_interaction(
            session, make_person(session, "P1"), channel="hard_copy", attachment=body
        )
    result = delivery.deliver(
        sessions, logged_segment_entry_no=1, settings=Settings(), output_dir=tmp_path, now=NOW
    )
    assert (result.failed, result.archive) == (1, None)
    assert statuses(sessions)["P1"] == ("failed", "a hard copy needs a Word template")


def test_l3_a_word_letter_is_attached_when_send_word_docs_as_attachment(sqlite_sessions, smtp):
    inbox, settings = smtp
    with sqlite_sessions.begin() as session:
        word = make_stored_attachment(
            session, docx_template("Dear {{ contact.name }}"), extension="docx"
        )
        make_queued_interaction(
            session,
            make_person(session, "P1", "Ann", email="a@x.test"),
            attachment=word,
            send_word_docs_as_attmt=True,
        )
    run(sqlite_sessions, settings)
    [mail] = inbox.messages
    [part] = list(mail.iter_attachments())
    assert docx_paragraphs(part.get_content()) == ["Dear Ann"]


def test_l3_resend_queues_interactions_without_a_queue_row(sessions, smtp):
    inbox, settings = smtp
    with sessions.begin() as session:
        body = make_stored_attachment(session, b"Hi {{ contact.name }}", extension="txt")
        make_queued_interaction(
            session, make_person(session, "P1", email="a@x.test"), attachment=body, status=None
        )
    assert run(sessions, settings).sent == 0
    result = delivery.resend(sessions, logged_segment_entry_no=1, settings=settings, now=NOW)
    assert result.sent == 1
    assert len(inbox.messages) == 1


def test_l3_a_contact_without_an_email_address_is_skipped_with_the_reason(sessions, smtp):
    inbox, settings = smtp
    with sessions.begin() as session:
        body = make_stored_attachment(session, b"Hi {{ contact.name }}", extension="txt")
        make_queued_interaction(session, make_person(session, "P1"), attachment=body)
    result = run(sessions, settings)
    assert (result.sent, result.failed, result.skipped, inbox.messages) == (0, 0, 1, [])
    assert statuses(sessions)["P1"] == (
        "skipped",
        "the contact has no e-mail address (nor an active alternate address with one)",
    )
