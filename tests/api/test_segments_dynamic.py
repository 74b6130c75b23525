"""Dynamic segments over HTTP (X4): the header's `dynamic` and `refresh_every`, the refresh
as a job whose result is `segment refresh --json`, the exceptions, and the refresh that
`rapport serve` runs when a schedule is due."""

from __future__ import annotations

import pytest
from sqlalchemy import update

from rapport.server.background import refresh_loop
from rapport.services.jobs import queue as jobs
from rapport.services.jobs.runners import runners
from rapport.settings import Settings
from rapport.storage import tables as t

contacts = t.Contact.__table__


def make_dynamic(client, criteria="country = BE and type = person", **fields):
    created = client.post(
        "/api/segments", json={"description": "Standing", "dynamic": True, **fields}
    )
    assert created.status_code == 201, created.text
    no = created.json()["no"]
    assert created.json()["dynamic"] is True
    action = client.post(f"/api/segments/{no}/actions", json={"type": "add", "criteria": criteria})
    assert action.status_code == 200, action.text
    return no


@pytest.mark.usefixtures("segment_world")
def test_x4_refresh_runs_as_a_job_whose_result_is_the_cli_json(client_as, sessions):
    marketer = client_as("marketer")
    no = make_dynamic(marketer)
    with sessions.begin() as session:
        session.execute(update(contacts).where(contacts.c.no == "P3").values(country="BE"))
    queued = marketer.post(f"/api/segments/{no}/refresh")
    assert queued.status_code == 202, queued.text
    assert queued.headers["location"] == f"/api/jobs/{queued.json()['job']}"
    assert jobs.get(sessions, queued.json()["job"]).state == "queued"
    assert jobs.run_next(sessions, runners(Settings())) is True
    job = jobs.get(sessions, queued.json()["job"])
    assert job.state == "done", job.error
    assert job.result is not None
    assert (job.result["segment"], job.result["added"], job.result["removed"]) == (no, 1, 0)
    assert marketer.get(f"/api/segments/{no}").json()["no_of_lines"] == 5


@pytest.mark.usefixtures("segment_world")
def test_x4_refresh_of_a_static_segment_is_a_conflict_and_viewers_may_not_refresh(client_as):
    marketer = client_as("marketer")
    static = marketer.post("/api/segments", json={"description": "Static"}).json()["no"]
    refused = marketer.post(f"/api/segments/{static}/refresh")
    assert refused.status_code == 409
    assert "not dynamic" in refused.json()["detail"]
    no = make_dynamic(marketer)
    assert client_as("viewer").post(f"/api/segments/{no}/refresh").status_code == 403


@pytest.mark.usefixtures("segment_world")
def test_x4_exceptions_are_listed_and_shortened(client_as):
    marketer = client_as("marketer")
    no = make_dynamic(marketer)
    assert marketer.delete(f"/api/segments/{no}/contacts/P2").status_code == 200
    listed = client_as("viewer").get(f"/api/segments/{no}/exceptions")
    assert [row["contact_no"] for row in listed.json()] == ["P2"]
    assert marketer.delete(f"/api/segments/{no}/exceptions/P2").json() == []
    missing = marketer.delete(f"/api/segments/{no}/exceptions/P2")
    assert missing.status_code == 404


@pytest.mark.usefixtures("segment_world")
def test_x4_a_bad_schedule_names_its_field_and_a_due_one_is_refreshed_by_the_server(
    client_as, app, sessions
):
    marketer = client_as("marketer")
    no = make_dynamic(marketer)
    bad = marketer.patch(f"/api/segments/{no}", json={"refresh_every": "soon"})
    assert bad.status_code == 422
    assert bad.json()["errors"][0]["field"] == "refresh_every"
    assert marketer.patch(f"/api/segments/{no}", json={"refresh_every": "1h"}).status_code == 200
    with sessions.begin() as session:
        session.execute(update(contacts).where(contacts.c.no == "P3").values(country="BE"))
    loop = refresh_loop(app.state.rapport, interval=3600)
    loop.work()
    header = marketer.get(f"/api/segments/{no}").json()
    assert (header["no_of_lines"], header["refresh_every"]) == (5, "1h")
    assert header["refreshed_at"] is not None
