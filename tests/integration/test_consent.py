"""Consent managed (X7): opt-out and opt-in by hand, the criteria fields `opted_out` and
`privacy_blocked`, the reasons an add skipped contacts, and the one-click unsubscribe link
of an e-mail (RFC 8058), on SQLite and PostgreSQL."""

from __future__ import annotations

import datetime as dt
from dataclasses import replace

import pytest
from sqlalchemy import select, update

from rapport.domain.unsubscribe import make_token
from rapport.errors import Invalid, NotFound
from rapport.services.contacts import cards as contacts
from rapport.services.contacts import consent
from rapport.services.delivery import queue as delivery
from rapport.services.segments import header as segments
from rapport.services.segments.actions import AddOptions, add_contacts
from rapport.services.segments.results import Skipped
from rapport.services.segments.reuse import reuse_logged
from rapport.settings import Settings
from rapport.storage import tables as t
from tests.factories import make_person, make_queued_interaction, make_stored_attachment
from tests.integration.segment_world import build_world

NOW = dt.datetime(2026, 3, 2, 9, 0, 0)
KEY = "s3cret"
# A server database: no key file can be kept beside it, so its key must be configured.
SERVER_DB = "postgresql://rapport@127.0.0.1:1/none"
LINKS = Settings(secret_key=KEY, base_url="https://crm.example.test/")


@pytest.fixture
def world(sessions):
    """The segment world with Bob (P2) privacy blocked and Ann (P1, hard copy) opted out of
    hard copies; Dee (P4) and GAMMA are excluded from segments."""
    with sessions.begin() as session:
        build_world(session)
        session.execute(update(t.Contact).where(t.Contact.no == "P2").values(privacy_blocked=True))
    consent.opt_out(sessions, "p1", correspondence_type="hard_copy", by="tester")
    return sessions


def opt_outs(sessions) -> list[tuple[str, str]]:
    with sessions.begin() as session:
        return sorted(
            session.execute(
                select(t.Contact.no, t.ContactOptOut.correspondence_type).join(
                    t.Contact, t.Contact.id == t.ContactOptOut.contact_id
                )
            ).all()
        )


def test_x7_opt_out_and_opt_in_by_hand_show_on_the_contact_card(world):
    assert consent.opt_out(world, "P1", correspondence_type="EMAIL", by="tester").opted_out == (
        "email",
        "hard_copy",
    )
    again = consent.opt_out(world, "P1", correspondence_type="email", by="tester")
    assert again == consent.ConsentRead("P1", ("email", "hard_copy"), False)
    assert contacts.get(world, "P1").opted_out == ("email", "hard_copy")
    assert consent.opt_in(world, "P1", correspondence_type="hard_copy", by="tester").opted_out == (
        "email",
    )
    card = contacts.get(world, "P2")
    assert (card.privacy_blocked, card.opted_out) == (True, ())


@pytest.mark.parametrize(
    ("contact", "kind", "error", "message"),
    [
        ("P1", "fax", Invalid, "type: 'fax' is not one of"),
        ("P1", "", Invalid, "type: give a correspondence type"),
        (
            "P99",
            "email",
            NotFound,
            "The Contact does not exist. Identification fields and values: No.='P99'",
        ),
    ],
)
def test_x7_a_bad_opt_out_is_refused_and_changes_nothing(world, contact, kind, error, message):
    with pytest.raises(error, match=message):
        consent.opt_out(world, contact, correspondence_type=kind, by="tester")
    assert opt_outs(world) == [("P1", "hard_copy")]


@pytest.mark.parametrize(
    ("criteria", "expected"),
    [
        ("opted_out = hard_copy", ["P1"]),
        ("opted_out(type = email)", []),
        ("privacy_blocked", ["P2"]),
        (
            "type = person and not opted_out = hard_copy and not privacy_blocked",
            ["P3", "P4", "P5", "P6"],
        ),
    ],
)
def test_x7_opted_out_and_privacy_blocked_are_criteria_fields(world, criteria, expected):
    assert [c.no for c in contacts.get_all(world, where=criteria)] == expected


def test_x7_an_add_says_how_many_contacts_it_skipped_and_why(world):
    no = segments.create_segment(world, description="Letters", user="ADMIN", values=[]).no
    preview = add_contacts(world, no, criteria="type = person", user="ADMIN", preview=True)
    expected = Skipped(excluded=1, privacy_blocked=1, opted_out=1)
    assert (preview.added, preview.skipped) == (3, expected)
    added = add_contacts(world, no, criteria="type = person", user="ADMIN")
    assert (added.added, added.skipped) == (3, expected)
    with world.begin() as session:  # blocked and excluded: counted once, as privacy blocked
        session.execute(update(t.Contact).where(t.Contact.no == "P4").values(privacy_blocked=True))
    options = AddOptions(ignore_exclusion=True)
    again = add_contacts(world, no, criteria="type = person", user="ADMIN", options=options)
    assert (again.added, again.skipped) == (0, Skipped(privacy_blocked=2, opted_out=1))
    everyone = add_contacts(world, no, criteria="no matches '*'", user="ADMIN", options=options)
    assert (everyone.added, everyone.skipped) == (3, Skipped(privacy_blocked=2, opted_out=1))


