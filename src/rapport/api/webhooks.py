"""Webhooks over HTTP (admin; X9): register a URL for events, list, remove.

Each event is POSTed as `{"id", "type", "created", "data"}` with the headers
`Rapport-Event-Id` and `Rapport-Signature: t=<unix time>,v1=<hex HMAC-SHA256(secret,
"<t>.<body>")>`; the secret is answered once, when the webhook is made.
"""

from __future__ import annotations

import dataclasses
from typing import Literal

from fastapi import Response
from pydantic import BaseModel, Field

from rapport.api.pages import Page, RequestBody, RowId, Timestamp
from rapport.server.guard import Context, Who
from rapport.server.routers import api_router
from rapport.services.webhooks import subscriptions
from rapport.services.webhooks.outbox import EVENT_TYPES

router = api_router(tags=["webhooks"])
EventType = Literal["segment.changed", "segment.logged", "delivery.finished"]


class WebhookCreate(RequestBody):
    url: str = Field(max_length=500, examples=["https://example.com/rapport-events"])
    events: list[EventType] = Field(min_length=1, examples=[list(EVENT_TYPES)])


class WebhookRead(BaseModel):
    id: int
    url: str
    events: list[str]
    created_at: Timestamp
    created_by: str


class NewWebhook(BaseModel):
    id: int
    url: str
    events: list[str]
    secret: str = Field(description="Signs every POST; shown once.")


@router.post("/webhooks", summary="Register a webhook", status_code=201, response_model=NewWebhook)
def add_webhook(body: WebhookCreate, ctx: Context, who: Who) -> NewWebhook:
    made = subscriptions.add_webhook(
        ctx.sessions, url=body.url, events=list(body.events), by=who.account.name
    )
    return NewWebhook(**dataclasses.asdict(made))


@router.get(
    "/webhooks", summary="Every webhook (never its secret)", response_model=Page[WebhookRead]
)
def list_webhooks(ctx: Context) -> Page[WebhookRead]:
    rows = subscriptions.get_all(ctx.sessions)
    return Page(items=[WebhookRead(**dataclasses.asdict(row)) for row in rows])


@router.delete("/webhooks/{webhook_id}", summary="Remove a webhook", status_code=204)
def delete_webhook(webhook_id: RowId, ctx: Context) -> Response:
    subscriptions.delete(ctx.sessions, webhook_id)
    return Response(status_code=204)
