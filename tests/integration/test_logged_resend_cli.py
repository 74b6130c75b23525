"""`rapport logged resend` stays in its own process (L5, X8): it queues again what was not
sent and delivers it at once to a real SMTP server on loopback, no job; a canceled logged
segment is refused (exit 1, one line) and nothing is queued, on SQLite and PostgreSQL."""

from __future__ import annotations

import json

import pytest
from sqlalchemy import func, select, update

from rapport.cli.main import run
from rapport.storage import tables as t
from tests.factories import build_log_world, make_queued_interaction, make_stored_attachment


@pytest.fixture
def logged(sessions):
    """Logged segment 1: Ann's e-mail sent, Acme's failed; logged segment 2, canceled, with
    Ann's e-mail never queued."""
    with sessions.begin() as session:
        people = build_log_world(session)
        body = make_stored_attachment(session, b"<p>Dear {{ contact.name }}</p>")
        make_queued_interaction(session, people["P1"], status="sent", attachment=body)
        make_queued_interaction(session, people["ACME"], status="failed", attachment=body)
        make_queued_interaction(
            session, people["P1"], logged_segment=2, status=None, attachment=body, canceled=True
        )
        session.execute(
            update(t.LoggedSegment).where(t.LoggedSegment.entry_no == 2).values(canceled=True)
        )
    return sessions


@pytest.fixture
def rapport(database_url, capsys, smtp, monkeypatch):
    """`rapport --db URL ARGS…` with the loopback SMTP server configured: (status, out, err)."""
    _, mail = smtp
    monkeypatch.setenv("RAPPORT_SMTP_URL", mail.smtp_url)
    monkeypatch.setenv("RAPPORT_MAIL_FROM", mail.mail_from)

    def call(*args: str) -> tuple[int, str, str]:
        capsys.readouterr()
        status = run(["--db", database_url, *args])
        out, err = capsys.readouterr()
        return status, out, err

    return call


def test_l5_the_cli_resends_in_its_own_process_and_runs_no_job(logged, rapport, smtp):
    inbox, _ = smtp
    status, out, err = rapport("--json", "logged", "resend", "1")
    assert status == 0, err
    assert json.loads(out) == {"sent": 1, "failed": 0, "skipped": 0, "archive": None}
    assert [m["To"] for m in inbox.messages] == ["info@acme.test"]
    with logged.begin() as session:
        assert session.scalar(select(func.count()).select_from(t.Job)) == 0


def test_l5_the_cli_refuses_to_resend_a_canceled_logged_segment_and_queues_nothing(
    logged, rapport, smtp
):
    inbox, _ = smtp
    status, out, err = rapport("logged", "resend", "2")
    assert (status, out) == (1, "")
    assert err.strip() == "error: Logged Segment 2 is canceled: un-cancel it before resending."
    with logged.begin() as session:
        assert session.scalar(select(func.count()).select_from(t.Delivery)) == 2
    assert inbox.messages == []
