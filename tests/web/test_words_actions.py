"""What an action says and does in the page's words (X9; UI review items 8, 20 and 22):
evaluating an interaction comes back at its row saying what was done (L6); a row's controls
stand in the same columns whether it shows Cancel or Uncancel (L6); an export's "kept
until" and a job's creation are moments in the page's language, a missing job is said as a
sentence while the API keeps its words (K4, S13); the logged segment's cancel names the
interactions it cancels (L5)."""

from __future__ import annotations

import datetime as dt
import html as markup
import json
import re

import pytest

from rapport.services.jobs import queue as jobs
from rapport.storage import tables as t
from tests.factories import build_log_world, make_interaction

DUTCH = {"accept-language": "nl-BE"}


@pytest.fixture
def entries(sessions):
    with sessions.begin() as session:
        people = build_log_world(session)
        for description in ("Letter", "Call"):
            make_interaction(
                session,
                people["P1"],
                interaction_template_code="ABSTRACT",
                description=description,
                date=dt.date(2026, 3, 2),
            )
        session.get(t.InteractionLogEntry, 2).canceled = True
        session.add(t.LoggedSegment(entry_no=1, segment_no="SEG00001", description="Spring"))


def status_of(html: str, entry_no: int) -> str:
    cell = re.search(rf'<td id="evaluation-{entry_no}">(.*?)</td>', html, re.S)
    assert cell is not None
    said = re.search(r'<p class="status" role="status">(.*?)</p>', cell.group(1), re.S)
    return markup.unescape(said.group(1)) if said else ""


def test_l6_evaluating_comes_back_at_the_row_saying_what_was_done(browser_as, entries):
    browser = browser_as("marketer")
    answer = browser.post(
        "/interactions/1/evaluate",
        data={"csrf_token": browser.csrf, "evaluation": "positive"},
        headers={"referer": "http://testserver/interactions?q=letter&evaluated=2"},
    )
    assert answer.status_code == 303
    assert answer.headers["location"] == "/interactions?q=letter&evaluated=1#evaluation-1"
    page = browser.get(answer.headers["location"].split("#")[0]).text
    assert status_of(page, 1) == "Interaction 1 evaluated: Positive."
    cleared = browser.post(
        "/interactions/1/evaluate", data={"csrf_token": browser.csrf, "evaluation": ""}
    )
    assert cleared.headers["location"] == "/interactions?evaluated=1#evaluation-1"
    page = browser.get("/interactions?evaluated=1").text
    assert status_of(page, 1) == "Interaction 1: evaluation cleared."
    assert status_of(page, 2) == ""
    assert status_of(browser.get("/interactions").text, 1) == ""


def test_l6_a_rows_evaluation_and_its_cancel_or_uncancel_stand_in_columns_of_their_own(
    browser_as, entries
):
    """Uncancel is wider than Cancel: in one cell with the evaluation it pushed the select
    and Evaluate to the right of the other rows' (review item 20)."""
    html = browser_as("marketer").get("/interactions").text
    for no, action in ((1, "cancel"), (2, "uncancel")):
        row = re.search(rf"<tr><td>{no}</td>(.*?)</tr>", html, re.S).group(1)
        cells = re.findall(r"<td[^>]*>(.*?)</td>", row, re.S)
        assert f'action="/interactions/{no}/evaluate"' in cells[-3]
        assert f'action="/interactions/{no}/{action}"' in cells[-1]
        assert "/evaluate" not in cells[-1]
    head = re.search(r"<thead>(.*?)</thead>", html, re.S).group(1)
    assert head.count('<th scope="col">') == 10


def export_job(sessions) -> int:
    job_id = jobs.submit(sessions, kind="export", params={"segment": "SEG1"}, by="marketer1")
    with sessions.begin() as session:
        row = session.get(t.Job, job_id)
        row.state = "done"
        row.created_at = dt.datetime(2026, 12, 1, 9, 5, 0)
        row.result = json.dumps(
            {"rows": 64, "kept_until": "2026-12-08T16:01:55", "filename": "SEG1.xlsx"}
        )
    return job_id


def test_k4_an_exports_kept_until_is_a_moment_in_the_pages_language(browser_as, sessions):
    job_id = export_job(sessions)
    browser = browser_as("marketer")
    english = browser.get(f"/jobs/{job_id}").text.replace("\u202f", " ")  # Babel's before PM
    assert "<dt>Kept until</dt><dd>December 8, 2026, 4:01 PM UTC</dd>" in english
    dutch = browser.get(f"/jobs/{job_id}", headers=DUTCH).text
    assert "<dd>8 december 2026, 16:01 UTC</dd>" in dutch
    assert "2026-12-08T16:01:55" not in english + dutch
    listed = browser.get("/jobs", headers=DUTCH).text
    assert "<td>1 december 2026, 09:05 UTC</td>" in listed


@pytest.mark.parametrize("headers", [{}, DUTCH])
def test_k4_a_missing_or_anothers_job_is_said_as_a_sentence(browser_as, sessions, headers):
    job_id = export_job(sessions)
    for role, missing in (("marketer", 999), ("viewer", job_id)):
        answer = browser_as(role).get(f"/jobs/{missing}", headers=headers)
        assert answer.status_code == 404
        said = re.search(r'class="error" role="alert">\s*(.*?)\s*<', answer.text, re.S).group(1)
        assert said[0].isupper(), said
        assert said.endswith(f"{missing}.")


def test_k4_the_api_keeps_its_words_for_a_missing_job(client_as):
    answer = client_as("marketer").get("/api/jobs/999")
    assert answer.status_code == 404
    assert answer.json()["detail"] == "there is no job 999"


def test_l5_the_logged_segments_cancel_names_the_interactions_it_cancels(browser_as, entries):
    html = browser_as("marketer").get("/logged-segments/1").text
    button = re.search(r'action="/logged-segments/1/cancel">.*?<button[^>]*>(.*?)</button>', html)
    assert button.group(1) == "Cancel interactions"
