"""Sending what the outbox holds: each due delivery is claimed (its next attempt moved past
the time a POST may take), POSTed with its signature, and marked delivered or given its
next attempt after an exponential back-off (`base × 2^attempts`). Every attempt is logged.

The signature follows Stripe's scheme: `Rapport-Signature: t=<unix time>,v1=<hex
HMAC-SHA256(secret, "<t>.<body>")>`; `Rapport-Event-Id` carries the event id, which a
receiver uses to de-duplicate (a claim that outlived a crash can send an event twice).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import json
import time
from dataclasses import dataclass

import httpx
from sqlalchemy import select, update

from rapport.domain.dates import in_utc
from rapport.services.webhooks.outbox import utcnow
from rapport.storage.db import Sessions
from rapport.storage.tables import OutboxEvent, Webhook, WebhookAttempt, WebhookDelivery

MAX_ATTEMPTS = 12
CLAIM_SECONDS = 60
TIMEOUT_SECONDS = 10.0


@dataclass(frozen=True)
class _Due:
    delivery_id: int
    attempts: int
    url: str
    secret: str
    body: bytes
    event_id: str


def signature(secret: str, timestamp: int, body: bytes) -> str:
    """The `Rapport-Signature` header's value for `body` sent at `timestamp`."""
    signed = f"{timestamp}.".encode() + body
    digest = hmac.new(secret.encode(), signed, hashlib.sha256).hexdigest()
    return f"t={timestamp},v1={digest}"


def _claim(sessions: Sessions, now: dt.datetime, limit: int) -> list[_Due]:
    query = (
        select(WebhookDelivery, OutboxEvent, Webhook)
        .join(OutboxEvent, OutboxEvent.id == WebhookDelivery.event_id)
        .join(Webhook, Webhook.id == WebhookDelivery.webhook_id)
        .where(
            WebhookDelivery.delivered_at.is_(None),
            WebhookDelivery.attempts < MAX_ATTEMPTS,
            WebhookDelivery.next_attempt_at <= now,
        )
        .order_by(WebhookDelivery.next_attempt_at, WebhookDelivery.id)
        .limit(limit)
    )
    due = []
    with sessions.begin() as session:
        for delivery, event, webhook in session.execute(query):
            body = {
                "id": event.id,
                "type": event.type,
                "created": in_utc(event.created_at).isoformat(),
                "data": json.loads(event.data),
            }
            due.append(
                _Due(
                    delivery.id,
                    delivery.attempts,
                    webhook.url,
                    webhook.secret,
                    json.dumps(body, ensure_ascii=False).encode(),
                    event.id,
                )
            )
        if due:
            session.execute(
                update(WebhookDelivery)
                .where(WebhookDelivery.id.in_([d.delivery_id for d in due]))
                .values(next_attempt_at=now + dt.timedelta(seconds=CLAIM_SECONDS))
            )
    return due


def _post(client: httpx.Client, due: _Due) -> tuple[int | None, str]:
    timestamp = int(time.time())
    headers = {
        "content-type": "application/json",
        "rapport-event-id": due.event_id,
        "rapport-signature": signature(due.secret, timestamp, due.body),
        "user-agent": "Rapport-Webhooks",
    }
    try:
        answer = client.post(due.url, content=due.body, headers=headers)
    except httpx.HTTPError as exc:
        return None, f"{type(exc).__name__}: {exc}"[:250]
    return answer.status_code, "" if answer.is_success else f"HTTP {answer.status_code}"


def _mark(sessions: Sessions, due: _Due, status: int | None, error: str, backoff: float) -> None:
    now = utcnow()
    attempts = due.attempts + 1
    values: dict[str, object] = {"attempts": attempts, "last_status": status, "last_error": error}
    if not error:
        values["delivered_at"] = now
    else:
        values["next_attempt_at"] = now + dt.timedelta(seconds=backoff * 2 ** (attempts - 1))
    with sessions.begin() as session:
        session.add(WebhookAttempt(delivery_id=due.delivery_id, at=now, status=status, error=error))
        session.execute(
            update(WebhookDelivery).where(WebhookDelivery.id == due.delivery_id).values(**values)
        )


def send_due(sessions: Sessions, *, backoff: float, limit: int = 50) -> int:
    """POST every delivery that is due (at most `limit`); returns how many were delivered."""
    due = _claim(sessions, utcnow(), limit)
    delivered = 0
    with httpx.Client(timeout=TIMEOUT_SECONDS, follow_redirects=False) as client:
        for item in due:
            status, error = _post(client, item)
            _mark(sessions, item, status, error, backoff)
            delivered += not error
    return delivered
