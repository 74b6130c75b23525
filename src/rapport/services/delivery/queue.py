"""Delivering a logged segment's interactions (L3, X7, X8): e-mail and hard copies.

Logging puts one `deliveries` row per interaction to deliver ('pending') and commits;
delivery then works through the queue of one logged segment, *committing per entry*, so a
failed e-mail never loses a log entry and a crash loses at most the entry in flight:

1. consent first (X7), set-based: a canceled interaction, a privacy-blocked contact or one
   who opted out of the entry's correspondence type → 'skipped' with the reason;
2. each due entry ('pending', or 'failed' whose `next_attempt_at` has come) is *claimed*
   ('sending', committed) before anything goes out, then sent or written, then marked
   'sent' with `sent_at`. A re-run or a resend never touches an entry already 'sent' or
   being sent, so nothing is sent twice (X8);
3. a failure → 'failed' with the reason and `attempts` + 1; a transient one (the server
   busy or unreachable) is retried by a later run once `next_attempt_at` (1 min × 2^n)
   has come, a permanent one (no address, no Word template for a hard copy, a 5xx
   refusal) only by an explicit resend;
4. e-mail goes out at most `rate` messages per second.

The interaction's `delivery_status` mirrors its queue row: pending, sending, sent, failed or
skipped. Rapport keeps 'sent' where Business Central blanks the field after success, so a
list of interactions tells delivered ones from never-delivered ones. An entry left in
'sending' by a crash has an unknown outcome; it is resent only when asked for explicitly.
"""

from __future__ import annotations

import datetime as dt
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sqlalchemy import and_, case, func, insert, literal, or_, select, update
from sqlalchemy.orm import Session

from rapport.domain.enums import DeliveryStatus
from rapport.errors import NotFound
from rapport.services.delivery import output as delivery_output
from rapport.services.delivery.output import Run
from rapport.settings import Settings
from rapport.storage.db import Sessions, execute_counted, reading
from rapport.storage.tables import (
    Contact,
    ContactAltAddress,
    ContactAltAddressDateRange,
    ContactOptOut,
    Delivery,
    InteractionLogEntry,
    LoggedSegment,
    MarketingSetup,
    Salesperson,
    Salutation,
)

PENDING, SENT = DeliveryStatus.PENDING.value, DeliveryStatus.SENT.value
FAILED, SKIPPED = DeliveryStatus.FAILED.value, DeliveryStatus.SKIPPED.value
SENDING = DeliveryStatus.SENDING.value
DEFAULT_RATE = 10.0  # messages per second
CHUNK = 500
ILE = InteractionLogEntry


@dataclass(frozen=True)
class DeliveryResult:
    """What one delivery run did; `documents` are the hard copies it wrote, `archive` the
    zip bundling every hard copy of the logged segment."""

    sent: int
    failed: int
    skipped: int
    documents: list[Path] = field(default_factory=list)
    archive: Path | None = None


@dataclass(frozen=True)
class DeliveryRead:
    entry_no: int
    contact_no: str
    channel: str
    recipient: str
    status: str
    reason: str
    attempts: int
    next_attempt_at: dt.datetime | None
    sent_at: dt.datetime | None


def utcnow() -> dt.datetime:
    return dt.datetime.now(dt.UTC).replace(tzinfo=None)


def _in_logged_segment(entry_no: int) -> Any:
    return Delivery.entry_no.in_(
        select(ILE.entry_no).where(ILE.logged_segment_entry_no == entry_no)
    )


def _due(now: dt.datetime) -> Any:
    return or_(
        Delivery.status == PENDING,
        and_(Delivery.status == FAILED, Delivery.next_attempt_at <= now),
    )


def _check_logged_segment(session: Session, entry_no: int) -> None:
    if session.get(LoggedSegment, entry_no) is None:
        raise NotFound(f"Logged segment {entry_no} does not exist.")


def _mirror(session: Session, entry_nos: Any, status: str) -> None:
    session.execute(update(ILE).where(ILE.entry_no.in_(entry_nos)).values(delivery_status=status))


def _skip(session: Session, segment: int, now: dt.datetime, why: Any, reason: Any) -> int:
    """Mark the due entries of the segment matching `why` skipped with `reason` (set-based)."""
    matching = (
        select(ILE.entry_no)
        .join(Contact, Contact.id == ILE.contact_id)
        .where(ILE.logged_segment_entry_no == segment, why)
    )
    due = and_(Delivery.entry_no.in_(matching), _due(now))
    skipped = select(Delivery.entry_no).where(due)
    _mirror(session, skipped, SKIPPED)
    return execute_counted(
        session,
        update(Delivery).where(due).values(status=SKIPPED, reason=reason, next_attempt_at=None),
    )


