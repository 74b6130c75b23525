"""Logging a segment (L2, L4, L7) on SQLite and PostgreSQL: every rule of reference §2.11,
every check of §3 "Logging" with its message, all or nothing, the follow-up segment, one
campaign entry per campaign, attachments frozen, and the delivery queue contract."""

from __future__ import annotations

import datetime as dt
import io
import threading
from decimal import Decimal

import pytest
from docx import Document
from sqlalchemy import func, select, update

from rapport.errors import Conflict, DeliveryFailed, Invalid, NotFound, RapportError
from rapport.services.interactions.log import log_segment
from rapport.settings import Settings
from rapport.storage import tables as t
from tests.factories import build_log_world, make_segment, make_stored_attachment, statements

TODAY = dt.date.today()


@pytest.fixture
def world(sessions):
    with sessions.begin() as session:
        build_log_world(session)
    return sessions


def segment(sessions, *lines, no="SEG1", **header):
    """A segment with template ABSTRACT, salesperson JO and the HTML body as attachment;
    `lines` are (contact no. or None, {field: value}) pairs."""
    values = {
        "interaction_template_code": "ABSTRACT",
        "interaction_group_code": "LETTER",
        "salesperson_code": "JO",
        "description": "Spring mailing",
        "unit_cost": Decimal(2),
        "unit_duration": Decimal(5),
        "information_flow": "outbound",
        "initiated_by": "us",
        **header,
    }
    with sessions.begin() as session:
        contacts = {c.no: c for c in session.scalars(select(t.Contact))}
        rows = [
            {"contact": contacts[no] if no else None, "attachment_no": 1, **fields}
            for no, fields in lines
        ]
        make_segment(session, no, lines=rows, **values)
    return no


def counts(sessions):
    with sessions.begin() as session:
        return {
            model.__table__.name: session.scalar(select(func.count()).select_from(model))
            for model in (
                t.LoggedSegment,
                t.InteractionLogEntry,
                t.CampaignEntry,
                t.SegmentHeader,
                t.SegmentLine,
                t.Delivery,
            )
        } | {
            "read_only": session.scalar(
                select(func.count()).where(t.Attachment.read_only.is_(True))
            )
        }


def entries(sessions):
    with sessions.begin() as session:
        return session.scalars(
            select(t.InteractionLogEntry).order_by(t.InteractionLogEntry.entry_no)
        ).all()


def contact_nos(sessions, rows):
    with sessions.begin() as session:
        by_id = dict(session.execute(select(t.Contact.id, t.Contact.no)).all())
    return [by_id[row.contact_id] for row in rows]


def test_l2_log_makes_one_entry_per_line_with_a_contact_and_removes_the_segment(world):
    no = segment(
        world,
        ("P1", {"subject": "Hello", "language_code": "ENU", "evaluation": "positive"}),
        (None, {}),
        ("ACME", {"campaign_no": "CP1"}),
        ("P4", {"removed_action": 2}),
    )
    with world.begin() as session:
        header = session.scalar(select(t.SegmentHeader).where(t.SegmentHeader.no == no))
        session.add(t.SegmentCriteriaLine(segment_id=header.id, action_no=1, action="add"))
        session.add(
            t.SegmentInteractionLanguage(
                segment_id=header.id, segment_line_no=0, language_code="ENU", attachment_no=1
            )
        )
    result = log_segment(world, no, user="ADMIN")
    assert (result.logged_segment, result.interactions, result.campaign_entries) == (1, 2, 1)
    assert (result.delivered, result.follow_up) == (0, None)
    rows = entries(world)
    assert [r.entry_no for r in rows] == [1, 2]
    assert contact_nos(world, rows) == ["P1", "ACME"]
    first = rows[0]
    assert (first.date, first.description, first.interaction_template_code) == (
        dt.date(2026, 3, 2),
        "Spring mailing",
        "ABSTRACT",
    )
    assert (first.interaction_group_code, first.cost, first.duration) == ("LETTER", 2, 5)
    assert (first.information_flow, first.initiated_by, first.salesperson_code) == (
        "outbound",
        "us",
        "JO",
    )
    assert (first.subject, first.interaction_language_code, first.evaluation) == (
        "Hello",
        "ENU",
        "positive",
    )
    assert (first.user_id, first.segment_no, first.logged_segment_entry_no) == ("ADMIN", "SEG1", 1)
    assert (first.correspondence_type, first.attachment_no, first.contact_company_no) == (
        "email",
        1,
        "ACME",
    )
    assert (first.time_of_interaction, first.canceled, first.delivery_status) == (None, False, "")
    with world.begin() as session:
        logged = session.get(t.LoggedSegment, 1)
        assert (logged.segment_no, logged.description, logged.user_id) == (
            "SEG1",
            "Spring mailing",
            "ADMIN",
        )
        assert (logged.creation_date, logged.canceled) == (TODAY, False)
        for model in (
            t.SegmentHeader,
            t.SegmentLine,
            t.SegmentCriteriaLine,
            t.SegmentInteractionLanguage,
        ):
            assert session.scalar(select(func.count()).select_from(model)) == 0


