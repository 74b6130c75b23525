"""Logged segments (L5): list, show with per-recipient delivery status (L3, X8), cancel and
un-cancel, delete the canceled ones, resend.

Business Central's Logged Segment (reference §1.7, §2.14): its counts are FlowFields that
count only the interactions and campaign entries with the *same* canceled value, so a
canceled logged segment still shows its canceled entries. Cancel and un-cancel carry the
flag to its interaction log entries and campaign entries in one UPDATE each; deleting
canceled logged segments detaches their entries (logged segment / register no. 0) and keeps
them, canceled.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sqlalchemy import func, or_, select, true, update
from sqlalchemy.orm import Session

from rapport.domain.enums import CorrespondenceType, DeliveryStatus, not_one_of, parse_enum
from rapport.errors import Invalid
from rapport.services._logged import no_logged_segment
from rapport.settings import Settings
from rapport.storage.db import Sessions, execute_counted, reading
from rapport.storage.tables import (
    CampaignEntry,
    Delivery,
    InteractionLogEntry,
    LoggedSegment,
    table_of,
)

if TYPE_CHECKING:
    from rapport.services.delivery.claims import DeliveryCounts
    from rapport.services.delivery.queue import DeliveryRead, DeliveryResult

logged = table_of(LoggedSegment)
entries = table_of(InteractionLogEntry)
campaign_entries = table_of(CampaignEntry)


@dataclass(frozen=True)
class LoggedSegmentRead:
    """A logged segment with its FlowField counts (SPEC §6 `logged list`)."""

    entry_no: int
    segment_no: str
    description: str
    no_of_interactions: int
    canceled: bool
    no_of_campaign_entries: int
    creation_date: dt.date | None
    user_id: str


def with_counts() -> Any:
    interactions = (
        select(func.count())
        .where(
            entries.c.logged_segment_entry_no == logged.c.entry_no,
            entries.c.canceled == logged.c.canceled,
        )
        .scalar_subquery()
    )
    campaign = (
        select(func.count())
        .where(
            campaign_entries.c.register_no == logged.c.entry_no,
            campaign_entries.c.canceled == logged.c.canceled,
        )
        .scalar_subquery()
    )
    return select(
        logged.c.entry_no,
        logged.c.segment_no,
        logged.c.description,
        interactions.label("no_of_interactions"),
        logged.c.canceled,
        campaign.label("no_of_campaign_entries"),
        logged.c.creation_date,
        logged.c.user_id,
    ).order_by(logged.c.entry_no)


def read(session: Session, entry_no: int) -> LoggedSegmentRead:
    row = session.execute(with_counts().where(logged.c.entry_no == entry_no)).first()
    if row is None:
        raise no_logged_segment(entry_no)
    return LoggedSegmentRead(**row._mapping)


def get(sessions: Sessions, entry_no: int) -> LoggedSegmentRead:
    with reading(sessions) as session:
        return read(session, entry_no)


@dataclass(frozen=True)
class LoggedSegmentCard:
    """A logged segment with its delivery: the count per state and the first recipients'
    status with its reason (SPEC §6 `logged show`)."""

    logged_segment: LoggedSegmentRead
    delivery: DeliveryCounts
    deliveries: list[DeliveryRead]


def show(sessions: Sessions, entry_no: int, *, limit: int | None = None) -> LoggedSegmentCard:
    """L3/X8: what happened to the interactions of the logged segment that were to be
    delivered, counted per state in the database, and each of the first `limit` (all when
    None): sent, failed (why), skipped (opted out, privacy blocked, no e-mail address).
    `queue.stream_deliveries` gives every recipient with flat memory."""
    from rapport.services.delivery import claims, queue

    with reading(sessions) as session:
        return LoggedSegmentCard(
            logged_segment=read(session, entry_no),
            delivery=claims.count_states(session, entry_no),
            deliveries=queue.read_deliveries(session, entry_no, limit=limit),
        )


def get_all(
    sessions: Sessions, *, after: int | None = None, limit: int | None = None
) -> list[LoggedSegmentRead]:
    """L5: the logged segments in entry order, with their interaction and campaign counts:
    every one, or the first `limit` after the entry no. `after` (a keyset page)."""
    query = with_counts().limit(limit)
    if after is not None:
        query = query.where(logged.c.entry_no > after)
    with reading(sessions) as session:
        return [LoggedSegmentRead(**row._mapping) for row in session.execute(query)]


def cancel_log(sessions: Sessions, entry_no: int, *, canceled: bool = True) -> LoggedSegmentRead:
    """L5: BC's "Switch Checkmark in Canceled" as an explicit value: the logged segment, all
    its interaction log entries and all its campaign entries get `canceled` (reference
    §2.14). Nothing else is reversed: attachments, target groups and deliveries stay."""
    with sessions.begin() as session:
        read(session, entry_no)
        session.execute(
            update(logged).where(logged.c.entry_no == entry_no).values(canceled=canceled)
        )
        session.execute(
            update(entries)
            .where(entries.c.logged_segment_entry_no == entry_no)
            .values(canceled=canceled)
        )
        session.execute(
            update(campaign_entries)
            .where(campaign_entries.c.register_no == entry_no)
            .values(canceled=canceled)
        )
        return read(session, entry_no)


def uncancel_log(sessions: Sessions, entry_no: int) -> LoggedSegmentRead:
    """L5: remove the canceled checkmark from a logged segment and its entries."""
    return cancel_log(sessions, entry_no, canceled=False)


def delete_canceled(sessions: Sessions, *, entry_no: int | None = None) -> int:
    """L5: BC's Delete Logged Segments (report 5191): only canceled logged segments (all, or
    the one `entry_no`) are deleted; their interaction log entries and campaign entries
    stay, canceled, with logged segment / register no. 0. Returns how many were deleted."""
    with sessions.begin() as session:
        doomed = select(logged.c.entry_no).where(logged.c.canceled == true())
        if entry_no is not None:
            read(session, entry_no)
            doomed = doomed.where(logged.c.entry_no == entry_no)
        session.execute(
            update(entries)
            .where(entries.c.logged_segment_entry_no.in_(doomed))
            .values(logged_segment_entry_no=0)
        )
        session.execute(
            update(campaign_entries)
            .where(campaign_entries.c.register_no.in_(doomed))
            .values(register_no=0)
        )
        return execute_counted(session, logged.delete().where(logged.c.entry_no.in_(doomed)))


def _unsent_hard_copies(session: Session, entry_no: int) -> bool:
    hard_copy = CorrespondenceType.HARD_COPY.value
    queued = select(Delivery.channel).where(Delivery.entry_no == entries.c.entry_no)
    return (
        session.scalar(
            select(entries.c.entry_no)
            .where(
                entries.c.logged_segment_entry_no == entry_no,
                entries.c.delivery_status != DeliveryStatus.SENT.value,
                or_(
                    entries.c.correspondence_type == hard_copy,
                    queued.scalar_subquery() == hard_copy,
                ),
            )
            .limit(1)
        )
        is not None
    )


def resend(
    sessions: Sessions,
    entry_no: int,
    *,
    settings: Settings | None = None,
    output_dir: Path | None = None,
    include_uncertain: bool = False,
    correspondence_type: str = "",
) -> DeliveryResult:
    """L5 "Resend": queue again every interaction of the logged segment that was not sent
    (failed, skipped, interrupted before reaching the mail server, or logged without
    delivery) and deliver them; an entry already sent is never sent again (X8), an
    uncertain one only with `include_uncertain`. BC's Resend option "Correspondence Type":
    blank for the same as each entry's, else `hard_copy` or `email` for all of them (a hard
    copy that failed for want of a Word template can go by e-mail). What the delivery
    needs is checked before anything is queued: a folder that takes new files for hard
    copies, an SMTP server and a sender for e-mail chosen here."""
    from rapport.services.delivery import queue as delivery
    from rapport.services.delivery.output import DEFAULT_OUTPUT, mail_settings
    from rapport.services.transfer.files import check_output_folder

    settings = settings or Settings.load()
    kind = _resend_type(correspondence_type)
    get(sessions, entry_no)
    if kind == CorrespondenceType.EMAIL.value:
        mail_settings(settings)
    elif kind == CorrespondenceType.HARD_COPY.value:
        check_output_folder(output_dir or DEFAULT_OUTPUT)
    else:
        with reading(sessions) as session:
            if _unsent_hard_copies(session, entry_no):
                check_output_folder(output_dir or DEFAULT_OUTPUT)
    return delivery.resend(
        sessions,
        logged_segment_entry_no=entry_no,
        settings=settings,
        output_dir=output_dir,
        include_uncertain=include_uncertain,
        correspondence_type=kind,
    )


def _resend_type(value: str) -> str:
    """A resend's correspondence type: blank (the same as each entry's), or one to deliver
    by; Invalid naming the field otherwise, as every enumeration's value is refused."""
    try:
        return parse_enum(CorrespondenceType, value, field="correspondence_type").value
    except ValueError as exc:
        raise Invalid(not_one_of(CorrespondenceType, value), where="correspondence_type") from exc
