"""Progress in the browser (issue 13 item 6): a job's page follows it while it runs and
shows its outcome; a user finds their jobs again; another user's job is not shown."""

from __future__ import annotations

from rapport.services.jobs import queue as jobs


def test_a_running_job_polls_its_progress_and_a_finished_one_stops(browser_as, sessions):
    job_id = jobs.submit(sessions, kind="deliver", params={"logged_segment": 7}, by="marketer1")
    browser = browser_as("marketer")
    html = browser.get(f"/jobs/{job_id}").text
    assert 'hx-trigger="every 1s"' in html
    assert 'role="status"' in html
    with sessions.begin() as session:
        from rapport.storage.tables import Job

        row = session.get(Job, job_id)
        row.state, row.result = "done", '{"sent": 3}'
    fragment = browser.get(f"/jobs/{job_id}", headers={"hx-request": "true"}).text
    assert "every 1s" not in fragment
    assert "Done." in fragment
    assert "<dt>sent</dt><dd>3</dd>" in fragment


def test_jobs_are_listed_for_their_user_and_hidden_from_others(browser_as, sessions):
    job_id = jobs.submit(sessions, kind="import", params={"table": "contacts"}, by="marketer1")
    assert f'href="/jobs/{job_id}"' in browser_as("marketer").get("/jobs").text
    viewer = browser_as("viewer")
    assert f'href="/jobs/{job_id}"' not in viewer.get("/jobs").text
    assert viewer.get(f"/jobs/{job_id}").status_code == 404