def test_l2_one_campaign_entry_per_campaign_dated_by_its_first_line(world):
    no = segment(
        world,
        ("P1", {"campaign_no": "CP2", "date": dt.date(2026, 3, 9)}),
        ("ACME", {"campaign_no": "CP1", "salesperson_code": "KIM"}),
        ("P3", {"campaign_no": "CP2", "date": dt.date(2026, 3, 5), "salesperson_code": "KIM"}),
        ("P4", {"campaign_no": "CP1"}),
        ("P2", {"campaign_no": ""}),
    )
    result = log_segment(world, no, user="ADMIN")
    assert result.campaign_entries == 2
    with world.begin() as session:
        rows = session.scalars(select(t.CampaignEntry).order_by(t.CampaignEntry.entry_no)).all()
        assert [(r.entry_no, r.campaign_no, r.date, r.salesperson_code) for r in rows] == [
            (1, "CP1", dt.date(2026, 3, 2), "KIM"),
            (2, "CP2", dt.date(2026, 3, 5), "KIM"),
        ]
        assert {(r.register_no, r.segment_no, r.description, r.user_id) for r in rows} == {
            (1, "SEG1", "Spring mailing", "ADMIN")
        }
    assert [(r.campaign_no, r.campaign_entry_no) for r in entries(world)] == [
        ("CP2", 2),
        ("CP1", 1),
        ("CP2", 2),
        ("CP1", 1),
        ("", 0),
    ]


def test_l2_attachments_the_lines_use_become_read_only(world):
    with world.begin() as session:
        session.add(t.Attachment(no=2, file_name="unused.txt", file_extension="txt", content=b"x"))
    no = segment(world, ("P1", {}), ("ACME", {"attachment_no": 0}))
    log_segment(world, no, user="ADMIN")
    with world.begin() as session:
        assert session.get(t.Attachment, 1).read_only is True
        assert session.get(t.Attachment, 2).read_only is False


def test_l2_the_different_attachments_of_the_lines_all_become_read_only(world):
    """The lines' attachments found by a pass over the lines when they do not share one;
    an attachment between the lowest and the highest that no line uses stays writable."""
    with world.begin() as session:
        for no in (2, 3):
            session.add(
                t.Attachment(no=no, file_name=f"a{no}.txt", file_extension="txt", content=b"x")
            )
    no = segment(world, ("P1", {}), ("ACME", {"attachment_no": 3}), ("P4", {"attachment_no": 0}))
    log_segment(world, no, user="ADMIN")
    with world.begin() as session:
        frozen = {a.no: a.read_only for a in session.scalars(select(t.Attachment))}
        assert (frozen[1], frozen[2], frozen[3]) == (True, False, True)


