"""Logging a segment (L2, L4, L7): Business Central's Log Segment (reference §2.11), set-based.

One transaction: the checks, one logged segment, one campaign entry per campaign of the
segment, one interaction log entry per line with a contact (INSERT … SELECT numbered by
line), the delivery queue rows when delivering, the attachments the lines use frozen, the
segment removed, optionally the follow-up segment, and the `segment.logged` event (X9).
Delivery runs only after that commit, so a failed e-mail never loses a log entry (§10).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import asdict, dataclass, field, replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sqlalchemy import (
    case,
    delete,
    false,
    func,
    insert,
    literal,
    select,
    text,
    update,
)

from rapport.domain.enums import DeliveryStatus
from rapport.errors import N_
from rapport.services.delivery.claims import DeliveryCounts, count_states
from rapport.services.interactions._checks import (
    Checked,
    check_header,
    check_lines,
    confirm_contacts,
    effective_correspondence_type,
    line_joins,
    lines,
    logged_lines,
    to_deliver,
)
from rapport.services.interactions._delivering import (
    Progress,
    check_delivery_settings,
    run_delivery,
)
from rapport.services.interactions._entry_values import campaign_entry_of_line, folded_texts
from rapport.services.interactions._follow_up_segment import create_follow_up
from rapport.services.segments.engine import read_header, refuse_if_referenced
from rapport.services.webhooks.outbox import SEGMENT_LOGGED, emit
from rapport.settings import Settings
from rapport.storage import schema
from rapport.storage.db import (
    analyze,
    execute_counted,
    is_postgresql,
    reading,
    sessions_of,
    writing_connection,
)
from rapport.storage.folding import refold
from rapport.storage.schema import FOLDS, fold
from rapport.storage.segment_lines import empty_segment

if TYPE_CHECKING:
    from sqlalchemy import Engine

    from rapport.storage.db import Db, Sessions
    from rapport.storage.tables import SegmentHeader

# Statistics are refreshed after a log that wrote BULK_ROWS entries or more and made a
# tenth or more of the entries or of the segment lines (storage.db.analyze).
ANALYZE_SHARE = 0.1

entries = schema.interaction_log_entries
campaign_entries = schema.campaign_entries
deliveries = schema.deliveries
attachments = schema.attachments

# Line fields an interaction log entry takes as they are (CopyFromSegment, reference §1.8).
COPIED = (
    "contact_id",
    "contact_company_no",
    "date",
    "description",
    "information_flow",
    "initiated_by",
    "attachment_no",
    "cost",
    "duration",
    "interaction_group_code",
    "interaction_template_code",
    "subject",
    "campaign_no",
    "campaign_response",
    "campaign_target",
    "evaluation",
    "attempt_failed",
    "task_no",
    "salesperson_code",
    "contact_alt_address_code",
    "contact_via",
    "opportunity_no",
    "word_template_code",
)


@dataclass(frozen=True)
class LogResult:
    """What logging did: the logged segment's entry no. and the counts (SPEC §6 JSON)."""

    logged_segment: int
    interactions: int
    campaign_entries: int
    delivered: int
    follow_up: str | None
    failed: int = 0
    skipped: int = 0
    archive: str | None = None
    delivery: DeliveryCounts = field(default_factory=DeliveryCounts)


@dataclass(frozen=True)
class Logged:
    """What a log wrote; the `segment.logged` event's data (X9)."""

    segment_no: str
    logged_segment: int
    interactions: int
    campaign_entries: int
    queued: int
    follow_up: str | None


def log_segment(
    database: Sessions | Engine,
    segment_no: str,
    *,
    deliver: bool = False,
    follow_up: bool = False,
    user: str,
    settings: Settings | None = None,
    output_dir: Path | None = None,
    deliver_now: bool = True,
    on_progress: Progress | None = None,
) -> LogResult:
    """L2: log the segment as interactions, all or nothing; L4: with `follow_up`, a new
    segment "Follow-up on segment …" with the same contacts; L3: with `deliver`, the
    entries to send are queued and, with `deliver_now`, delivered after the log has
    committed (the server leaves the queue to a job instead). E-mail delivery without its
    settings, or hard copies without a folder to write them to, are refused before anything
    is logged. `on_progress(done, total)` follows the delivery, entry by entry. The log
    writes through Core on the engine or the sessions' engine (the command line imports no
    ORM for it but to create a follow-up segment)."""
    settings = settings or Settings.load()
    with writing_connection(database) as connection:
        logged = record_log(connection, segment_no, deliver=deliver, follow_up=follow_up, user=user)
        if logged.queued:
            check_delivery_settings(connection, logged.logged_segment, settings, output_dir)
        emit(connection, SEGMENT_LOGGED, {**asdict(logged), "user": user})
    result = LogResult(
        logged_segment=logged.logged_segment,
        interactions=logged.interactions,
        campaign_entries=logged.campaign_entries,
        delivered=0,
        follow_up=logged.follow_up,
    )
    if not logged.queued or not deliver_now:
        return result
    sessions = sessions_of(database)
    sent = run_delivery(
        sessions,
        logged.logged_segment,
        settings=settings,
        output_dir=output_dir,
        on_progress=on_progress,
    )
    with reading(sessions) as session:
        states = count_states(session, logged.logged_segment)
    return replace(
        result,
        delivered=sent.sent,
        failed=sent.failed,
        skipped=sent.skipped,
        archive=str(sent.archive) if sent.archive else None,
        delivery=states,
    )