def skip_without_consent(session: Session, segment: int, now: dt.datetime) -> int:
    """X7: consent is checked again at delivery, whatever it was when the line was added."""
    rules = [
        (ILE.canceled, literal("the interaction is canceled")),
        (Contact.privacy_blocked, literal("the contact is privacy blocked")),
    ]
    count = sum(_skip(session, segment, now, why, reason) for why, reason in rules)
    # The opt-out depends on each row's channel: one statement per channel in the queue.
    channels = session.scalars(
        select(Delivery.channel).distinct().where(_in_logged_segment(segment), _due(now))
    ).all()
    for channel in channels:
        count += _skip_channel(session, segment, now, channel)
    return count


def _skip_channel(session: Session, segment: int, now: dt.datetime, channel: str) -> int:
    opted_out = select(ContactOptOut.contact_id).where(
        ContactOptOut.contact_id == ILE.contact_id,
        ContactOptOut.correspondence_type == channel,
    )
    label = channel.replace("_", " ")
    due = and_(
        Delivery.channel == channel,
        Delivery.entry_no.in_(
            select(ILE.entry_no).where(ILE.logged_segment_entry_no == segment, opted_out.exists())
        ),
        _due(now),
    )
    _mirror(session, select(Delivery.entry_no).where(due), SKIPPED)
    return execute_counted(
        session,
        update(Delivery)
        .where(due)
        .values(status=SKIPPED, reason=f"the contact opted out of {label}", next_attempt_at=None),
    )


def _merge_query(session: Session, entry_nos: list[int]) -> Any:
    """One row per entry with everything its delivery needs: contact, address, salesperson."""
    rng, alt = ContactAltAddressDateRange, ContactAltAddress
    alt_email = (
        select(alt.email)
        .join(rng, and_(rng.contact_id == alt.contact_id, rng.contact_alt_address_code == alt.code))
        .where(
            rng.contact_id == ILE.contact_id,
            rng.starting_date <= ILE.date,
            or_(rng.ending_date.is_(None), rng.ending_date >= ILE.date),
        )
        .order_by(rng.starting_date.desc())
        .limit(1)
        .correlate(ILE)
        .scalar_subquery()
    )
    default_salutation = session.scalar(select(MarketingSetup.default_salutation_code)) or ""
    salutation_code = case((Contact.salutation != "", Contact.salutation), else_=default_salutation)
    return (
        select(
            ILE.entry_no,
            ILE.date,
            ILE.subject,
            ILE.description,
            ILE.segment_no,
            ILE.attachment_no,
            ILE.send_word_docs_as_attmt,
            ILE.salesperson_code,
            Delivery.channel,
            Contact.no.label("contact_no"),
            Contact.name.label("contact_name"),
            Contact.company_name,
            Contact.email.label("contact_email"),
            Contact.address,
            Contact.post_code,
            Contact.city,
            Contact.country,
            func.coalesce(alt_email, "").label("alt_email"),
            Salesperson.name.label("salesperson_name"),
            Salutation.formal_greeting,
            LoggedSegment.description.label("segment_description"),
        )
        .join(Delivery, Delivery.entry_no == ILE.entry_no)
        .join(Contact, Contact.id == ILE.contact_id)
        .outerjoin(Salesperson, Salesperson.code == ILE.salesperson_code)
        .outerjoin(Salutation, Salutation.code == salutation_code)
        .outerjoin(LoggedSegment, LoggedSegment.entry_no == ILE.logged_segment_entry_no)
        .where(ILE.entry_no.in_(entry_nos))
        .order_by(ILE.entry_no)
    )


def _due_rows(sessions: Sessions, segment: int, now: dt.datetime) -> Iterator[Any]:
    with sessions.begin() as session:
        entry_nos = list(
            session.scalars(
                select(Delivery.entry_no)
                .where(_in_logged_segment(segment), _due(now))
                .order_by(Delivery.entry_no)
            )
        )
    for start in range(0, len(entry_nos), CHUNK):
        with sessions.begin() as session:
            rows = session.execute(_merge_query(session, entry_nos[start : start + CHUNK])).all()
        yield from rows


def deliver(
    sessions: Sessions,
    *,
    logged_segment_entry_no: int,
    settings: Settings,
    output_dir: Path | None = None,
    now: dt.datetime | None = None,
    rate: float | None = None,
    sleep: Callable[[float], None] = time.sleep,
    clock: Callable[[], float] = time.monotonic,
) -> DeliveryResult:
    """L3/X7/X8: deliver the due entries of a logged segment; see the module docstring.

    `rate` is e-mails per second (default `settings.smtp_rate`, RAPPORT_SMTP_RATE); `sleep`
    and `clock` pace them. Missing SMTP settings while e-mail is due → Invalid, and nothing
    is sent or changed.
    """
    at = now or utcnow()
    with sessions.begin() as session:
        _check_logged_segment(session, logged_segment_entry_no)
        run = Run.start(
            sessions,
            due_channels=_due_channels(session, logged_segment_entry_no, at),
            segment=logged_segment_entry_no,
            settings=settings,
            output_dir=output_dir,
        )
        skipped = skip_without_consent(session, logged_segment_entry_no, at)
    run.pace(rate or settings.smtp_rate or DEFAULT_RATE, clock, sleep)
    with run:
        for row in _due_rows(sessions, logged_segment_entry_no, at):
            if run.stopped(row.channel):
                continue
            if claim(sessions, row.entry_no, at):
                outcome = run.deliver_one(row)
                _record(sessions, row.entry_no, outcome, at)
        archive = run.finish()
    return DeliveryResult(
        sent=run.sent,
        failed=run.failed,
        skipped=skipped + run.skipped,
        documents=run.documents,
        archive=archive,
    )


