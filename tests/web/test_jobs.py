"""Progress in the browser (issue 13 item 6): a job's page follows it while it runs and
shows its outcome; a user finds their jobs again; another user's job is not shown."""

from __future__ import annotations

import dataclasses

import pytest
from fastapi.testclient import TestClient

from rapport.app import create_app
from rapport.services.jobs import queue as jobs
from rapport.services.jobs.runners import runners
from tests.factories import build_log_world, make_segment

LOG_HEADER = {
    "interaction_template_code": "ABSTRACT",
    "interaction_group_code": "LETTER",
    "salesperson_code": "JO",
    "description": "Spring mailing",
    "information_flow": "outbound",
    "initiated_by": "us",
}


def test_a_running_job_polls_its_progress_and_a_finished_one_stops(browser_as, sessions):
    job_id = jobs.submit(sessions, kind="deliver", params={"logged_segment": 7}, by="marketer1")
    browser = browser_as("marketer")
    html = browser.get(f"/jobs/{job_id}").text
    assert 'hx-trigger="every 1s"' in html
    assert 'role="status"' in html
    with sessions.begin() as session:
        from rapport.storage.tables import Job

        row = session.get(Job, job_id)
        row.state = "done"
        row.result = '{"sent": 3, "failed": 1, "skipped": 0, "logged_segment": 7}'
    fragment = browser.get(f"/jobs/{job_id}", headers={"hx-request": "true"}).text
    assert "every 1s" not in fragment
    assert "Done." in fragment
    assert "<dt>Sent</dt><dd>3</dd>" in fragment
    assert "<dt>Failed</dt><dd>1</dd>" in fragment
    assert 'href="/logged-segments/7"' in fragment


def test_x4_a_refresh_jobs_page_names_the_segment_and_what_it_changed(browser_as, sessions):
    """The outcome of a refresh (queued by the API) is named field by field, in the page's
    language, never as the result's keys."""
    job_id = jobs.submit(sessions, kind="refresh", params={"segment": "SEG1"}, by="marketer1")
    with sessions.begin() as session:
        from rapport.storage.tables import Job

        row = session.get(Job, job_id)
        row.state = "done"
        row.result = (
            '{"segment": "SEG1", "action_no": 3, "added": 5, "removed": 2, "no_of_lines": 40,'
            ' "full": false}'
        )
    browser = browser_as("marketer")
    html = browser.get(f"/jobs/{job_id}").text
    assert '<dt>Segment</dt><dd><a href="/segments/SEG1">SEG1</a></dd>' in html
    assert "<dt>Added</dt><dd>5</dd>" in html
    assert "<dt>Removed</dt><dd>2</dd>" in html
    assert "<dt>No. of lines</dt><dd>40</dd>" in html
    assert "those changed since the last refresh" in html
    assert "no_of_lines" not in html
    dutch = browser.get(f"/jobs/{job_id}", headers={"accept-language": "nl-BE"}).text
    assert "<dt>Toegevoegd</dt><dd>5</dd>" in dutch
    assert "<dt>Verwijderd</dt><dd>2</dd>" in dutch


def test_jobs_are_listed_for_their_user_and_hidden_from_others(browser_as, sessions):
    job_id = jobs.submit(sessions, kind="import", params={"table": "contacts"}, by="marketer1")
    assert f'href="/jobs/{job_id}"' in browser_as("marketer").get("/jobs").text
    viewer = browser_as("viewer")
    assert f'href="/jobs/{job_id}"' not in viewer.get("/jobs").text
    assert viewer.get(f"/jobs/{job_id}").status_code == 404


@pytest.fixture
def to_log(sessions):
    """SEG1 with one line to e-mail (Ann)."""
    with sessions.begin() as session:
        contacts = build_log_world(session)
        line = {"contact": contacts["P1"], "attachment_no": 1, "correspondence_type": "email"}
        make_segment(session, "SEG1", lines=[line], **LOG_HEADER)
    return "SEG1"


def test_l3_logging_with_delivery_without_smtp_stays_on_the_card_and_logs_nothing(
    browser_as, to_log
):
    browser = browser_as("marketer")
    form = {"csrf_token": browser.csrf, "deliver": "true"}
    refused = browser.post(f"/segments/{to_log}/log", data=form)
    assert refused.status_code == 422
    assert "SMTP" in refused.text or "smtp" in refused.text
    assert browser.get(f"/segments/{to_log}").status_code == 200


def test_l3_logging_with_delivery_leads_to_the_job_page_which_shows_the_outcome(
    sessions, database_url, users, passwords, to_log, smtp
):
    """The log commits in the request and the browser is sent to the delivery job's page;
    it polls while the job waits and, once done, shows sent/failed/skipped and the link to
    the logged segment; the jobs menu finds it again."""
    inbox, mail = smtp
    settings = dataclasses.replace(mail, database_url=database_url, secret_key="k")
    with TestClient(create_app(settings, sessions, background=False)) as browser:
        signed_in = browser.post("/api/login", json={"name": "marketer1", "password": passwords})
        form = {"csrf_token": signed_in.json()["csrf_token"], "deliver": "true"}
        answer = browser.post(f"/segments/{to_log}/log", data=form, follow_redirects=False)
        assert answer.status_code == 303, answer.text
        location = answer.headers["location"]
        waiting = browser.get(location).text
        assert 'hx-trigger="every 1s"' in waiting
        assert "Waiting to start…" in waiting
        assert "logged segment 1" in waiting
        assert jobs.run_next(sessions, runners(mail)) is True
        done = browser.get(location, headers={"hx-request": "true"}).text
        listed = browser.get("/jobs").text
    assert "Done." in done
    assert "every 1s" not in done
    assert "<dt>Sent</dt><dd>1</dd>" in done
    assert 'href="/logged-segments/1"' in done
    assert f'href="{location}"' in listed
    assert [m["To"] for m in inbox.messages] == ["ann@acme.test"]


def test_l2_logging_without_delivery_says_each_count_in_its_number(browser_as, to_log):
    """The log's page counts one interaction and its campaign entries in their number
    (it said "1 interactions, 0 campaign entries")."""
    browser = browser_as("marketer")
    answer = browser.post(f"/segments/{to_log}/log", data={"csrf_token": browser.csrf})
    assert answer.status_code == 200, answer.text
    assert "Logged segment 1: 1 interaction, 0 campaign entries." in answer.text
