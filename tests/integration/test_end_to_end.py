"""The main job end to end on the demo company (S1, S3, L2–L5, X8): build a segment, log it
with delivery to a real SMTP server on loopback and a follow-up segment, cancel, resend."""

from __future__ import annotations

from collections import Counter

import pytest
from sqlalchemy import func, select

from rapport.demo.company import load_demo
from rapport.services.interactions import logged as logged_segments
from rapport.services.interactions.log import log_segment
from rapport.services.segments import header as segments
from rapport.services.segments.actions import add_contacts
from rapport.storage import tables as t

CLOSING = {"ENU": "Kind regards", "NLB": "Met vriendelijke groeten", "FRB": "Bien cordialement"}


@pytest.fixture
def demo(sessions):
    load_demo(sessions)
    return sessions


def recipients(sessions, no):
    """E-mail lines: (the contact's address or active alternate one, the line's language)."""
    lines = list(segments.get_lines(sessions, no))
    with sessions.begin() as session:
        emails = dict(session.execute(select(t.Contact.no, t.Contact.email)).all())
        alternates = {
            (contact, code): email
            for contact, code, email in session.execute(
                select(t.Contact.no, t.ContactAltAddress.code, t.ContactAltAddress.email).join(
                    t.ContactAltAddress, t.ContactAltAddress.contact_id == t.Contact.id
                )
            )
        }
    expected: list[tuple[str, str]] = []
    for line in lines:
        address = alternates.get((line.contact_no, line.contact_alt_address_code))
        address = address or emails[line.contact_no]
        if line.correspondence_type == "email" and address:
            expected.append((address, line.language_code))
    return lines, expected


def test_a_demo_segment_is_logged_delivered_followed_up_canceled_and_resent(demo, smtp, tmp_path):
    inbox, settings = smtp
    # a hard-copy line with an e-mail body fails its delivery (BC: Delivery Status Error)
    no = segments.create_segment(
        demo,
        description="Spring news",
        user="ADMIN",
        values=[("interaction_template_code", "EMAIL"), ("subject_default", "Spring news")],
    ).no
    add_contacts(
        demo, no, criteria="type = person and country in (BE, NL, FR, GB, DE)", user="ADMIN"
    )
    lines, expected = recipients(demo, no)
    assert len(expected) > 20
    assert {language for _, language in expected} == {"ENU", "NLB", "FRB"}

    result = log_segment(
        demo, no, deliver=True, follow_up=True, user="ADMIN", settings=settings, output_dir=tmp_path
    )

    assert result.interactions == len(lines)
    assert result.delivered == len(expected) == len(inbox.messages)
    assert Counter(m["To"] for m in inbox.messages) == Counter(a for a, _ in expected)
    languages = dict(expected)
    for message in inbox.messages:
        body = message.get_body(("html", "plain")).get_content()
        assert CLOSING[languages[message["To"]]] in body
        assert "{{" not in body
    follow_up = sorted(line.contact_no for line in segments.get_lines(demo, result.follow_up))
    assert follow_up == sorted({line.contact_no for line in lines})
    with demo.begin() as session:
        assert (
            session.scalar(
                select(func.count()).select_from(t.SegmentHeader).where(t.SegmentHeader.no == no)
            )
            == 0
        )

    logged_segments.cancel_log(demo, result.logged_segment)
    with demo.begin() as session:
        canceled = session.scalars(
            select(t.InteractionLogEntry.canceled).where(
                t.InteractionLogEntry.logged_segment_entry_no == result.logged_segment
            )
        ).all()
    assert set(canceled) == {True}
    logged_segments.uncancel_log(demo, result.logged_segment)
    logged_segments.resend(demo, result.logged_segment, settings=settings, output_dir=tmp_path)
    logged_segments.resend(demo, result.logged_segment, settings=settings, output_dir=tmp_path)
    assert len(inbox.messages) == len(expected)  # a resend never sends twice


def test_l7_delivery_without_mail_settings_is_refused_before_anything_is_logged(sessions):
    """SPEC §6/L3: e-mail delivery needs RAPPORT_SMTP_URL and RAPPORT_MAIL_FROM; without them
    the log is refused and nothing changes (rather than logged with a failed delivery)."""
    from rapport.errors import Invalid
    from rapport.settings import Settings
    from tests.integration.segment_world import build_world

    with sessions.begin() as session:
        build_world(session)
    no = segments.create_segment(
        sessions,
        description="Mail",
        user="ADMIN",
        values=[("interaction_template_code", "ABSTRACT")],
    ).no
    add_contacts(sessions, no, criteria="no = ACME", user="ADMIN")
    with pytest.raises(Invalid, match="RAPPORT_SMTP_URL"):
        log_segment(sessions, no, deliver=True, user="ADMIN", settings=Settings())
    with pytest.raises(Invalid, match="RAPPORT_MAIL_FROM"):
        log_segment(
            sessions,
            no,
            deliver=True,
            user="ADMIN",
            settings=Settings(smtp_url="smtp://127.0.0.1:2525"),
        )
    assert segments.get(sessions, no).no_of_lines == 1
    assert logged_segments.get_all(sessions) == []