def _due_channels(session: Session, segment: int, now: dt.datetime) -> set[str]:
    return set(
        session.scalars(
            select(Delivery.channel).distinct().where(_in_logged_segment(segment), _due(now))
        )
    )


def claim(sessions: Sessions, entry_no: int, now: dt.datetime) -> bool:
    """Take an entry for sending (committed) unless another run has it or it is done."""
    with sessions.begin() as session:
        claimed = execute_counted(
            session,
            update(Delivery).where(Delivery.entry_no == entry_no, _due(now)).values(status=SENDING),
        )
        if not claimed:
            return False
        _mirror(session, [entry_no], SENDING)
    return True


def _record(
    sessions: Sessions, entry_no: int, outcome: delivery_output.Outcome, now: dt.datetime
) -> None:
    with sessions.begin() as session:
        values: dict[str, Any] = {"status": outcome.status, "reason": outcome.reason}
        if outcome.recipient:
            values["recipient"] = outcome.recipient
        if outcome.status == SENT:
            values.update(sent_at=now, next_attempt_at=None)
        elif outcome.status == FAILED:
            attempts = session.scalar(
                select(Delivery.attempts).where(Delivery.entry_no == entry_no)
            )
            tries = int(attempts or 0)
            values["attempts"] = tries + 1
            values["next_attempt_at"] = (
                now + dt.timedelta(minutes=2 ** min(tries, 10)) if outcome.retry else None
            )
        session.execute(update(Delivery).where(Delivery.entry_no == entry_no).values(**values))
        _mirror(session, [entry_no], outcome.status)


def resend(
    sessions: Sessions,
    *,
    logged_segment_entry_no: int,
    settings: Settings,
    output_dir: Path | None = None,
    now: dt.datetime | None = None,
    include_interrupted: bool = False,
    **pacing: Any,
) -> DeliveryResult:
    """L3 "Resend": requeue every entry of the logged segment not yet sent — failed or
    skipped ones, and interactions with a correspondence type but no queue row — and
    deliver. A 'sent' entry is never sent again; one left 'sending' by a crash only with
    `include_interrupted`."""
    segment = logged_segment_entry_no
    again = [FAILED, SKIPPED, PENDING] + ([SENDING] if include_interrupted else [])
    with sessions.begin() as session:
        _check_logged_segment(session, segment)
        requeue = and_(_in_logged_segment(segment), Delivery.status.in_(again))
        session.execute(
            update(Delivery).where(requeue).values(status=PENDING, reason="", next_attempt_at=None)
        )
        missing = select(ILE.entry_no, ILE.correspondence_type, literal(PENDING)).where(
            ILE.logged_segment_entry_no == segment,
            ILE.correspondence_type != "",
            ~select(Delivery.entry_no).where(Delivery.entry_no == ILE.entry_no).exists(),
        )
        session.execute(insert(Delivery).from_select(["entry_no", "channel", "status"], missing))
        pending = select(Delivery.entry_no).where(
            _in_logged_segment(segment), Delivery.status == PENDING
        )
        _mirror(session, pending, PENDING)
    return deliver(
        sessions,
        logged_segment_entry_no=segment,
        settings=settings,
        output_dir=output_dir,
        now=now,
        **pacing,
    )


def get_deliveries(sessions: Sessions, *, logged_segment_entry_no: int) -> list[DeliveryRead]:
    """Per-recipient delivery status of a logged segment (X8), by entry no."""
    with reading(sessions) as session:
        _check_logged_segment(session, logged_segment_entry_no)
        rows = session.execute(
            select(
                Delivery.entry_no,
                Contact.no.label("contact_no"),
                Delivery.channel,
                Delivery.recipient,
                Delivery.status,
                Delivery.reason,
                Delivery.attempts,
                Delivery.next_attempt_at,
                Delivery.sent_at,
            )
            .join(ILE, ILE.entry_no == Delivery.entry_no)
            .join(Contact, Contact.id == ILE.contact_id)
            .where(ILE.logged_segment_entry_no == logged_segment_entry_no)
            .order_by(Delivery.entry_no)
        ).all()
    return [DeliveryRead(**row._asdict()) for row in rows]
