"""Jobs with progress (issue 12 item 7; L3, X8): a delivery runs as a job of the server,
its progress is read from the delivery queue while it runs and watched by polling or as
Server-Sent Events; a job that was running when the server stopped is resumed by the next
start and sends nothing twice."""

from __future__ import annotations

import json
import time

import pytest
from fastapi.testclient import TestClient

from rapport.app import create_app
from rapport.services.jobs import queue as jobs
from rapport.services.jobs.runners import runners
from rapport.storage import tables as t
from tests.api.conftest import walk
from tests.factories import (
    make_company,
    make_person,
    make_queued_interaction,
    make_stored_attachment,
)

BODY = b"<p>Dear {{ contact.name }}, {{ interaction.subject }}</p>"


@pytest.fixture
def logged(sessions):
    """Logged segment 1 with three e-mails queued for delivery."""
    with sessions.begin() as session:
        acme = make_company(session, "ACME", "Acme")
        body = make_stored_attachment(session, BODY)
        for no in ("P1", "P2", "P3"):
            person = make_person(session, no, f"Person {no}", company=acme, email=f"{no}@acme.test")
            make_queued_interaction(session, person, attachment=body)
    return sessions


def wait_until_finished(sessions, job_id, timeout=30.0):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        job = jobs.get(sessions, job_id)
        if job.state in jobs.FINISHED:
            return job
        time.sleep(0.1)
    raise AssertionError(f"job {job_id} did not finish")


def test_a_delivery_job_sends_every_email_and_reports_its_result(logged, smtp, client_as):
    inbox, settings = smtp
    job_id = jobs.submit(logged, kind="deliver", params={"logged_segment": 1}, by="marketer1")
    assert jobs.run_next(logged, runners(settings)) is True
    job = jobs.get(logged, job_id)
    assert job.state == "done"
    assert (job.done, job.total) == (3, 3)
    assert job.result["sent"] == 3
    assert len(inbox.messages) == 3
    answer = client_as("marketer").get(f"/api/jobs/{job_id}")
    assert answer.status_code == 200
    assert answer.json()["state"] == "done"
    assert answer.json()["result"]["logged_segment"] == 1


def test_progress_is_read_from_the_delivery_queue_while_the_job_runs(logged):
    job_id = jobs.submit(logged, kind="deliver", params={"logged_segment": 1}, by="marketer1")
    from rapport.services.jobs.runners import LIVE

    with logged.begin() as session:
        session.query(t.Delivery).filter(t.Delivery.entry_no == 1).update({"status": "sent"})
    job = jobs.get(logged, job_id, live=LIVE)
    assert job.state == "queued"
    assert (job.done, job.total) == (1, 3)


def test_another_users_job_is_not_found_but_an_admin_sees_it(logged, client_as):
    job_id = jobs.submit(logged, kind="deliver", params={"logged_segment": 1}, by="marketer1")
    assert client_as("viewer").get(f"/api/jobs/{job_id}").status_code == 404
    assert client_as("admin").get(f"/api/jobs/{job_id}").status_code == 200
    listed = client_as("marketer").get("/api/jobs").json()["items"]
    assert [job["id"] for job in listed] == [job_id]


def test_the_list_of_jobs_is_paged_newest_first_to_its_end(logged, client_as):
    """SPEC §7: `?limit=` pages and `next` leads on (it was never set, so a user with more
    jobs than the page saw only the newest ones); another user's jobs are not listed."""
    made = [
        jobs.submit(logged, kind="deliver", params={"logged_segment": 1}, by="marketer1")
        for _ in range(5)
    ]
    jobs.submit(logged, kind="deliver", params={"logged_segment": 1}, by="viewer1")
    pages = walk(client_as("marketer"), "/api/jobs?limit=2")
    assert [len(items) for items in pages] == [2, 2, 1]
    assert [job["id"] for items in pages for job in items] == made[::-1]


def test_a_failing_job_keeps_its_message(logged, smtp):
    _inbox, settings = smtp
    job_id = jobs.submit(logged, kind="deliver", params={"logged_segment": 99}, by="x")
    jobs.run_next(logged, runners(settings))
    job = jobs.get(logged, job_id)
    assert job.state == "failed"
    assert "99" in job.error


def test_the_server_runs_a_job_and_streams_its_progress_as_server_sent_events(
    logged, smtp, database_url, users
):
    _inbox, settings = smtp
    settings = type(settings)(
        **{**settings.__dict__, "database_url": database_url, "secret_key": "k"}
    )
    job_id = jobs.submit(logged, kind="deliver", params={"logged_segment": 1}, by="marketer1")
    with TestClient(create_app(settings, logged)) as client:
        client.headers["authorization"] = f"Bearer {users['marketer'].token}"
        with client.stream("GET", f"/api/jobs/{job_id}/events") as stream:
            text = "".join(stream.iter_text())
    events = [block for block in text.split("\n\n") if block.strip()]
    assert events[-1].startswith("event: end")
    last_progress = json.loads(events[-2].split("data: ", 1)[1])
    assert last_progress["state"] == "done"
    assert (last_progress["done"], last_progress["total"]) == (3, 3)


def test_a_job_running_when_the_server_stopped_is_resumed_and_sends_nothing_twice(
    logged, smtp, database_url
):
    inbox, settings = smtp
    settings = type(settings)(
        **{**settings.__dict__, "database_url": database_url, "secret_key": "k"}
    )
    job_id = jobs.submit(logged, kind="deliver", params={"logged_segment": 1}, by="marketer1")
    with logged.begin() as session:  # the server stopped after it sent entry 1
        session.query(t.Job).filter(t.Job.id == job_id).update({"state": "running"})
        session.query(t.Delivery).filter(t.Delivery.entry_no == 1).update({"status": "sent"})
    with TestClient(create_app(settings, logged)):
        job = wait_until_finished(logged, job_id)
    assert job.state == "done"
    assert len(inbox.messages) == 2


def test_a_job_id_beyond_the_ids_column_is_not_found(client_as):
    """Issue 12 item 5: an id the path allows but no job can have is a 404, never a 5xx
    (PostgreSQL's ids are 32-bit)."""
    client = client_as("admin")
    for path in ("/api/jobs/{}", "/api/jobs/{}/file", "/api/jobs/{}/events"):
        assert client.get(path.format(2**40)).status_code == 404, path
    assert client.delete(f"/api/jobs/{2**40}").status_code == 404
