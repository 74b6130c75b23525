"""Registering webhooks (admin): a URL and the event types it wants; the signing secret is
answered once, when the webhook is made."""

from __future__ import annotations

import datetime as dt
import secrets
from dataclasses import dataclass
from urllib.parse import urlsplit

from sqlalchemy import select

from rapport.domain.codes import may_name_a_row
from rapport.errors import N_, Invalid, NotFound
from rapport.services.webhooks.outbox import EVENT_TYPES, utcnow
from rapport.storage.db import Sessions, reading
from rapport.storage.tables import Webhook


@dataclass(frozen=True)
class WebhookRead:
    id: int
    url: str
    events: list[str]
    created_at: dt.datetime
    created_by: str


@dataclass(frozen=True)
class NewWebhook:
    id: int
    url: str
    events: list[str]
    secret: str


def _checked_url(url: str) -> str:
    url = url.strip()
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname or len(url) > 500:
        raise Invalid(N_("{url!r} is not an http(s) URL", url=url), field="url")
    return url


def _checked_events(events: list[str]) -> list[str]:
    if not events:
        raise Invalid(N_("name at least one event type"), field="events")
    unknown = [event for event in events if event not in EVENT_TYPES]
    if unknown:
        raise Invalid(
            N_(
                "unknown event type {event!r} (one of {types})",
                event=unknown[0],
                types=", ".join(EVENT_TYPES),
            ),
            field="events",
        )
    return sorted(set(events), key=EVENT_TYPES.index)


def add_webhook(sessions: Sessions, *, url: str, events: list[str], by: str) -> NewWebhook:
    """X9: register `url` for `events`, made by the user `by`; the answer holds the signing
    secret, once."""
    checked_url, checked_events = _checked_url(url), _checked_events(events)
    secret = "whsec_" + secrets.token_urlsafe(32)
    with sessions.begin() as session:
        row = Webhook(
            url=checked_url,
            events=",".join(checked_events),
            secret=secret,
            created_at=utcnow().replace(microsecond=0),
            created_by=by[:50],
        )
        session.add(row)
        session.flush()
        return NewWebhook(id=row.id, url=row.url, events=checked_events, secret=secret)


def get_all(sessions: Sessions) -> list[WebhookRead]:
    with reading(sessions) as session:
        return [
            WebhookRead(
                id=row.id,
                url=row.url,
                events=row.events.split(","),
                created_at=row.created_at,
                created_by=row.created_by,
            )
            for row in session.scalars(select(Webhook).order_by(Webhook.id))
        ]


def delete(sessions: Sessions, webhook_id: int) -> None:
    """Remove a webhook and what it had still to receive."""
    with sessions.begin() as session:
        row = session.get(Webhook, webhook_id) if may_name_a_row(webhook_id) else None
        if row is None:
            raise NotFound(N_("there is no webhook {webhook_id}", webhook_id=webhook_id))
        session.delete(row)
