"""Webhooks (X9): the outbox is written in the change's transaction, each event is POSTed
to a real loopback receiver with a verifiable signature and an event id, retried with
back-off, each attempt logged; a change that rolls back sends nothing; events left by a
stopped server are sent by the next one."""

from __future__ import annotations

import hashlib
import hmac

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select

from rapport.app import create_app
from rapport.errors import N_, NotFound
from rapport.services.webhooks import dispatch, outbox, subscriptions
from rapport.settings import Settings
from rapport.storage.tables import WebhookAttempt, WebhookDelivery
from tests.api.conftest import problem_of
from tests.api.receiver import receiver


def verify(secret: str, header: str, raw: bytes) -> bool:
    """What a receiver does: recompute the HMAC over "<t>.<body>" and compare."""
    parts = dict(item.split("=", 1) for item in header.split(","))
    expected = hmac.new(secret.encode(), f"{parts['t']}.".encode() + raw, hashlib.sha256)
    return hmac.compare_digest(expected.hexdigest(), parts["v1"])


def test_an_admin_registers_a_webhook_and_gets_its_secret_once(client_as):
    admin = client_as("admin")
    made = admin.post(
        "/api/webhooks", json={"url": "http://127.0.0.1:9/h", "events": ["segment.changed"]}
    )
    assert made.status_code == 201
    assert made.json()["secret"].startswith("whsec_")
    listed = admin.get("/api/webhooks").json()["items"]
    assert listed[0]["events"] == ["segment.changed"]
    assert "secret" not in listed[0]


def test_x9_a_webhook_is_made_by_the_signed_in_user_and_an_unknown_one_is_a_404(
    client_as, users, sessions
):
    admin = client_as("admin")
    made = admin.post(
        "/api/webhooks", json={"url": "http://127.0.0.1:9/h", "events": ["segment.changed"]}
    ).json()
    [listed] = admin.get("/api/webhooks").json()["items"]
    assert listed["created_by"] == users["admin"].name
    assert admin.delete(f"/api/webhooks/{made['id']}").status_code == 204
    gone = problem_of(admin.delete(f"/api/webhooks/{made['id']}"), 404)
    assert gone["detail"] == f"there is no webhook {made['id']}"
    with pytest.raises(NotFound) as raised:
        subscriptions.delete(sessions, 999)
    assert raised.value.texts == (N_("there is no webhook {webhook_id}", webhook_id=999),)


@pytest.mark.parametrize(
    "body",
    [
        {"url": "ftp://x/", "events": ["segment.changed"]},
        {"url": "http://127.0.0.1/h", "events": ["segment.exploded"]},
        {"url": "http://127.0.0.1/h", "events": []},
    ],
)
def test_a_bad_webhook_is_a_422_naming_the_field(client_as, body):
    answer = client_as("admin").post("/api/webhooks", json=body)
    assert answer.status_code == 422
    assert answer.json()["errors"][0]["field"].split(".")[0] in ("url", "events")


def emit_then_fail(sessions):
    with sessions.begin() as session:
        outbox.emit(session, "segment.changed", {"segment": "SEG00001", "rolled": "back"})
        raise RuntimeError("the change fails after the event was written")


def test_a_committed_event_is_posted_signed_and_a_rolled_back_one_is_not(sessions):
    with receiver() as hook:
        made = subscriptions.add_webhook(
            sessions, url=hook.url, events=["segment.changed"], by="ADMIN"
        )
        with pytest.raises(RuntimeError, match="fails after"):
            emit_then_fail(sessions)
        with sessions.begin() as session:
            event_id = outbox.emit(session, "segment.changed", {"segment": "SEG00001"})
            outbox.emit(session, "segment.logged", {"segment": "SEG00001"})  # not subscribed
        assert dispatch.send_due(sessions, backoff=0.1) == 1
        (got,) = hook.wait_for(1)
    assert got.headers["rapport-event-id"] == event_id
    assert verify(made.secret, got.headers["rapport-signature"], got.raw)
    assert not verify("another secret", got.headers["rapport-signature"], got.raw)
    assert got.body["id"] == event_id
    assert got.body["type"] == "segment.changed"
    assert got.body["data"] == {"segment": "SEG00001"}
    assert set(got.body) == {"id", "type", "created", "data"}


def test_a_failed_post_is_retried_with_back_off_and_every_attempt_is_logged(sessions):
    with receiver() as hook:
        hook.statuses = [500, 503]
        subscriptions.add_webhook(sessions, url=hook.url, events=["delivery.finished"], by="ADMIN")
        with sessions.begin() as session:
            event_id = outbox.emit(session, "delivery.finished", {"logged_segment": 1})
        assert dispatch.send_due(sessions, backoff=0.2) == 0
        assert dispatch.send_due(sessions, backoff=0.2) == 0  # not due yet: backing off
        received = []
        for _ in range(40):
            dispatch.send_due(sessions, backoff=0.2)
            received = hook.wait_for(3, timeout=0.1)
            if len(received) == 3:
                break
    assert [r.headers["rapport-event-id"] for r in received] == [event_id] * 3
    with sessions() as session:
        statuses = session.scalars(select(WebhookAttempt.status).order_by(WebhookAttempt.id)).all()
        delivery = session.scalars(select(WebhookDelivery)).one()
    assert statuses == [500, 503, 200]
    assert delivery.delivered_at is not None
    assert delivery.attempts == 3


def test_a_refused_connection_is_an_attempt_with_its_error(sessions):
    subscriptions.add_webhook(
        sessions, url="http://127.0.0.1:9/closed", events=["segment.logged"], by="ADMIN"
    )
    with sessions.begin() as session:
        outbox.emit(session, "segment.logged", {"segment": "SEG00001"})
    assert dispatch.send_due(sessions, backoff=60) == 0
    with sessions() as session:
        attempt = session.scalars(select(WebhookAttempt)).one()
    assert attempt.status is None
    assert "Connect" in attempt.error


def test_events_left_by_a_stopped_server_are_sent_by_the_next_one(sessions, database_url):
    settings = Settings(database_url=database_url, secret_key="k", webhook_backoff=0.1)
    with receiver() as hook:
        subscriptions.add_webhook(sessions, url=hook.url, events=["segment.changed"], by="ADMIN")
        with sessions.begin() as session:  # written while no server runs
            first = outbox.emit(session, "segment.changed", {"n": 1})
            second = outbox.emit(session, "segment.changed", {"n": 2})
        with TestClient(create_app(settings, sessions)):  # the next start sends them
            got = hook.wait_for(2)
    assert sorted(r.headers["rapport-event-id"] for r in got) == sorted([first, second])
