"""Logged segments (L5) on SQLite and PostgreSQL: the counts of the same canceled value,
cancel and un-cancel with their interactions and campaign entries, deleting canceled ones,
and resend through the delivery queue."""

from __future__ import annotations

import pytest
from sqlalchemy import select, update

from rapport.errors import Invalid, NotFound
from rapport.services.interactions import logged as logged_segments
from rapport.services.interactions.entries import cancel
from rapport.services.interactions.log import log_segment
from rapport.settings import Settings
from rapport.storage import tables as t
from tests.factories import build_log_world, make_segment


@pytest.fixture
def world(sessions):
    """Two logged segments: 1 (P1, ACME on CP1, P4 on CP2) and 2 (P1)."""
    with sessions.begin() as session:
        contacts = build_log_world(session)
        common = {"interaction_template_code": "ABSTRACT", "salesperson_code": "JO"}
        make_segment(
            session,
            "SEG1",
            description="First",
            lines=[
                {"contact": contacts["P1"], "attachment_no": 1},
                {"contact": contacts["ACME"], "campaign_no": "CP1", "attachment_no": 1},
                {"contact": contacts["P4"], "campaign_no": "CP2"},
            ],
            **common,
        )
        make_segment(
            session, "SEG2", description="Second", lines=[{"contact": contacts["P1"]}], **common
        )
    log_segment(sessions, "SEG1", user="ADMIN")
    log_segment(sessions, "SEG2", user="KIM")
    return sessions


def flags(sessions):
    with sessions.begin() as session:
        return (
            session.execute(
                select(
                    t.InteractionLogEntry.entry_no,
                    t.InteractionLogEntry.canceled,
                    t.InteractionLogEntry.logged_segment_entry_no,
                ).order_by(t.InteractionLogEntry.entry_no)
            ).all(),
            session.execute(
                select(
                    t.CampaignEntry.entry_no, t.CampaignEntry.canceled, t.CampaignEntry.register_no
                ).order_by(t.CampaignEntry.entry_no)
            ).all(),
        )


def test_l5_list_gives_every_logged_segment_with_its_counts(world):
    rows = logged_segments.get_all(world)
    assert [(r.entry_no, r.segment_no, r.description, r.user_id) for r in rows] == [
        (1, "SEG1", "First", "ADMIN"),
        (2, "SEG2", "Second", "KIM"),
    ]
    assert [(r.no_of_interactions, r.no_of_campaign_entries, r.canceled) for r in rows] == [
        (3, 2, False),
        (1, 0, False),
    ]


def test_l5_counts_only_entries_with_the_same_canceled_value(world):
    cancel(world, [2])
    assert logged_segments.get(world, 1).no_of_interactions == 2
    canceled = logged_segments.cancel_log(world, 1)
    assert (canceled.canceled, canceled.no_of_interactions, canceled.no_of_campaign_entries) == (
        True,
        3,
        2,
    )


def test_l5_cancel_carries_the_flag_to_its_entries_and_campaign_entries(world):
    logged_segments.cancel_log(world, 1)
    entries, campaign = flags(world)
    assert entries == [(1, True, 1), (2, True, 1), (3, True, 1), (4, False, 2)]
    assert campaign == [(1, True, 1), (2, True, 1)]
    restored = logged_segments.uncancel_log(world, 1)
    assert (restored.canceled, restored.no_of_interactions) == (False, 3)
    assert all(not canceled for _, canceled, _ in flags(world)[0])


def test_l5_delete_canceled_keeps_the_entries_detached_and_canceled(world):
    assert logged_segments.delete_canceled(world) == 0
    logged_segments.cancel_log(world, 1)
    assert logged_segments.delete_canceled(world) == 1
    assert [r.entry_no for r in logged_segments.get_all(world)] == [2]
    entries, campaign = flags(world)
    assert entries == [(1, True, 0), (2, True, 0), (3, True, 0), (4, False, 2)]
    assert campaign == [(1, True, 0), (2, True, 0)]


def test_l5_delete_canceled_of_one_entry_ignores_a_non_canceled_one(world):
    logged_segments.cancel_log(world, 1)
    assert logged_segments.delete_canceled(world, entry_no=2) == 0
    assert logged_segments.delete_canceled(world, entry_no=1) == 1
    with pytest.raises(NotFound, match=r"The Logged Segment does not exist\. .*Entry No\.='1'"):
        logged_segments.delete_canceled(world, entry_no=1)