def record_log(
    session: Db, segment_no: str, *, deliver: bool, follow_up: bool, user: str
) -> Logged:
    """Every write of a log, inside the caller's transaction."""
    header = read_header(session, segment_no, lock=True)
    lock_numbering(session)
    check_header(session, header)
    if not header.dynamic:
        refuse_if_referenced(session, header, doing=N_("logged (logging deletes it)"))
    checked = check_lines(session, header, deliver=deliver)
    entry_no = insert_logged_segment(session, header, user=user)
    campaign_count = insert_campaign_entries(session, header, entry_no=entry_no, user=user)
    interactions = insert_entries(session, header, entry_no=entry_no, user=user, deliver=deliver)
    confirm_contacts(session, header, lines_to_log=checked.lines, logged=interactions)
    queued = queue_deliveries(session, entry_no) if deliver else 0
    if checked.highest_attachment:
        freeze_attachments(session, header, checked)
    old_no, campaign_no = header.no, header.campaign_no
    # X4: a dynamic segment is a standing list and keeps its lines; BC deletes the others.
    if not header.dynamic:
        remove_segment(session, header)
    new_no = (
        create_follow_up(
            session, old_no=old_no, campaign_no=campaign_no, entry_no=entry_no, user=user
        )
        if follow_up
        else None
    )
    analyze(
        session, "interaction_log_entries", "segment_lines", rows=interactions, share=ANALYZE_SHARE
    )
    return Logged(old_no, entry_no, interactions, campaign_count, queued, new_no)


def lock_numbering(session: Db) -> None:
    """Entry numbers are max + 1: concurrent logs take turns (SQLite's write lock does it)."""
    if is_postgresql(session):
        session.execute(
            text(
                "LOCK TABLE logged_segments, campaign_entries, interaction_log_entries "
                "IN SHARE ROW EXCLUSIVE MODE"
            )
        )


def next_entry_no(session: Db, column: Any) -> int:
    return int(session.scalar(select(func.coalesce(func.max(column), 0))) or 0) + 1


def insert_logged_segment(session: Db, header: SegmentHeader, *, user: str) -> int:
    """The logged segment, dated with the system date (reference §1.7)."""
    entry_no = next_entry_no(session, schema.logged_segments.c.entry_no)
    session.execute(
        insert(schema.logged_segments).values(
            entry_no=entry_no,
            segment_no=header.no,
            description=header.description,
            description_folded=fold(header.description),
            creation_date=dt.date.today(),
            user_id=user,
            canceled=False,
        )
    )
    return entry_no


def insert_campaign_entries(session: Db, header: SegmentHeader, *, entry_no: int, user: str) -> int:
    """One campaign entry per campaign of the segment (GetCampaignEntryNo): date and
    salesperson of its first line by date, then line no.; register no. = the logged entry."""
    first = (
        select(lines.c.campaign_no, func.min(lines.c.date).label("date"))
        .where(*logged_lines(header.id), lines.c.campaign_no != "")
        .group_by(lines.c.campaign_no)
        .subquery("first")
    )
    # The salesperson of the campaign's first line: a short walk in line order.
    salesperson = (
        select(lines.c.salesperson_code)
        .where(
            *logged_lines(header.id),
            lines.c.campaign_no == first.c.campaign_no,
            lines.c.date == first.c.date,
        )
        .order_by(lines.c.line_no)
        .limit(1)
        .scalar_subquery()
    )
    base = next_entry_no(session, campaign_entries.c.entry_no) - 1
    query = select(
        (base + func.row_number().over(order_by=first.c.campaign_no)).label("entry_no"),
        first.c.campaign_no,
        literal(header.description),
        first.c.date,
        literal(user),
        literal(header.no),
        salesperson,
        literal(entry_no),
    )
    columns = [
        "entry_no",
        "campaign_no",
        "description",
        "date",
        "user_id",
        "segment_no",
        "salesperson_code",
        "register_no",
    ]
    return execute_counted(session, insert(campaign_entries).from_select(columns, query))


