"""Log with delivery over HTTP (L2, L3, X8, X9; issue 12 items 7–8): the log commits in the
request and the delivery runs as a job (202, `Location: /api/jobs/{id}`) whose done/total
count the recipients; a real SMTP server receives the e-mails and a real webhook receiver
`segment.logged` and `delivery.finished`. Without delivery the answer stays 200."""

from __future__ import annotations

import dataclasses
import time

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, select

from rapport.app import create_app
from rapport.services.jobs import queue as jobs
from rapport.services.jobs.runners import runners
from rapport.services.webhooks import subscriptions
from rapport.settings import Settings
from rapport.storage import tables as t
from tests.api.conftest import problem_of
from tests.api.receiver import receiver
from tests.api.test_webhooks import verify
from tests.factories import build_log_world, make_segment


@pytest.fixture
def segment(sessions):
    """SEG1: three lines to e-mail: Acme, Ann, and Cas at a home address that is not
    active (skipped)."""
    with sessions.begin() as session:
        contacts = build_log_world(session)
        lines = [
            {"contact": contacts[no], "attachment_no": 1, "correspondence_type": "email", **extra}
            for no, extra in (
                ("ACME", {}),
                ("P1", {}),
                ("P3", {"contact_alt_address_code": "HOME"}),
            )
        ]
        make_segment(
            session,
            "SEG1",
            lines=lines,
            interaction_template_code="ABSTRACT",
            interaction_group_code="LETTER",
            salesperson_code="JO",
            description="Spring mailing",
            information_flow="outbound",
            initiated_by="us",
        )
    return "SEG1"


def server(sessions, database_url, mail: Settings, users, *, background=True) -> TestClient:
    settings = dataclasses.replace(
        mail, database_url=database_url, secret_key="k", webhook_backoff=0.1
    )
    client = TestClient(create_app(settings, sessions, background=background))
    client.headers["authorization"] = f"Bearer {users['marketer'].token}"
    return client


def finished(client, location, timeout=30.0):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        job = client.get(location).json()
        if job["state"] in ("done", "failed"):
            return job
        time.sleep(0.1)
    raise AssertionError(f"{location} did not finish")


def test_l3_a_log_with_delivery_answers_202_and_its_job_sends_every_e_mail(
    sessions, database_url, segment, smtp, users
):
    inbox, mail = smtp
    with receiver() as hook:
        events = ["segment.logged", "delivery.finished"]
        made = subscriptions.add_webhook(sessions, url=hook.url, events=events, by="ADMIN")
        with server(sessions, database_url, mail, users) as client:
            answer = client.post(f"/api/segments/{segment}/log", json={"deliver": True})
            assert answer.status_code == 202, answer.text
            location = answer.headers["location"]
            assert location == f"/api/jobs/{answer.json()['id']}"
            assert answer.json()["kind"] == "deliver"
            assert "logged segment 1" in answer.json()["messages"][0]
            job = finished(client, location)
            got = hook.wait_for(2)
    assert job["state"] == "done", job
    assert (job["done"], job["total"]) == (3, 3)
    assert {key: job["result"][key] for key in ("sent", "failed", "skipped")} == {
        "sent": 2,
        "failed": 0,
        "skipped": 1,  # Cas's home address has no active date range
    }
    assert sorted(m["To"] for m in inbox.messages) == ["ann@acme.test", "info@acme.test"]
    by_type = {r.body["type"]: r.body["data"] for r in got}
    assert by_type["segment.logged"] == {
        "segment_no": "SEG1",
        "logged_segment": 1,
        "interactions": 3,
        "campaign_entries": 0,
        "queued": 3,
        "follow_up": None,
        "user": "marketer1",
    }
    finish = by_type["delivery.finished"]
    assert (finish["logged_segment"], finish["sent"], finish["skipped"]) == (1, 2, 1)
    assert (finish["states"]["sent"], finish["states"]["skipped"]) == (2, 1)
    assert all(verify(made.secret, r.headers["rapport-signature"], r.raw) for r in got)


def test_l3_the_log_is_committed_before_its_job_runs_and_the_job_counts_its_recipients(
    sessions, database_url, segment, smtp, users
):
    inbox, mail = smtp
    with server(sessions, database_url, mail, users, background=False) as client:
        answer = client.post(f"/api/segments/{segment}/log", json={"deliver": True})
        assert answer.status_code == 202, answer.text
        queued = client.get(answer.headers["location"]).json()
        assert (queued["state"], queued["done"], queued["total"]) == ("queued", 0, 3)
        assert client.get("/api/logged-segments/1").json()["no_of_interactions"] == 3
        assert client.get(f"/api/segments/{segment}").status_code == 404
        assert inbox.messages == []
        assert jobs.run_next(sessions, runners(mail)) is True
        done = client.get(answer.headers["location"]).json()
    assert (done["state"], done["done"], done["total"]) == ("done", 3, 3)
    assert len(inbox.messages) == 2


def test_l2_a_log_without_delivery_stays_200_with_the_log(client_as, segment):
    answer = client_as("marketer").post(f"/api/segments/{segment}/log", json={"deliver": False})
    assert answer.status_code == 200, answer.text
    assert answer.json()["logged_segment"] == 1
    assert answer.json()["delivered"] == 0
    assert "location" not in answer.headers


def test_l3_a_log_with_delivery_and_no_smtp_server_is_refused_and_nothing_is_logged(
    client_as, segment, sessions
):
    problem = problem_of(
        client_as("marketer").post(f"/api/segments/{segment}/log", json={"deliver": True}), 422
    )
    assert "SMTP" in problem["detail"] or "smtp" in problem["detail"]
    with sessions() as session:
        assert session.scalar(select(func.count()).select_from(t.LoggedSegment)) == 0
        assert session.scalar(select(func.count()).select_from(t.Job)) == 0
