"""Webhooks survive a killed server (X9; issue 12 item 8): a real `rapport serve` process
commits a segment action and its `segment.changed` event, cannot reach the receiver, and is
killed with SIGKILL; the next `rapport serve` on the same database sends the pending event,
signed, with the event id the outbox holds, and a retry carries the same id (a receiver
de-duplicates by it). On SQLite and PostgreSQL."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager

import httpx
import pytest
from sqlalchemy import select

from rapport.services.webhooks import subscriptions
from rapport.storage.tables import OutboxEvent, WebhookAttempt, WebhookDelivery
from tests.api.receiver import receiver
from tests.api.test_webhooks import verify


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@contextmanager
def rapport_serve(database_url: str) -> Iterator[tuple[subprocess.Popen[bytes], str]]:
    """`rapport serve` in a process of its own, ready; killed (SIGKILL) if still running."""
    port = free_port()
    env = {**os.environ, "RAPPORT_SECRET_KEY": "k", "RAPPORT_WEBHOOK_BACKOFF": "0.2"}
    command = [sys.executable, "-m", "rapport", "--db", database_url, "serve", "--port", str(port)]
    process = subprocess.Popen(
        command, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
    )
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            assert process.poll() is None, "rapport serve stopped"
            assert time.monotonic() < deadline, "rapport serve did not start"
            try:
                if httpx.get(f"{base}/api/health", timeout=1).status_code == 200:
                    break
            except httpx.HTTPError:
                time.sleep(0.2)
        yield process, base
    finally:
        if process.poll() is None:
            process.kill()
        process.wait(30)


def wait_for_attempt(sessions, timeout: float = 30.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        with sessions() as session:
            if session.scalar(select(WebhookAttempt.id).limit(1)) is not None:
                return
        time.sleep(0.1)
    raise AssertionError("the server made no attempt")


def wait_until_delivered(sessions, timeout: float = 30.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        with sessions() as session:
            if session.scalar(select(WebhookDelivery.delivered_at)) is not None:
                return
        time.sleep(0.1)


@pytest.mark.usefixtures("segment_world")
def test_x9_a_killed_server_sends_the_pending_events_after_restart(sessions, database_url, users):
    receiver_port = free_port()  # nothing listens there yet: every POST is refused
    made = subscriptions.add_webhook(
        sessions,
        url=f"http://127.0.0.1:{receiver_port}/hook",
        events=["segment.changed"],
        by="ADMIN",
    )
    token = {"authorization": f"Bearer {users['marketer'].token}"}
    with rapport_serve(database_url) as (process, base):
        created = httpx.post(f"{base}/api/segments", json={"description": "X"}, headers=token)
        assert created.status_code == 201, created.text
        no = created.json()["no"]
        body = {"type": "add", "criteria": "country = BE"}
        added = httpx.post(f"{base}/api/segments/{no}/actions", json=body, headers=token)
        assert added.status_code == 200, added.text
        wait_for_attempt(sessions)
        process.send_signal(signal.SIGKILL)
        process.wait(30)
    with sessions() as session:
        (event,) = session.scalars(select(OutboxEvent)).all()
        assert session.scalar(select(WebhookDelivery.delivered_at)) is None
    with receiver(receiver_port) as hook:
        hook.statuses = [500]  # the first POST after the restart is not acknowledged
        with rapport_serve(database_url):
            got = hook.wait_for(2)
            wait_until_delivered(sessions)  # the acknowledgement is recorded before it stops
    assert [r.headers["rapport-event-id"] for r in got] == [event.id, event.id]
    assert {r.body["id"] for r in got} == {event.id}  # what a receiver de-duplicates by
    assert all(verify(made.secret, r.headers["rapport-signature"], r.raw) for r in got)
    data = got[0].body["data"]
    assert (data["segment_no"], data["action"], data["added"]) == (no, "add", 5)
    with sessions() as session:
        delivery = session.scalars(select(WebhookDelivery)).one()
    assert delivery.delivered_at is not None
