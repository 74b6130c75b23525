"""Resend over HTTP as a job (L5, X8; SPEC §8 "long work shows progress"): what was not sent
is queued again in the request and delivered by a `deliver` job (202, `Location:
/api/jobs/{id}`), as a log with delivery is, to a real SMTP server on loopback; the job's
result says what was sent, failed and skipped. What cannot be resent (no such logged
segment, a canceled one, e-mail without an SMTP server, a bad correspondence type) is
refused in the request with its problem, nothing queued and no job made; a retry with the
same `Idempotency-Key` starts no second job."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select, update

from rapport.services.jobs import queue as jobs
from rapport.services.jobs.runners import runners
from rapport.settings import Settings
from rapport.storage import tables as t
from tests.api.conftest import problem_of
from tests.api.test_log_delivery_job import finished, server
from tests.factories import build_log_world, make_queued_interaction, make_stored_attachment


@pytest.fixture
def logged(sessions):
    """Logged segment 1: Ann's e-mail sent, Acme's failed (550); logged segment 2, canceled:
    Ann's e-mail failed."""
    with sessions.begin() as session:
        people = build_log_world(session)
        body = make_stored_attachment(session, b"<p>Dear {{ contact.name }}</p>")
        make_queued_interaction(session, people["P1"], status="sent", attachment=body)
        make_queued_interaction(session, people["ACME"], status="failed", attachment=body)
        make_queued_interaction(
            session, people["P1"], logged_segment=2, status="failed", attachment=body
        )
        session.execute(
            update(t.Delivery).where(t.Delivery.status == "failed").values(reason="550 unknown")
        )
        session.execute(
            update(t.LoggedSegment).where(t.LoggedSegment.entry_no == 2).values(canceled=True)
        )
        session.execute(
            update(t.InteractionLogEntry)
            .where(t.InteractionLogEntry.logged_segment_entry_no == 2)
            .values(canceled=True)
        )


def queue_of(sessions):
    with sessions.begin() as session:
        rows = session.execute(
            select(t.Delivery.entry_no, t.Delivery.status, t.Delivery.channel).order_by(
                t.Delivery.entry_no
            )
        )
        return [tuple(row) for row in rows]


def no_of_jobs(sessions):
    with sessions.begin() as session:
        return session.scalar(select(func.count()).select_from(t.Job))


def test_l5_x8_a_resend_answers_202_and_its_job_sends_only_what_was_not_sent(
    sessions, database_url, logged, smtp, users
):
    inbox, mail = smtp
    with server(sessions, database_url, mail, users) as client:
        answer = client.post("/api/logged-segments/1/resend")
        assert answer.status_code == 202, answer.text
        started = answer.json()
        assert answer.headers["location"] == f"/api/jobs/{started['id']}"
        assert started["kind"] == "deliver"
        assert started["messages"] == ["Resending logged segment 1: 1 interaction to deliver."]
        job = finished(client, answer.headers["location"])
        failed = client.get("/api/logged-segments/1/deliveries?status=failed").json()
    assert job["state"] == "done", job
    assert (job["done"], job["total"]) == (2, 2)  # the logged segment's recipients
    assert job["result"] == {
        "sent": 1,
        "failed": 0,
        "skipped": 0,
        "archive": None,
        "logged_segment": 1,
    }
    assert [m["To"] for m in inbox.messages] == ["info@acme.test"]  # Ann's was sent before
    assert failed == {"items": [], "next": None}
    assert [status for _, status, _ in queue_of(sessions)] == ["sent", "sent", "failed"]


def test_x8_the_resend_is_queued_in_the_request_and_its_job_delivers_it(
    sessions, database_url, logged, smtp, users
):
    """The request only queues (nothing is sent before the job runs), the job's progress is
    the queue's: Ann's sent entry done, Acme's waiting, then both done."""
    inbox, mail = smtp
    with server(sessions, database_url, mail, users, background=False) as client:
        answer = client.post("/api/logged-segments/1/resend", json={"correspondence_type": ""})
        assert answer.status_code == 202, answer.text
        queued = client.get(answer.headers["location"]).json()
        assert (queued["state"], queued["done"], queued["total"]) == ("queued", 1, 2)
        waiting = client.get("/api/logged-segments/1/deliveries?status=pending").json()["items"]
        assert [row["contact_no"] for row in waiting] == ["ACME"]
        assert inbox.messages == []
        assert jobs.run_next(sessions, runners(mail)) is True
        done = client.get(answer.headers["location"]).json()
    assert (done["state"], done["done"], done["total"]) == ("done", 2, 2)
    assert done["result"]["sent"] == 1
    assert len(inbox.messages) == 1


@pytest.mark.parametrize(
    ("entry_no", "body", "status", "said"),
    [
        (
            99,
            None,
            404,
            "The Logged Segment does not exist. Identification fields and values: Entry No.='99'",
        ),
        (2, None, 409, "Logged Segment 2 is canceled: un-cancel it before resending."),
        (1, {"correspondence_type": "fax"}, 422, "correspondence_type: Input should be"),
        (1, None, 422, "RAPPORT_SMTP_URL"),  # Acme's e-mail, and no SMTP server
        (1, {"correspondence_type": "email"}, 422, "RAPPORT_SMTP_URL"),
    ],
)
def test_l5_what_cannot_be_resent_is_refused_in_the_request_nothing_queued(
    sessions, logged, client_as, entry_no, body, status, said
):
    before = queue_of(sessions)
    answer = client_as("marketer").post(f"/api/logged-segments/{entry_no}/resend", json=body)
    problem = problem_of(answer, status)
    assert said in problem["detail"]
    if said.startswith("correspondence_type"):
        assert problem["errors"][0]["field"] == "correspondence_type"
    assert "location" not in answer.headers
    assert queue_of(sessions) == before
    assert no_of_jobs(sessions) == 0


def test_l5_a_canceled_logged_segment_is_resent_once_un_canceled(
    sessions, database_url, logged, smtp, users
):
    inbox, mail = smtp
    with server(sessions, database_url, mail, users, background=False) as client:
        problem_of(client.post("/api/logged-segments/2/resend"), 409)
        client.post("/api/logged-segments/2/uncancel")
        answer = client.post("/api/logged-segments/2/resend")
        assert answer.status_code == 202, answer.text
        assert jobs.run_next(sessions, runners(mail)) is True
        assert client.get(answer.headers["location"]).json()["result"]["sent"] == 1
    assert [m["To"] for m in inbox.messages] == ["ann@acme.test"]


def test_l5_a_resend_retried_with_its_idempotency_key_starts_one_job(
    sessions, database_url, logged, users
):
    """The retry gets the first answer again (its job and `Location`), and nothing more is
    queued or started."""
    mail = Settings(smtp_url="smtp://127.0.0.1:9", mail_from="marketing@example.com")
    with server(sessions, database_url, mail, users, background=False) as client:
        key = {"idempotency-key": "resend-1"}
        first = client.post("/api/logged-segments/1/resend", headers=key)
        again = client.post("/api/logged-segments/1/resend", headers=key)
    assert first.status_code == again.status_code == 202
    assert again.headers["idempotent-replayed"] == "true"
    assert again.headers["location"] == first.headers["location"]
    assert again.json()["id"] == first.json()["id"]
    assert no_of_jobs(sessions) == 1
