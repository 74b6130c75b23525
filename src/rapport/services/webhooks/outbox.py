"""The outbox: one event row per change, and one delivery row per webhook that wants it,
written inside the caller's transaction (so a change that rolls back sends nothing)."""

from __future__ import annotations

import datetime as dt
import json
import uuid
from typing import TYPE_CHECKING, Any

from sqlalchemy import insert, literal, select

from rapport.storage import schema

if TYPE_CHECKING:
    from rapport.storage.db import Db

webhooks = schema.webhooks

SEGMENT_CHANGED = "segment.changed"
SEGMENT_LOGGED = "segment.logged"
DELIVERY_FINISHED = "delivery.finished"
EVENT_TYPES = (SEGMENT_CHANGED, SEGMENT_LOGGED, DELIVERY_FINISHED)


def utcnow() -> dt.datetime:
    return dt.datetime.now(dt.UTC).replace(tzinfo=None)


def _wanting(event_type: str) -> Any:
    return ("," + webhooks.c.events + ",").like(f"%,{event_type},%")


def wanted(session: Db, event_type: str) -> bool:
    """Whether any webhook wants events of `event_type` (a change may skip counting what
    nobody will receive)."""
    return session.scalar(select(webhooks.c.id).where(_wanting(event_type)).limit(1)) is not None


def emit(session: Db, event_type: str, data: dict[str, Any]) -> str:
    """Record an event and queue it for every webhook registered for its type; returns the
    event id (receivers de-duplicate by it). An event no webhook wants is not stored: a
    webhook registered later receives what happens from then on."""
    if event_type not in EVENT_TYPES:
        raise ValueError(f"unknown event type {event_type!r}")
    event_id = f"evt_{uuid.uuid4().hex}"
    if not wanted(session, event_type):
        return event_id
    now = utcnow()
    session.execute(
        insert(schema.outbox_events).values(
            id=event_id,
            type=event_type,
            created_at=now,
            data=json.dumps(data, default=str, ensure_ascii=False),
        )
    )
    session.execute(
        insert(schema.webhook_deliveries).from_select(
            ["event_id", "webhook_id", "attempts", "next_attempt_at", "last_error"],
            select(literal(event_id), webhooks.c.id, literal(0), literal(now), literal("")).where(
                _wanting(event_type)
            ),
        )
    )
    return event_id