def test_x7_reusing_a_logged_segment_says_what_it_skipped(world):
    with world.begin() as session:
        for no in ("P2", "P3"):
            contact = session.scalars(select(t.Contact).where(t.Contact.no == no)).one()
            make_queued_interaction(session, contact, status=None)
    no = segments.create_segment(world, description="Again", user="ADMIN", values=[]).no
    result = reuse_logged(world, no, entry_no=1, user="ADMIN")
    assert (result.added, result.skipped) == (1, Skipped(privacy_blocked=1))


def test_x7_the_unsubscribe_link_opts_the_contact_out_of_email(world):
    link = consent.unsubscribe_url(LINKS, "P3")
    assert link is not None
    assert link.startswith("https://crm.example.test/unsubscribe/")
    token = link.rsplit("/", 1)[1]
    assert consent.unsubscribe(world, token=token, settings=LINKS).opted_out == ("email",)
    assert consent.unsubscribe(world, token=token, settings=LINKS).opted_out == ("email",)
    assert opt_outs(world) == [("P1", "hard_copy"), ("P3", "email")]


@pytest.mark.parametrize(
    ("token", "settings", "message"),
    [
        (make_token(KEY, "P3")[:-2], LINKS, "token: the unsubscribe link is not valid"),
        (make_token("other key", "P3"), LINKS, "token: the unsubscribe link is not valid"),
        (
            make_token(KEY, "P4").split(".")[0] + "." + make_token(KEY, "P3").split(".")[1],
            LINKS,
            "not valid",
        ),
        ("no-dot-at-all", LINKS, "not valid"),
        ("%%%.%%%", LINKS, "not valid"),
        (make_token(KEY, "P3"), Settings(database_url=SERVER_DB), "RAPPORT_SECRET_KEY"),
        (
            make_token(KEY, "P99"),
            LINKS,
            "The Contact does not exist. Identification fields and values: No.='P99'",
        ),
    ],
)
def test_x7_a_forged_or_altered_unsubscribe_link_changes_nothing(world, token, settings, message):
    with pytest.raises((Invalid, NotFound), match=message):
        consent.unsubscribe(world, token=token, settings=settings)
    assert opt_outs(world) == [("P1", "hard_copy")]


def test_x7_an_email_carries_its_unsubscribe_link_and_one_click_headers(sessions, smtp):
    inbox, settings = smtp
    with sessions.begin() as session:
        body = make_stored_attachment(
            session, b"Hi {{ contact.name }}, leave: {{ unsubscribe_url }}", extension="txt"
        )
        for no in ("P1", "P2"):
            person = make_person(session, no, email=f"{no.lower()}@x.test")
            make_queued_interaction(session, person, attachment=body)
    configured = replace(settings, secret_key=KEY, base_url="https://crm.test")
    result = delivery.deliver(
        sessions, logged_segment_entry_no=1, settings=configured, now=NOW, sleep=lambda _: None
    )
    assert result.sent == 2
    mail = inbox.to("p1@x.test")[0]
    link = consent.unsubscribe_url(configured, "P1")
    assert mail.get_content().strip() == f"Hi Person P1, leave: {link}"
    assert mail["List-Unsubscribe"] == f"<{link}>"
    assert mail["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    token = str(link).rsplit("/", 1)[1]
    consent.unsubscribe(sessions, token=token, settings=configured)
    with sessions.begin() as session:  # a later mailing to both: P1 is skipped
        session.execute(update(t.Delivery).values(status="pending"))
    again = delivery.deliver(
        sessions, logged_segment_entry_no=1, settings=configured, now=NOW, sleep=lambda _: None
    )
    assert (again.sent, again.skipped) == (1, 1)
    assert [m["To"] for m in inbox.messages] == ["p1@x.test", "p2@x.test", "p2@x.test"]


def test_x7_the_unsubscribe_merge_field_without_its_settings_fails_with_what_to_set(
    sqlite_sessions, smtp
):
    inbox, settings = smtp
    with sqlite_sessions.begin() as session:
        body = make_stored_attachment(session, b"Leave: {{ unsubscribe_url }}", extension="txt")
        make_queued_interaction(
            session, make_person(session, "P1", email="a@x.test"), attachment=body
        )
    result = delivery.deliver(
        sqlite_sessions, logged_segment_entry_no=1, settings=settings, now=NOW
    )
    assert (result.sent, result.failed, inbox.messages) == (0, 1, [])
    [row] = delivery.get_deliveries(sqlite_sessions, logged_segment_entry_no=1)
    assert "set RAPPORT_BASE_URL and RAPPORT_SECRET_KEY" in row.reason


def test_x7_a_preview_whose_every_candidate_is_left_out_counts_them_and_shows_none(world):
    """X2 with X7: no contact would be added, so no sample, yet the preview still says why
    each candidate stays off, as the add then does."""
    no = segments.create_segment(world, description="Letters", user="ADMIN", values=[]).no
    criteria = "no in (P1, P2)"
    preview = add_contacts(world, no, criteria=criteria, user="ADMIN", preview=True)
    expected = Skipped(privacy_blocked=1, opted_out=1)
    assert (preview.added, preview.sample, preview.skipped) == (0, (), expected)
    added = add_contacts(world, no, criteria=criteria, user="ADMIN")
    assert (added.added, added.skipped) == (0, expected)
