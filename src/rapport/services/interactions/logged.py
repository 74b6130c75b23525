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
from collections.abc import Callable, Collection
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sqlalchemy import ColumnElement, func, select, true, update
from sqlalchemy.orm import Session

from rapport.domain.enums import CorrespondenceType, not_one_of, parse_enum
from rapport.errors import N_, Conflict, Invalid
from rapport.services._criteria import CriteriaSource, optional_criteria
from rapport.services._logged import no_logged_segment
from rapport.services.interactions._delivering import check_delivery_settings
from rapport.settings import Settings
from rapport.storage.db import Sessions, execute_counted, reading
from rapport.storage.search import contains
from rapport.storage.tables import (
    CampaignEntry,
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


def show(
    sessions: Sessions,
    entry_no: int,
    *,
    limit: int | None = None,
    statuses: Collection[str] = (),
) -> LoggedSegmentCard:
    """L3/X8: what happened to the interactions of the logged segment that were to be
    delivered, counted per state in the database, and each of the first `limit` (all when
    None) recipients, only those in one of `statuses` when given: sent, failed (why),
    skipped (opted out, privacy blocked, no e-mail address). `queue.stream_deliveries`
    gives every recipient with flat memory."""
    from rapport.services.delivery import claims, queue

    states = claims.queue_states(statuses)
    with reading(sessions) as session:
        return LoggedSegmentCard(
            logged_segment=read(session, entry_no),
            delivery=claims.count_states(session, entry_no),
            deliveries=queue.read_deliveries(session, entry_no, limit=limit, statuses=states),
        )


def get_all(
    sessions: Sessions,
    *,
    where: CriteriaSource | None = None,
    search: str | None = None,
    after: int | None = None,
    limit: int | None = None,
) -> list[LoggedSegmentRead]:
    """L5: the logged segments in entry order, with their interaction and campaign counts:
    those `where` selects and whose segment no., description or user contains `search`
    (every one without them), or the first `limit` after the entry no. `after` (a keyset
    page)."""
    query = with_counts().where(*selected(sessions, where=where, search=search)).limit(limit)
    if after is not None:
        query = query.where(logged.c.entry_no > after)
    with reading(sessions) as session:
        return [LoggedSegmentRead(**row._mapping) for row in session.execute(query)]


def selected(
    sessions: Sessions, *, where: CriteriaSource | None = None, search: str | None = None
) -> list[ColumnElement[bool]]:
    """The conditions on a logged segment's row of the criteria `where` (the criteria
    language on the logged segments' fields: `segment = SEG00001 and not canceled`; Invalid
    naming `where` when bad) and of the plain `search` (in the segment no., the
    description and the user ID)."""
    conditions = [contains(search, logged.c.segment_no, logged.c.description, logged.c.user_id)]
    if where is None or (isinstance(where, str) and not where.strip()):
        return conditions
    from rapport.criteria import LOGGED_SEGMENTS  # the engine only when criteria are given

    checked = optional_criteria(where, database=sessions, subject=LOGGED_SEGMENTS)
    return conditions if checked is None else [*conditions, checked.condition()]


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


@dataclass(frozen=True)
class Requeued:
    """A resend's first half (L5, X8): the logged segment's entries waiting to be
    delivered again, committed."""

    logged_segment: int
    queued: int


def requeue(
    sessions: Sessions,
    entry_no: int,
    *,
    settings: Settings | None = None,
    output_dir: Path | None = None,
    include_uncertain: bool = False,
    correspondence_type: str = "",
) -> Requeued:
    """L5 "Resend", before its delivery: every interaction of the logged segment that was
    not sent (failed, skipped, interrupted before reaching the mail server, or logged
    without delivery) is queued again, in one transaction; an entry already sent never is
    (X8), an uncertain one only with `include_uncertain`. BC's Resend option
    "Correspondence Type": blank for the same as each entry's, else `hard_copy` or `email`
    for all of them (a hard copy that failed for want of a Word template can go by e-mail).
    Refused, nothing queued: a correspondence type that is not one, a logged segment that
    does not exist or is canceled (its interactions are canceled: nothing would be
    delivered), and a delivery without what it needs (an SMTP server and a sender for
    e-mail, a folder that takes new files for hard copies)."""
    from rapport.services.delivery import queue as delivery
    from rapport.services.delivery.claims import PENDING, utcnow
    from rapport.services.delivery.output import DEFAULT_OUTPUT, mail_settings
    from rapport.services.transfer.files import check_output_folder

    settings = settings or Settings.load()
    kind = _resend_type(correspondence_type)
    with sessions.begin() as session:
        if read(session, entry_no).canceled:
            raise Conflict(
                N_(
                    "Logged Segment {entry_no} is canceled: un-cancel it before resending.",
                    entry_no=entry_no,
                )
            )
        if kind == CorrespondenceType.EMAIL.value:  # asked for, even with nothing to resend
            mail_settings(settings)
        elif kind == CorrespondenceType.HARD_COPY.value:
            check_output_folder(output_dir or DEFAULT_OUTPUT)
        queued = delivery.requeue(
            session,
            entry_no,
            now=utcnow(),
            include_uncertain=include_uncertain,
            correspondence_type=kind,
        )
        check_delivery_settings(session, entry_no, settings, output_dir, status=PENDING)
    return Requeued(entry_no, queued)


def resend(
    sessions: Sessions,
    entry_no: int,
    *,
    settings: Settings | None = None,
    output_dir: Path | None = None,
    include_uncertain: bool = False,
    correspondence_type: str = "",
    on_progress: Callable[[int, int], None] | None = None,
) -> DeliveryResult:
    """L5 "Resend" in this process: `requeue` (refused before anything is queued), then
    deliver what waits, telling `on_progress(done, total)` after each entry. The server
    delivers it as a job instead (`jobs.starts.resend`)."""
    from rapport.services.delivery import queue as delivery

    settings = settings or Settings.load()
    requeue(
        sessions,
        entry_no,
        settings=settings,
        output_dir=output_dir,
        include_uncertain=include_uncertain,
        correspondence_type=correspondence_type,
    )
    return delivery.deliver(
        sessions,
        logged_segment_entry_no=entry_no,
        settings=settings,
        output_dir=output_dir,
        on_progress=on_progress,
    )


def _resend_type(value: str) -> str:
    """A resend's correspondence type: blank (the same as each entry's), or one to deliver
    by; Invalid naming the field otherwise, as every enumeration's value is refused."""
    try:
        return parse_enum(CorrespondenceType, value, field="correspondence_type").value
    except ValueError as exc:
        raise Invalid(not_one_of(CorrespondenceType, value), where="correspondence_type") from exc
