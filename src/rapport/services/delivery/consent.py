"""Consent checked again at delivery (X7), set-based: whatever it was when the line was
added, a canceled interaction, a privacy-blocked contact or one who opted out of the entry's
correspondence type is not delivered, and its queue row says why ('skipped')."""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import and_, select, update
from sqlalchemy.orm import Session

from rapport.services.delivery.claims import SKIPPED, due, in_logged_segment, mirror
from rapport.storage import schema
from rapport.storage.db import execute_counted

entries, contacts, deliveries = schema.interaction_log_entries, schema.contacts, schema.deliveries

CANCELED = "the interaction is canceled"
PRIVACY_BLOCKED = "the contact is privacy blocked"


def opted_out_reason(channel: str) -> str:
    return f"the contact opted out of {channel.replace('_', ' ')}"


def _skip(
    session: Session, segment: int, now: dt.datetime, why: Any, reason: str, *channel: Any
) -> int:
    """Mark the due entries of the segment matching `why` (on `channel`) skipped."""
    matching = (
        select(entries.c.entry_no)
        .join(contacts, contacts.c.id == entries.c.contact_id)
        .where(entries.c.logged_segment_entry_no == segment, why)
    )
    rows = and_(deliveries.c.entry_no.in_(matching), due(now), *channel)
    mirror(session, select(deliveries.c.entry_no).where(rows), SKIPPED)
    return execute_counted(
        session,
        update(deliveries).where(rows).values(status=SKIPPED, reason=reason, next_attempt_at=None),
    )


def skip_without_consent(session: Session, segment: int, now: dt.datetime) -> int:
    """X7: skip the due entries without consent; returns how many."""
    rules = [(entries.c.canceled, CANCELED), (contacts.c.privacy_blocked, PRIVACY_BLOCKED)]
    count = sum(_skip(session, segment, now, why, reason) for why, reason in rules)
    # The opt-out depends on each row's channel: one statement per channel in the queue.
    channels = session.scalars(
        select(deliveries.c.channel).distinct().where(in_logged_segment(segment), due(now))
    ).all()
    for channel in channels:
        opted_out = select(schema.contact_opt_outs.c.contact_id).where(
            schema.contact_opt_outs.c.contact_id == entries.c.contact_id,
            schema.contact_opt_outs.c.correspondence_type == channel,
        )
        reason = opted_out_reason(channel)
        count += _skip(
            session, segment, now, opted_out.exists(), reason, deliveries.c.channel == channel
        )
    return count