def test_l2_lines_whose_attachments_are_all_read_only_are_not_read_again_for_them(world):
    """A log of lines with different attachments, all made read-only by an earlier log, does
    no pass over its lines to find them; one still writable is made read-only."""
    with world.begin() as session:
        for no in (3, 4):
            session.add(
                t.Attachment(no=no, file_name=f"a{no}.txt", file_extension="txt", content=b"x")
            )
    first = segment(world, ("P1", {}), ("ACME", {"attachment_no": 3}), no="SEG1")
    log_segment(world, first, user="ADMIN")

    def froze(seen: list[tuple[str, list[object]]]) -> bool:
        return any(sql.lstrip().upper().startswith("UPDATE ATTACHMENTS") for sql, _ in seen)

    with statements(world) as seen:
        log_segment(
            world,
            segment(world, ("P4", {}), ("ACME", {"attachment_no": 3}), no="SEG2"),
            user="ADMIN",
        )
    assert not froze(seen)
    with statements(world) as seen:
        log_segment(
            world,
            segment(world, ("P4", {}), ("ACME", {"attachment_no": 4}), no="SEG3"),
            user="ADMIN",
        )
    assert froze(seen)
    with world.begin() as session:
        frozen = {a.no: a.read_only for a in session.scalars(select(t.Attachment))}
        assert (frozen[1], frozen[3], frozen[4]) == (True, True, True)


def test_l2_entry_numbers_continue_after_the_existing_ones(world):
    log_segment(world, segment(world, ("P1", {}), ("ACME", {}), no="SEG1"), user="ADMIN")
    second = log_segment(world, segment(world, ("P4", {}), no="SEG2"), user="KIM")
    assert second.logged_segment == 2
    rows = entries(world)
    assert [(r.entry_no, r.logged_segment_entry_no, r.user_id) for r in rows] == [
        (1, 1, "ADMIN"),
        (2, 1, "ADMIN"),
        (3, 2, "KIM"),
    ]


def test_l2_tasks_made_for_the_segment_lose_their_segment_link(world):
    no = segment(world, ("P1", {}))
    with world.begin() as session:
        session.add(t.Task(no="TD1", segment_no=no, description="Call"))
    log_segment(world, no, user="ADMIN")
    with world.begin() as session:
        assert session.get(t.Task, "TD1").segment_no == ""


def test_l7_a_segment_logged_before_cannot_be_logged_again(world):
    no = segment(world, ("P1", {}))
    with world.begin() as session:
        session.add(t.LoggedSegment(entry_no=7, segment_no=no, description="old"))
    with pytest.raises(Conflict, match=r"^Logged Segment for Segment No\. SEG1 already exists\.$"):
        log_segment(world, no, user="ADMIN")


def test_l7_a_segment_without_description_is_refused(world):
    no = segment(world, ("P1", {}), description="")
    with pytest.raises(Invalid) as caught:
        log_segment(world, no, user="ADMIN")
    assert caught.value.message == (
        "Description must have a value in Segment Header: No.=SEG1. It cannot be zero or empty."
    )


def test_l7_a_segment_without_a_line_with_a_contact_is_empty(world):
    no = segment(world, (None, {}), ("P1", {"removed_action": 3}))
    with pytest.raises(Invalid, match=r"^Segment SEG1 is empty\.$"):
        log_segment(world, no, user="ADMIN")


def test_l7_an_unknown_segment_is_not_found(world):
    with pytest.raises(NotFound, match="SEG404"):
        log_segment(world, "seg404", user="ADMIN")


WHERE = "Segment Line: Segment No.=SEG1, Line No.=20000"
LINE_CHECKS = [
    ({"date": None}, Invalid, f"Date must have a value in {WHERE}. It cannot be zero or empty."),
    (
        {"salesperson_code": ""},
        Invalid,
        f"Salesperson Code must have a value in {WHERE}. It cannot be zero or empty.",
    ),
    (
        {"salesperson_code": "NOPE"},
        NotFound,
        "The Salesperson/Purchaser does not exist. Identification fields and values: "
        f"Code='NOPE' ({WHERE}, Contact No.=ACME)",
    ),
    (
        {"interaction_template_code": ""},
        Invalid,
        f"Interaction Template Code must have a value in {WHERE}. It cannot be zero or empty.",
    ),
    (
        {"interaction_template_code": "NOPE"},
        NotFound,
        "The Interaction Template does not exist. Identification fields and values: "
        f"Code='NOPE' ({WHERE}, Contact No.=ACME)",
    ),
    (
        {"campaign_no": "CP404"},
        NotFound,
        "The Campaign does not exist. Identification fields and values: "
        f"No.='CP404' ({WHERE}, Contact No.=ACME)",
    ),
    ({"date": None, "salesperson_code": ""}, Invalid, "Date must have a value"),
]


