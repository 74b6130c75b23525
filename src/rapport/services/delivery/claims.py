"""The states of a delivery queue row and its moves between them (X8), each committed alone.

pending → sending (a *claim*, held for `LEASE`) → sent | failed | skipped. Just before an
e-mail goes to the SMTP server the claim is marked *handed off*. A claim whose lease has
run out was interrupted (the process killed, the disk full): `reclaim_expired` puts it back
to pending when it never reached the server, and to 'uncertain' when it may have — an
uncertain entry is sent again only when the user asks for it, since it may have arrived.
A hard copy is never handed off: writing it again only overwrites the same file.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass, fields
from typing import TYPE_CHECKING, Any

from sqlalchemy import and_, func, or_, select, update

from rapport.domain.enums import DeliveryStatus
from rapport.errors import N_, Invalid
from rapport.storage import schema
from rapport.storage.db import execute_counted

if TYPE_CHECKING:
    from rapport.storage.db import Db, Sessions

PENDING, SENT = DeliveryStatus.PENDING.value, DeliveryStatus.SENT.value
FAILED, SKIPPED = DeliveryStatus.FAILED.value, DeliveryStatus.SKIPPED.value
SENDING, UNCERTAIN = DeliveryStatus.SENDING.value, DeliveryStatus.UNCERTAIN.value
# Far longer than one entry can take (two SMTP attempts of 30 s each, or one document).
LEASE = dt.timedelta(minutes=10)
UNCERTAIN_REASON = (
    "the delivery was interrupted after the message was handed to the mail server: "
    "it may have been sent"
)
deliveries = schema.deliveries
entries = schema.interaction_log_entries


@dataclass(frozen=True)
class Outcome:
    """How one entry ended: 'sent', 'failed' (retried later when `retry`) or 'skipped'."""

    status: str
    reason: str = ""
    recipient: str = ""
    retry: bool = False


@dataclass(frozen=True)
class DeliveryCounts:
    """How many entries of a logged segment are in each delivery state (L3, X8)."""

    pending: int = 0
    sending: int = 0
    sent: int = 0
    failed: int = 0
    skipped: int = 0
    uncertain: int = 0


STATES = tuple(state.name for state in fields(DeliveryCounts))


def queue_states(given: Iterable[str]) -> tuple[str, ...]:
    """The delivery states `given` names (a filter of the recipients), each one of the
    queue's (pending, sending, sent, failed, skipped, uncertain, in any case); Invalid
    naming `status` for one that is not."""
    states: dict[str, None] = {}
    for value in given:
        state = value.strip().lower()
        if state not in STATES:
            raise Invalid(
                N_(
                    "{value!r} is not a delivery state: {choices}",
                    value=value,
                    choices=", ".join(STATES),
                ),
                field="status",
            )
        states[state] = None
    return tuple(states)


def utcnow() -> dt.datetime:
    return dt.datetime.now(dt.UTC).replace(tzinfo=None)


def in_logged_segment(entry_no: int) -> Any:
    return deliveries.c.entry_no.in_(
        select(entries.c.entry_no).where(entries.c.logged_segment_entry_no == entry_no)
    )


def due(now: dt.datetime) -> Any:
    """Entries a run may claim: pending ones, and failed ones whose retry time has come."""
    return or_(
        deliveries.c.status == PENDING,
        and_(deliveries.c.status == FAILED, deliveries.c.next_attempt_at <= now),
    )


def mirror(session: Db, entry_nos: Any, status: str) -> None:
    """The interaction's `delivery_status` follows its queue row."""
    session.execute(
        update(entries).where(entries.c.entry_no.in_(entry_nos)).values(delivery_status=status)
    )


def claim(sessions: Sessions, entry_no: int, now: dt.datetime) -> bool:
    """Take a due entry for sending, with a lease (committed); False when another run has
    it or it is done."""
    with sessions.begin() as session:
        claimed = execute_counted(
            session,
            update(deliveries)
            .where(deliveries.c.entry_no == entry_no, due(now))
            .values(status=SENDING, claimed_until=now + LEASE, handed_off_at=None),
        )
        if not claimed:
            return False
        mirror(session, [entry_no], SENDING)
    return True


def hand_off(sessions: Sessions, entry_no: int, now: dt.datetime) -> None:
    """Mark the claim as about to reach the mail server (committed before the message goes)."""
    with sessions.begin() as session:
        session.execute(
            update(deliveries)
            .where(deliveries.c.entry_no == entry_no, deliveries.c.status == SENDING)
            .values(handed_off_at=now)
        )


def record(sessions: Sessions, entry_no: int, outcome: Outcome, now: dt.datetime) -> None:
    """Close a claim with its outcome; a failure counts an attempt and, when transient, is
    due again after 1 min × 2^attempts."""
    with sessions.begin() as session:
        values: dict[str, Any] = {
            "status": outcome.status,
            "reason": outcome.reason,
            "claimed_until": None,
        }
        if outcome.recipient:
            values["recipient"] = outcome.recipient
        if outcome.status == SENT:
            values.update(sent_at=now, next_attempt_at=None)
        elif outcome.status == FAILED:
            attempts = session.scalar(
                select(deliveries.c.attempts).where(deliveries.c.entry_no == entry_no)
            )
            tries = int(attempts or 0)
            values["attempts"] = tries + 1
            values["next_attempt_at"] = (
                now + dt.timedelta(minutes=2 ** min(tries, 10)) if outcome.retry else None
            )
        session.execute(
            update(deliveries).where(deliveries.c.entry_no == entry_no).values(**values)
        )
        mirror(session, [entry_no], outcome.status)


def reclaim_expired(session: Db, segment: int, now: dt.datetime) -> None:
    """Claims of the logged segment whose lease has run out: back to pending when the
    message never reached the mail server, 'uncertain' when it may have."""
    expired = and_(
        in_logged_segment(segment),
        deliveries.c.status == SENDING,
        or_(deliveries.c.claimed_until.is_(None), deliveries.c.claimed_until <= now),
    )
    for reached, status, reason in (
        (deliveries.c.handed_off_at.is_not(None), UNCERTAIN, UNCERTAIN_REASON),
        (deliveries.c.handed_off_at.is_(None), PENDING, ""),
    ):
        rows = and_(expired, reached)
        mirror(session, select(deliveries.c.entry_no).where(rows), status)
        session.execute(
            update(deliveries)
            .where(rows)
            .values(status=status, reason=reason, claimed_until=None, next_attempt_at=None)
        )


def count_states(session: Db, segment: int) -> DeliveryCounts:
    """The delivery states of a logged segment's queue, counted in one query."""
    rows = session.execute(
        select(deliveries.c.status, func.count())
        .where(in_logged_segment(segment))
        .group_by(deliveries.c.status)
    ).all()
    found = {str(status): int(count) for status, count in rows}
    return DeliveryCounts(**{f.name: found.get(f.name, 0) for f in fields(DeliveryCounts)})
