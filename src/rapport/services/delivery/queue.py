"""Delivering a logged segment's interactions (L3, X7, X8): e-mail and hard copies.

Logging puts one `deliveries` row per interaction to deliver ('pending') and commits;
delivery then works through the queue of one logged segment, *committing per entry*, so a
failed e-mail never loses a log entry and a crash loses at most the entry in flight:

1. consent first (X7), set-based: a canceled interaction, a privacy-blocked contact or one
   who opted out of the entry's correspondence type → 'skipped' with the reason;
2. each due entry ('pending', or 'failed' whose `next_attempt_at` has come) is *claimed*
   ('sending', committed, with a lease) before anything goes out, marked *handed off* just
   before an e-mail goes to the server, then marked 'sent' with `sent_at`. A re-run or a
   resend never touches an entry already 'sent' or being sent, so nothing is sent twice;
3. a failure → 'failed' with the reason and `attempts` + 1; a transient one (the server
   busy or unreachable) is retried by a later run once `next_attempt_at` (1 min × 2^n)
   has come, a permanent one (no Word template for a hard copy, a 5xx refusal) only by an
   explicit resend; a contact without an e-mail address is 'skipped' with that reason;
4. e-mail goes out at most `rate` messages per second;
5. when the run ends, a `delivery.finished` webhook event (X9) reports what it did and the
   states of the whole queue.

The interaction's `delivery_status` mirrors its queue row: pending, sending, sent, failed,
skipped or uncertain. Rapport keeps 'sent' where Business Central blanks the field after
success, so a list of interactions tells delivered ones from never-delivered ones. A claim
whose lease ran out (the process killed) is picked up by `resend`: sent again when it never
reached the mail server, 'uncertain' when it may have (`claims` module).
"""

from __future__ import annotations

import datetime as dt
import time
from collections.abc import Callable, Collection, Iterator
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sqlalchemy import and_, func, insert, literal, select, update
from sqlalchemy.orm import Session

from rapport.services._logged import check_logged_segment
from rapport.services.delivery.claims import (
    FAILED,
    PENDING,
    SKIPPED,
    UNCERTAIN,
    claim,
    count_states,
    due,
    hand_off,
    in_logged_segment,
    mirror,
    queue_states,
    reclaim_expired,
    record,
    utcnow,
)
from rapport.services.delivery.consent import skip_without_consent
from rapport.services.delivery.merging import MergeSource, merge_select
from rapport.services.delivery.output import Run
from rapport.services.webhooks.outbox import DELIVERY_FINISHED, emit
from rapport.settings import Settings
from rapport.storage.db import Sessions, reading
from rapport.storage.tables import Contact, Delivery, LoggedSegment
from rapport.storage.tables import InteractionLogEntry as ILE

if TYPE_CHECKING:
    from rapport.storage.db import Db

DEFAULT_RATE = 10.0  # messages per second
CHUNK = 500


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
    contact_name: str
    channel: str
    recipient: str
    status: str
    reason: str
    attempts: int
    next_attempt_at: dt.datetime | None
    sent_at: dt.datetime | None


def _merge_query(session: Session, entry_nos: list[int]) -> Any:
    """One row per entry with everything its delivery needs: contact, address, salesperson."""
    rows = ILE.__table__.join(Delivery, Delivery.entry_no == ILE.entry_no).outerjoin(
        LoggedSegment, LoggedSegment.entry_no == ILE.logged_segment_entry_no
    )
    source = MergeSource(
        rows=rows,
        correlate=ILE,
        entry_no=ILE.entry_no,
        date=ILE.date,
        subject=ILE.subject,
        description=ILE.description,
        segment_no=ILE.segment_no,
        attachment_no=ILE.attachment_no,
        send_word_docs_as_attmt=ILE.send_word_docs_as_attmt,
        salesperson_code=ILE.salesperson_code,
        channel=Delivery.channel,
        contact_id=ILE.contact_id,
        segment_description=LoggedSegment.description,
        language_code=ILE.interaction_language_code,
    )
    return merge_select(session, source).where(ILE.entry_no.in_(entry_nos)).order_by(ILE.entry_no)