@pytest.mark.parametrize(("fields", "error", "message"), LINE_CHECKS)
def test_l7_the_first_offending_line_stops_the_log_with_bc_s_message(world, fields, error, message):
    no = segment(world, ("P1", {}), ("ACME", fields), ("P4", {"date": None}))
    before = counts(world)
    with pytest.raises(error) as caught:
        log_segment(world, no, user="ADMIN")
    assert caught.value.message.startswith(message)
    assert counts(world) == before


def test_l7_a_line_whose_contact_vanished_is_reported(sqlite_sessions, sqlite_url):
    import sqlite3

    with sqlite_sessions.begin() as session:
        build_log_world(session)
    segment(sqlite_sessions, ("P1", {}))
    raw = sqlite3.connect(sqlite_url.removeprefix("sqlite:///"))
    raw.execute("UPDATE segment_lines SET contact_id = 999")  # foreign keys are off here
    raw.commit()
    raw.close()
    with pytest.raises(NotFound, match=r"^The Contact does not exist. \(Segment Line: "):
        log_segment(sqlite_sessions, "SEG1", user="ADMIN")


@pytest.mark.parametrize(
    ("vanished", "blank", "line_no", "message"),
    [
        (10000, "P4", 10000, "The Contact does not exist."),
        (30000, "P1", 10000, "Salesperson Code must have a value"),
        (30000, None, 30000, "The Contact does not exist."),
    ],
)
def test_l7_a_vanished_contact_is_reported_in_line_order_beside_the_other_checks(
    sqlite_sessions, sqlite_url, vanished, blank, line_no, message
):
    """The lines are counted and checked without their contacts first; a contact that is
    gone is found by the entries' INSERT, and either way the first offending line in line
    order is the one reported, and nothing is logged."""
    import sqlite3

    with sqlite_sessions.begin() as session:
        build_log_world(session)
    lines = [(no, {"salesperson_code": ""} if no == blank else {}) for no in ("P1", "ACME", "P4")]
    segment(sqlite_sessions, *lines)
    before = counts(sqlite_sessions)
    raw = sqlite3.connect(sqlite_url.removeprefix("sqlite:///"))
    raw.execute(  # foreign keys are off on this connection
        "UPDATE segment_lines SET contact_id = 999 WHERE line_no = ?", (vanished,)
    )
    raw.commit()
    raw.close()
    with pytest.raises(RapportError) as caught:
        log_segment(sqlite_sessions, "SEG1", user="ADMIN")
    assert caught.value.message.startswith(message)
    assert f"Line No.={line_no}" in caught.value.message
    assert counts(sqlite_sessions) == before


def test_l7_e_mail_without_an_address_is_logged_without_correspondence_type(world):
    no = segment(
        world,
        ("P2", {"correspondence_type": "email"}),
        ("P3", {"correspondence_type": "email", "contact_alt_address_code": "HOME"}),
        ("P1", {"correspondence_type": "email"}),
    )
    log_segment(world, no, user="ADMIN")
    assert [r.correspondence_type for r in entries(world)] == ["", "email", "email"]


def test_l7_delivering_e_mail_to_a_contact_without_any_address_is_refused(world):
    no = segment(world, ("P1", {}), ("P2", {"correspondence_type": "email"}))
    before = counts(world)
    with pytest.raises(Invalid) as caught:
        log_segment(world, no, deliver=True, user="ADMIN")
    assert caught.value.message == (
        "Make sure that the E-Mail field is specified for either contact no. P2 or the contact "
        "alternative address. (Segment Line: Segment No.=SEG1, Line No.=20000, Contact No.=P2)"
    )
    assert counts(world) == before