def insert_entries(
    session: Db, header: SegmentHeader, *, entry_no: int, user: str, deliver: bool
) -> int:
    """One interaction log entry per line with a contact, numbered in line order.

    PostgreSQL numbers them with a window after the highest entry no. SQLite gives a row
    inserted without its entry no. (the table's rowid) one past the highest, row by row in
    the SELECT's order: there the lines are selected in line order and the entries come
    numbered alike without the window, whose rows SQLite runs through a temporary table
    (the INSERT of 100,000 entries at 1M contacts: 1.35 s with it, 0.87 s without). This
    holds while `entry_no` is the rowid (an INTEGER PRIMARY KEY) and below 2**63 - 1."""
    status = case((to_deliver(deliver), literal(DeliveryStatus.PENDING.value)), else_=literal(""))
    values: dict[str, Any] = {}
    if windowed := is_postgresql(session):
        base = next_entry_no(session, entries.c.entry_no) - 1
        values["entry_no"] = base + func.row_number().over(order_by=lines.c.line_no)
    values |= {
        **{name: lines.c[name] for name in COPIED},
        "user_id": literal(user),
        "interaction_language_code": lines.c.language_code,
        "send_word_docs_as_attmt": lines.c.send_word_doc_as_attmt,
        "campaign_entry_no": campaign_entry_of_line(session, entry_no),
        "segment_no": literal(header.no),
        "correspondence_type": effective_correspondence_type(),
        "logged_segment_entry_no": literal(entry_no),
        "delivery_status": status if deliver else literal(""),
    }
    copies = folded_texts(session, header)
    values |= copies
    query = select(*(v.label(k) for k, v in values.items())).select_from(
        line_joins(with_template=deliver, contact_required=True)
    )
    query = query.where(*logged_lines(header.id))
    if not windowed:
        query = query.order_by(lines.c.line_no)
    count = execute_counted(session, insert(entries).from_select(list(values), query))
    if len(copies) < len(FOLDS[entries.name]):  # too many texts to fold inline
        refold(session, entries, entries.c.logged_segment_entry_no == entry_no)
    return count


def queue_deliveries(session: Db, entry_no: int) -> int:
    """The delivery queue (X8): one pending row per entry to deliver, on its channel."""
    return execute_counted(
        session,
        insert(deliveries).from_select(
            ["entry_no", "channel", "status"],
            select(
                entries.c.entry_no,
                entries.c.correspondence_type,
                literal(DeliveryStatus.PENDING.value),
            ).where(
                entries.c.logged_segment_entry_no == entry_no,
                entries.c.delivery_status == DeliveryStatus.PENDING.value,
            ),
        ),
    )


def freeze_attachments(session: Db, header: SegmentHeader, checked: Checked) -> None:
    """The attachments the logged lines use become read-only (reference §2.11 step 6): the
    one they share, or those a pass over the lines finds. That pass is skipped when no
    attachment between the lines' lowest and highest no. is still writable, as after an
    earlier log of the same attachments."""
    lowest, highest = checked.lowest_attachment, checked.highest_attachment
    if lowest == highest:
        used = attachments.c.no == lowest
    else:
        writable = select(attachments.c.no).where(
            attachments.c.no.between(lowest, highest), attachments.c.read_only == false()
        )
        if session.scalar(writable.limit(1)) is None:
            return
        used = attachments.c.no.in_(
            select(lines.c.attachment_no).where(
                *logged_lines(header.id), lines.c.attachment_no != 0
            )
        )
    session.execute(
        update(attachments).where(used, attachments.c.read_only == false()).values(read_only=True)
    )


def remove_segment(session: Db, header: SegmentHeader) -> None:
    """The logged segment's header, lines (removed ones too), criteria and language
    variants go; tasks made for it keep their contact but lose the segment link (§1.2)."""
    tasks = schema.tasks
    session.execute(update(tasks).where(tasks.c.segment_no == header.no).values(segment_no=""))
    empty_segment(session, header.id)
    session.execute(delete(schema.segment_headers).where(schema.segment_headers.c.id == header.id))