def test_l5_unknown_logged_segments_are_not_found(world):
    with pytest.raises(NotFound, match=r"The Logged Segment does not exist\. .*Entry No\.='9'"):
        logged_segments.cancel_log(world, 9)


def test_l5_resend_queues_what_was_not_sent_and_never_resends_a_sent_entry(world, smtp, tmp_path):
    """Logged segment 1 was logged without delivery: a resend queues its three entries and
    delivers them to a real SMTP server (Ann and Acme by e-mail; Dee's hard copy fails, its
    attachment being an e-mail body); a second resend sends nothing twice and tries Dee's
    again."""
    inbox, mail = smtp
    first = logged_segments.resend(world, 1, settings=mail, output_dir=tmp_path)
    assert (first.sent, first.failed) == (2, 1)
    assert sorted(m["To"] for m in inbox.messages) == ["ann@acme.test", "info@acme.test"]
    again = logged_segments.resend(world, 1, settings=mail, output_dir=tmp_path)
    assert (again.sent, again.failed) == (0, 1)
    assert len(inbox.messages) == 2
    with world.begin() as session:
        queue = session.execute(
            select(t.Delivery.entry_no, t.Delivery.status, t.Delivery.attempts).order_by(
                t.Delivery.entry_no
            )
        ).all()
    assert queue == [(1, "sent", 0), (2, "sent", 0), (3, "failed", 2)]


def test_l5_resend_as_another_correspondence_type_sends_a_failed_hard_copy_by_email(
    world, smtp, tmp_path
):
    """BC's Resend option "Correspondence Type": Dee's hard copy fails, its attachment being
    an e-mail body, not a Word template; resent as e-mail it reaches her mailbox, her
    interaction says e-mail, and what was sent is not sent again."""
    inbox, mail = smtp
    with world.begin() as session:
        dee = session.scalar(select(t.Contact.id).where(t.Contact.no == "P4"))
        session.execute(update(t.Contact).where(t.Contact.id == dee).values(email="dee@acme.test"))
        session.execute(  # the e-mail body the others got
            update(t.InteractionLogEntry)
            .where(t.InteractionLogEntry.contact_id == dee)
            .values(attachment_no=1)
        )
    first = logged_segments.resend(world, 1, settings=mail, output_dir=tmp_path)
    assert (first.sent, first.failed) == (2, 1)
    [failed] = [row for row in logged_segments.show(world, 1).deliveries if row.status == "failed"]
    assert (failed.contact_no, failed.reason) == ("P4", "a hard copy needs a Word template")
    again = logged_segments.resend(world, 1, settings=mail, correspondence_type="email")
    assert (again.sent, again.failed, again.skipped) == (1, 0, 0)
    assert sorted(m["To"] for m in inbox.messages) == [
        "ann@acme.test",
        "dee@acme.test",
        "info@acme.test",
    ]
    with world.begin() as session:
        rows = session.execute(
            select(t.Delivery.entry_no, t.Delivery.channel, t.Delivery.status).order_by(
                t.Delivery.entry_no
            )
        ).all()
        types = session.scalars(
            select(t.InteractionLogEntry.correspondence_type)
            .where(t.InteractionLogEntry.logged_segment_entry_no == 1)
            .order_by(t.InteractionLogEntry.entry_no)
        ).all()
    assert rows == [(1, "email", "sent"), (2, "email", "sent"), (3, "email", "sent")]
    assert types == ["email", "email", "email"]


def test_l5_a_resend_by_a_way_it_cannot_deliver_is_refused_before_anything_is_queued(
    world, tmp_path
):
    """E-mail chosen without an SMTP server, or a correspondence type that is not one:
    refused, naming what is missing, and the queue is as it was (nothing queued)."""
    with pytest.raises(Invalid, match="RAPPORT_SMTP_URL"):
        logged_segments.resend(
            world, 1, settings=Settings(), output_dir=tmp_path, correspondence_type="email"
        )
    with pytest.raises(Invalid, match="'fax' is not one of ''") as refused:
        logged_segments.resend(world, 1, settings=Settings(), correspondence_type="fax")
    assert refused.value.field == "correspondence_type"
    with world.begin() as session:
        assert session.scalars(select(t.Delivery.entry_no)).all() == []