def test_l7_an_alternate_address_without_e_mail_blanks_the_type_and_delivery_fails(
    world, smtp, tmp_path
):
    """Reference §3 "Logging": the blanked line is still queued because the template's
    default type is e-mail, and its delivery then fails for want of a correspondence type
    (on a real SMTP server: nothing is sent)."""
    inbox, mail = smtp
    with world.begin() as session:
        bob = session.scalar(select(t.Contact).where(t.Contact.no == "P2"))
        session.add(t.ContactAltAddress(contact_id=bob.id, code="OFFICE", email=""))
    no = segment(
        world, ("P2", {"correspondence_type": "email", "contact_alt_address_code": "OFFICE"})
    )
    result = log_segment(world, no, deliver=True, user="ADMIN", settings=mail, output_dir=tmp_path)
    assert [(r.correspondence_type, r.delivery_status) for r in entries(world)] == [("", "failed")]
    assert (result.delivered, result.failed, inbox.messages) == (0, 1, [])
    with world.begin() as session:
        reason = session.scalar(select(t.Delivery.reason))
    assert reason == "cannot deliver by correspondence type ''"


def test_l7_delivering_needs_an_attachment_or_a_word_template(world, smtp, tmp_path):
    inbox, mail = smtp
    no = segment(world, ("P1", {}), ("ACME", {"attachment_no": 0}))
    with pytest.raises(Invalid) as caught:
        log_segment(world, no, deliver=True, user="ADMIN")
    assert caught.value.message == (
        f"Attachment No. must have a value in {WHERE}. It cannot be zero or empty."
    )
    with world.begin() as session:
        session.execute(update(t.SegmentLine).values(word_template_code="LETTER"))
    result = log_segment(world, no, deliver=True, user="ADMIN", settings=mail, output_dir=tmp_path)
    assert result.interactions == 2
    assert [m["To"] for m in inbox.messages] == ["ann@acme.test"]


def test_l7_without_deliver_a_missing_attachment_is_fine(world):
    no = segment(world, ("P1", {"attachment_no": 0}))
    assert log_segment(world, no, user="ADMIN").interactions == 1


def test_l2_deliver_queues_entries_to_send_and_delivers_after_commit(world, smtp, tmp_path):
    """With a real SMTP server on loopback: the e-mail line is sent, the hard copy with an
    e-mail body fails (reference §3), the line without a correspondence type is not queued."""
    inbox, mail = smtp
    no = segment(
        world,
        ("P1", {"correspondence_type": "email"}),
        ("P4", {"correspondence_type": "hard_copy"}),
        ("ACME", {"correspondence_type": "", "interaction_template_code": "CALL"}),
    )
    result = log_segment(world, no, deliver=True, user="ADMIN", settings=mail, output_dir=tmp_path)
    with world.begin() as session:
        queue = session.execute(
            select(t.Delivery.entry_no, t.Delivery.channel).order_by(t.Delivery.entry_no)
        ).all()
    assert queue == [(1, "email"), (2, "hard_copy")]
    assert (result.delivered, result.failed, len(inbox.messages)) == (1, 1, 1)
    assert [r.delivery_status for r in entries(world)] == ["sent", "failed", ""]


def test_l2_without_deliver_nothing_is_queued(world):
    result = log_segment(world, segment(world, ("P1", {})), user="ADMIN")
    assert (result.delivered, counts(world)["deliveries"]) == (0, 0)


def test_l2_a_failed_delivery_keeps_the_log_and_says_how_to_resend(world, tmp_path):
    """A real failure after the commit: the zip bundling the hard copies cannot be written
    (its name is taken by a folder). The log stays, the hard copy is marked sent, and the
    message says where the documents are and how to resend."""
    with world.begin() as session:
        word = make_stored_attachment(session, docx_template(), extension="docx")
    no = segment(world, ("P4", {"correspondence_type": "hard_copy", "attachment_no": word.no}))
    (tmp_path / "Logged segment 1.zip").mkdir()
    with pytest.raises(DeliveryFailed) as caught:
        log_segment(world, no, deliver=True, user="ADMIN", output_dir=tmp_path)
    assert caught.value.message.startswith(
        "Logged Segment 1 has been logged, but its delivery failed: the hard copies are in "
    )
    assert caught.value.entry_no == 1  # the CLI adds: Resend with `rapport logged resend 1`.
    assert counts(world)["interaction_log_entries"] == 1
    assert [r.delivery_status for r in entries(world)] == ["sent"]


