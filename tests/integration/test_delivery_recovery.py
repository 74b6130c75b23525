"""An interrupted delivery recovers (X8): a `rapport logged resend` process is killed with
SIGKILL mid-way against the loopback SMTP server, and a later resend finishes the job
without losing an e-mail, and without sending one that may have arrived unless asked."""

from __future__ import annotations

import datetime as dt
import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

import pytest
from sqlalchemy import select

from rapport.services.delivery import claims
from rapport.services.delivery import queue as delivery
from rapport.services.interactions import logged as logged_segments
from rapport.storage import tables as t
from tests.factories import make_person, make_queued_interaction, make_stored_attachment

ADDRESSES = ("ann@x.test", "bob@x.test", "cas@x.test")


@pytest.fixture
def three_queued(sessions):
    """Logged segment 1 with an e-mail queued to Ann, Bob and Cas, in that order."""
    with sessions.begin() as session:
        body = make_stored_attachment(session, b"Hi {{ contact.name }}", extension="txt")
        for index, address in enumerate(ADDRESSES, start=1):
            person = make_person(session, f"P{index}", address.split("@")[0], email=address)
            make_queued_interaction(session, person, attachment=body)
    return sessions


def start_resend(database_url: str, settings, tmp_path: Path, *, rate: float):
    """`rapport logged resend 1` in its own process, delivering through `settings`' server."""
    env = {
        **os.environ,
        "RAPPORT_SMTP_URL": settings.smtp_url,
        "RAPPORT_MAIL_FROM": settings.mail_from,
        "RAPPORT_SMTP_RATE": str(rate),
    }
    rapport = Path(sys.executable).with_name("rapport")
    command = [str(rapport), "--db", database_url, "logged", "resend", "1"]
    return subprocess.Popen(
        command, env=env, cwd=tmp_path, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE
    )


def wait_for(done: Callable[[], bool], process: subprocess.Popen[bytes]) -> None:
    deadline = time.monotonic() + 60
    while not done():
        if process.poll() is not None:
            pytest.fail(f"the delivery ended before it was killed: {process.stderr.read()!r}")
        if time.monotonic() > deadline:
            pytest.fail("the delivery never reached the point where it is killed")
        time.sleep(0.02)


def kill(process: subprocess.Popen[bytes]) -> None:
    process.send_signal(signal.SIGKILL)
    process.wait(timeout=30)
    process.stderr.close()


def status_of(sessions, entry_no: int) -> str:
    with sessions.begin() as session:
        return str(session.scalar(select(t.Delivery.status).where(t.Delivery.entry_no == entry_no)))


def resend(sessions, settings, *, later: bool, include_uncertain: bool = False):
    now = claims.utcnow() + (claims.LEASE + dt.timedelta(minutes=1) if later else dt.timedelta())
    return delivery.resend(
        sessions,
        logged_segment_entry_no=1,
        settings=settings,
        now=now,
        include_uncertain=include_uncertain,
        sleep=lambda _: None,
    )


def received(inbox) -> list[str]:
    return sorted(str(message["To"]) for message in inbox.messages)


def test_x8_a_claim_killed_before_the_hand_off_is_sent_by_a_later_resend(
    three_queued, database_url, smtp, tmp_path
):
    """Killed while Bob's e-mail waits for its slot (claimed, not handed to the server)."""
    inbox, settings = smtp
    process = start_resend(database_url, settings, tmp_path, rate=0.2)
    wait_for(lambda: len(inbox.messages) == 1 and status_of(three_queued, 2) == "sending", process)
    kill(process)
    assert received(inbox) == ["ann@x.test"]
    # Within its lease the claim may belong to a live run: a resend leaves it alone.
    assert resend(three_queued, settings, later=False).sent == 1
    assert status_of(three_queued, 2) == "sending"
    assert resend(three_queued, settings, later=True).sent == 1
    assert received(inbox) == list(ADDRESSES)
    assert [status_of(three_queued, no) for no in (1, 2, 3)] == ["sent"] * 3


def test_x8_a_claim_killed_after_the_hand_off_is_uncertain_and_resent_only_when_asked(
    three_queued, database_url, smtp, tmp_path
):
    """Killed while the server holds Bob's message: it arrived, the run never heard back."""
    inbox, settings = smtp
    inbox.hold.add("bob@x.test")
    process = start_resend(database_url, settings, tmp_path, rate=200.0)
    wait_for(lambda: len(inbox.messages) == 2, process)
    kill(process)
    inbox.release.set()
    result = resend(three_queued, settings, later=True)
    assert (result.sent, result.failed) == (1, 0)
    assert received(inbox) == list(ADDRESSES)
    card = logged_segments.show(three_queued, 1)
    assert (card.delivery.sent, card.delivery.uncertain) == (2, 1)
    bob = card.deliveries[1]
    assert (bob.contact_no, bob.status, bob.reason) == ("P2", "uncertain", claims.UNCERTAIN_REASON)
    assert resend(three_queued, settings, later=True).sent == 0
    again = resend(three_queued, settings, later=True, include_uncertain=True)
    assert again.sent == 1
    assert received(inbox) == ["ann@x.test", "bob@x.test", "bob@x.test", "cas@x.test"]