def _due_rows(sessions: Sessions, segment: int, now: dt.datetime) -> Iterator[Any]:
    with sessions.begin() as session:
        entry_nos = list(
            session.scalars(
                select(Delivery.entry_no)
                .where(in_logged_segment(segment), due(now))
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
    on_progress: Callable[[int, int], None] | None = None,
) -> DeliveryResult:
    """L3/X7/X8: deliver the due entries of a logged segment; see the module docstring.

    `rate` is e-mails per second (default `settings.smtp_rate`, RAPPORT_SMTP_RATE); `sleep`
    and `clock` pace them, and time the leases from `now`. Missing SMTP settings while
    e-mail is due → Invalid, and nothing is sent or changed. `on_progress(done, total)` is
    told after each entry how many of the entries due when the run began it has handled.
    """
    at, started = now or utcnow(), clock()

    def current() -> dt.datetime:
        return at + dt.timedelta(seconds=clock() - started)

    with sessions.begin() as session:
        check_logged_segment(session, logged_segment_entry_no)
        run = Run.start(
            sessions,
            due_channels=_due_channels(session, logged_segment_entry_no, at),
            segment=logged_segment_entry_no,
            settings=settings,
            output_dir=output_dir,
        )
        skipped = skip_without_consent(session, logged_segment_entry_no, at)
        total = _due_count(session, logged_segment_entry_no, at) if on_progress else 0
    handled = 0
    run.pace(rate or settings.smtp_rate or DEFAULT_RATE, clock, sleep)
    run.on_hand_off = lambda entry_no: hand_off(sessions, entry_no, current())
    with run:
        for row in _due_rows(sessions, logged_segment_entry_no, at):
            if run.stopped(row.channel):
                continue
            if claim(sessions, row.entry_no, current()):
                outcome = run.deliver_one(row)
                record(sessions, row.entry_no, outcome, at)
            handled += 1
            if on_progress:
                on_progress(handled, total)
        archive = run.finish()
    done = DeliveryResult(
        sent=run.sent,
        failed=run.failed,
        skipped=skipped + run.skipped,
        documents=run.documents,
        archive=archive,
    )
    _finished(sessions, logged_segment_entry_no, done)
    return done


def _finished(sessions: Sessions, segment: int, done: DeliveryResult) -> None:
    """X9: the end of a delivery run as a `delivery.finished` event."""
    with sessions.begin() as session:
        states = count_states(session, segment)
        data = {"logged_segment": segment, "sent": done.sent, "failed": done.failed}
        emit(
            session, DELIVERY_FINISHED, {**data, "skipped": done.skipped, "states": asdict(states)}
        )


def _due_count(session: Session, segment: int, now: dt.datetime) -> int:
    due_now = select(func.count()).select_from(Delivery).where(in_logged_segment(segment), due(now))
    return int(session.scalar(due_now) or 0)


def _due_channels(session: Session, segment: int, now: dt.datetime) -> set[str]:
    return set(
        session.scalars(
            select(Delivery.channel).distinct().where(in_logged_segment(segment), due(now))
        )
    )


def resend(
    sessions: Sessions,
    *,
    logged_segment_entry_no: int,
    settings: Settings,
    output_dir: Path | None = None,
    now: dt.datetime | None = None,
    include_uncertain: bool = False,
    correspondence_type: str = "",
    **pacing: Any,
) -> DeliveryResult:
    """L3 "Resend": `requeue` the entries of the logged segment not yet sent (committed),
    then deliver them."""
    segment, at = logged_segment_entry_no, now or utcnow()
    with sessions.begin() as session:
        check_logged_segment(session, segment)
        requeue(
            session,
            segment,
            now=at,
            include_uncertain=include_uncertain,
            correspondence_type=correspondence_type,
        )
    return deliver(
        sessions,
        logged_segment_entry_no=segment,
        settings=settings,
        output_dir=output_dir,
        now=at,
        **pacing,
    )


def requeue(
    session: Db,
    segment: int,
    *,
    now: dt.datetime,
    include_uncertain: bool = False,
    correspondence_type: str = "",
) -> int:
    """L3 "Resend", in the caller's transaction: every entry of logged segment `segment` not
    yet sent is pending again — failed or skipped ones, claims whose lease ran out before
    the message reached the mail server, and interactions with a correspondence type but no
    queue row. A 'sent' entry never is; an 'uncertain' one (interrupted after the hand-off,
    so it may have arrived) only with `include_uncertain`. With a `correspondence_type`
    (BC's Resend option; blank: the same as the entry's) the pending entries go that way
    instead, their interactions saying so. Returns how many entries are pending."""
    again = [FAILED, SKIPPED, PENDING] + ([UNCERTAIN] if include_uncertain else [])
    reclaim_expired(session, segment, now)
    requeued = and_(in_logged_segment(segment), Delivery.status.in_(again))
    session.execute(
        update(Delivery).where(requeued).values(status=PENDING, reason="", next_attempt_at=None)
    )
    missing = select(ILE.entry_no, ILE.correspondence_type, literal(PENDING)).where(
        ILE.logged_segment_entry_no == segment,
        ILE.correspondence_type != "",
        ~select(Delivery.entry_no).where(Delivery.entry_no == ILE.entry_no).exists(),
    )
    session.execute(insert(Delivery).from_select(["entry_no", "channel", "status"], missing))
    pending = select(Delivery.entry_no).where(
        in_logged_segment(segment), Delivery.status == PENDING
    )
    if correspondence_type:
        changed = Delivery.entry_no.in_(pending.scalar_subquery())
        session.execute(update(Delivery).where(changed).values(channel=correspondence_type))
        session.execute(
            update(ILE)
            .where(ILE.entry_no.in_(pending.scalar_subquery()))
            .values(correspondence_type=correspondence_type)
        )
    mirror(session, pending, PENDING)
    counted = select(func.count()).select_from(pending.subquery())
    return int(session.scalar(counted) or 0)


def get_deliveries(
    sessions: Sessions,
    *,
    logged_segment_entry_no: int,
    after: int | None = None,
    limit: int | None = None,
    statuses: Collection[str] = (),
) -> list[DeliveryRead]:
    """Per-recipient delivery status of a logged segment (X8), by entry no.: the first
    `limit` of them after the entry no. `after` (a keyset page) when given; only those in
    one of `statuses` when given (Invalid naming `status` for one that is not a state)."""
    states = queue_states(statuses)
    with reading(sessions) as session:
        check_logged_segment(session, logged_segment_entry_no)
        return read_deliveries(
            session, logged_segment_entry_no, after=after, limit=limit, statuses=states
        )


def stream_deliveries(
    sessions: Sessions, *, logged_segment_entry_no: int, statuses: Collection[str] = ()
) -> Iterator[DeliveryRead]:
    """Every recipient of a logged segment with its delivery status (X8), by entry no.,
    streamed from a server-side cursor so that a log of 100,000 interactions is never in
    memory at once; only those in one of `statuses` when given. The logged segment is
    looked up when the first row is asked for (the states are checked before)."""
    states = queue_states(statuses)

    def rows() -> Iterator[DeliveryRead]:
        with reading(sessions) as session:
            check_logged_segment(session, logged_segment_entry_no)
            query = _deliveries(logged_segment_entry_no, states)
            for row in session.execute(query.execution_options(yield_per=2000)):
                yield DeliveryRead(**row._mapping)

    return rows()


def read_deliveries(
    session: Session,
    segment: int,
    *,
    after: int | None = None,
    limit: int | None = None,
    statuses: Collection[str] = (),
) -> list[DeliveryRead]:
    """The queue rows of a logged segment with their contact, by entry no. (the first
    `limit` after the entry no. `after`; only those in `statuses`, already checked, when
    given)."""
    query = _deliveries(segment, statuses)
    if after is not None:
        query = query.where(Delivery.entry_no > after)
    return [DeliveryRead(**row._mapping) for row in session.execute(query.limit(limit))]


def _deliveries(segment: int, statuses: Collection[str] = ()) -> Any:
    query = (
        select(
            Delivery.entry_no,
            Contact.no.label("contact_no"),
            Contact.name.label("contact_name"),
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
        .where(ILE.logged_segment_entry_no == segment)
        .order_by(Delivery.entry_no)
    )
    return query.where(Delivery.status.in_(sorted(statuses))) if statuses else query