def docx_template() -> bytes:
    document = Document()
    document.add_paragraph("Dear {{ contact.name }}")
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def test_l3_e_mail_delivery_without_its_settings_is_refused_and_nothing_is_logged(world):
    no = segment(world, ("P1", {"correspondence_type": "email"}))
    before = counts(world)
    with pytest.raises(Invalid, match="RAPPORT_SMTP_URL"):
        log_segment(world, no, deliver=True, user="ADMIN", settings=Settings())
    assert counts(world) == before


def test_l2_log_is_rolled_back_when_the_last_step_fails(sqlite_sessions):
    """The transaction contract: when the last step (removing the segment) fails, after
    every entry was written, all of it is undone (the database refuses through a trigger)."""
    from sqlalchemy import text

    with sqlite_sessions.begin() as session:
        build_log_world(session)
    no = segment(sqlite_sessions, ("P1", {}), ("ACME", {"campaign_no": "CP1"}))
    before = counts(sqlite_sessions)
    with sqlite_sessions.begin() as session:
        session.execute(
            text(
                "CREATE TRIGGER refuse BEFORE DELETE ON segment_headers "
                "BEGIN SELECT RAISE(ABORT, 'disk full'); END"
            )
        )
    with pytest.raises(Exception, match="disk full"):
        log_segment(sqlite_sessions, no, user="ADMIN")
    assert counts(sqlite_sessions) == before


def test_l2_log_is_rolled_back_when_the_follow_up_fails(world):
    """The transaction contract: the follow-up needs the segment number series; without it
    the whole log, already written up to the follow-up, is undone."""
    no = segment(world, ("P1", {}), ("ACME", {"campaign_no": "CP1"}))
    with world.begin() as session:
        session.execute(update(t.MarketingSetup).values(segment_nos=""))
    before = counts(world)
    with pytest.raises(Invalid, match="segment_nos"):
        log_segment(world, no, follow_up=True, user="ADMIN")
    assert counts(world) == before


def test_l4_follow_up_segment_has_the_same_contacts_and_campaign(world):
    with world.begin() as session:
        session.execute(update(t.Contact).where(t.Contact.no == "P4").values(excluded=True))
    no = segment(
        world,
        ("P1", {}),
        ("ACME", {}),
        ("P1", {}),
        ("P4", {}),
        campaign_no="CP1",
        description="A rather long description that is cut",
    )
    result = log_segment(world, no, follow_up=True, user="ADMIN")
    assert result.follow_up == "SEG00001"
    with world.begin() as session:
        header = session.scalar(select(t.SegmentHeader))
        assert header.no == "SEG00001"
        assert header.description == "Follow-up on segment SEG1"
        assert (header.campaign_no, header.salesperson_code) == ("CP1", "JO")
        lines = session.execute(
            select(t.Contact.no, t.SegmentLine.campaign_no)
            .join(t.Contact, t.Contact.id == t.SegmentLine.contact_id)
            .order_by(t.SegmentLine.line_no)
        ).all()
    # The same contacts once each; P4, excluded since, is left out (SPEC §4).
    assert sorted(lines) == [("ACME", "CP1"), ("P1", "CP1")]


def test_l2_concurrent_logs_of_one_segment_have_one_winner(world):
    no = segment(world, ("P1", {}), ("ACME", {}))
    outcomes: list[object] = []

    def log():
        try:
            outcomes.append(log_segment(world, no, user="ADMIN").logged_segment)
        except RapportError as exc:
            outcomes.append(type(exc))

    threads = [threading.Thread(target=log) for _ in range(3)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(outcomes, key=str) == sorted([1, NotFound, NotFound], key=str)
    assert counts(world)["interaction_log_entries"] == 2
