"""Import in the browser (SPEC §8, K4, X9; issue 13 items 1, 6 and 9): an admin uploads a CSV
into a table; it runs as a job whose page shows the outcome, and a bad file's report names
each bad row's line, column and reason; a marketer cannot import."""

from __future__ import annotations

import json
import re
from pathlib import Path

from rapport.services.jobs import queue as jobs
from rapport.services.jobs.runners import runners
from rapport.settings import Settings
from rapport.storage import tables as t

GOOD = b"no,type,name\nC1,company,Alpha\nC2,company,<b>Beta</b>\n"
BAD = b"no,type,name\nC1,company,Alpha\nC2,robot,Beta\n"


def upload(browser, content: bytes, **form: str):
    return browser.post(
        "/import",
        data={"csrf_token": browser.csrf, "table": "contacts", **form},
        files={"file": ("contacts.csv", content, "text/csv")},
    )


def run_job(sessions) -> None:
    assert jobs.run_next(sessions, runners(Settings())) is True


def test_k4_an_upload_runs_as_a_job_and_its_page_shows_the_outcome(browser_as, sessions):
    browser = browser_as("admin")
    assert '<select id="table" name="table" required>' in browser.get("/import").text
    answer = upload(browser, GOOD)
    assert answer.status_code == 303
    job_path = answer.headers["location"]
    job_id = int(re.fullmatch(r"/jobs/(\d+)", job_path).group(1))
    with sessions.begin() as session:
        kept = Path(json.loads(session.get(t.Job, job_id).params)["path"])
    assert kept.read_bytes() == GOOD
    run_job(sessions)
    assert not kept.exists()
    html = browser.get(job_path).text
    assert "Done." in html
    assert "<p>Importing contacts.csv into contacts.</p>" in html
    assert "<dt>Rows added</dt><dd>2</dd>" in html
    assert "<dt>Rows changed</dt><dd>0</dd>" in html
    assert "Bad rows" not in html
    with sessions.begin() as session:
        assert session.query(t.Contact).filter_by(no="C2").one().name == "<b>Beta</b>"


def test_k4_a_bad_file_imports_nothing_and_reports_line_column_and_reason(browser_as, sessions):
    browser = browser_as("admin")
    job_path = upload(browser, BAD).headers["location"]
    run_job(sessions)
    html = browser.get(job_path).text
    assert "Failed." in html
    # worded as the import words it (the API's job error, the command line's)
    assert '<p class="error" role="alert">1 bad row; nothing imported</p>' in html
    assert re.findall(r'<tr><td class="num">(\d+)</td><td>(\w+)</td><td>[^<]+</td></tr>', html) == [
        ("3", "type")
    ]
    assert "Rows added" not in html  # the outcome of an import that did not happen
    with sessions.begin() as session:
        assert session.query(t.Contact).filter_by(no="C1").count() == 0


def test_k4_a_failed_import_says_the_rows_it_read_not_that_it_did_them(browser_as, sessions):
    """Its count was "2 of 2" beside "Failed." under a full progress bar, as if the two
    rows had been imported; it says what was read, on its page, the jobs list and the start
    page, and in Dutch; a running job keeps its "N of M"."""
    browser = browser_as("admin")
    job_path = upload(browser, BAD).headers["location"]
    job_id = int(job_path.rsplit("/", 1)[1])
    run_job(sessions)
    html = browser.get(job_path).text
    status = re.search(r'<p role="status" data-state="failed">(.*?)</p>', html, re.S).group(1)
    assert " ".join(status.split()) == "Failed. 2 rows read"
    assert "<progress" not in html
    for listing in ("/jobs", "/"):
        listed = browser.get(listing).text
        assert "2 rows read" in listed, listing
        assert "2 / 2" not in listed, listing
    dutch = browser.get(job_path, headers={"accept-language": "nl-BE"}).text
    assert "Mislukt. 2 rijen gelezen" in " ".join(dutch.split())
    with sessions.begin() as session:
        row = session.get(t.Job, job_id)
        row.state, row.done = "running", 1
    running = browser.get(job_path).text
    assert "Running… 1 of 2" in " ".join(running.split())
    assert '<progress id="job-bar-' in running


def test_k4_x9_an_imports_page_is_in_the_pages_language(browser_as, sessions):
    """The job's message, the bad rows' headline and the table's captions in Dutch (their
    reasons too: test_dutch_pages.py); in English the message is the service's."""
    browser = browser_as("admin")
    failed = upload(browser, BAD).headers["location"]
    run_job(sessions)
    dutch = browser.get(failed, headers={"accept-language": "nl-BE"}).text
    assert "<p>contacts.csv wordt in contacts geïmporteerd.</p>" in dutch
    assert '<p class="error" role="alert">1 foute rij; er is niets geïmporteerd</p>' in dutch
    assert '<th scope="col">Kolom</th><th scope="col">Reden</th>' in dutch
    assert "<h1>Opdracht " in dutch
    done = upload(browser, GOOD).headers["location"]
    run_job(sessions)
    dutch = browser.get(done, headers={"accept-language": "nl-BE"}).text
    assert "<dt>Rijen toegevoegd</dt><dd>2</dd>" in dutch
    english = browser.get(done, headers={"accept-language": "en"}).text
    assert "<p>Importing contacts.csv into contacts.</p>" in english


def test_k4_an_import_that_skips_bad_rows_says_how_many_and_lists_them(browser_as, sessions):
    browser = browser_as("admin")
    job_path = upload(browser, BAD, skip_bad_rows="true").headers["location"]
    run_job(sessions)
    html = browser.get(job_path).text
    assert "Done." in html
    assert "<dt>Rows added</dt><dd>1</dd>" in html
    assert "<dt>Bad rows skipped</dt><dd>1</dd>" in html
    assert re.search(r'<tr><td class="num">3</td><td>type</td>', html)
    assert 'role="alert"' not in html


def test_k4_a_file_that_is_not_csv_or_xlsx_is_refused_beside_the_form(browser_as, sessions):
    browser = browser_as("admin")
    answer = browser.post(
        "/import",
        data={"csrf_token": browser.csrf, "table": "contacts"},
        files={"file": ("contacts.exe", b"MZ", "application/octet-stream")},
    )
    assert answer.status_code == 422
    assert 'id="import-error"' in answer.text
    assert jobs.get_all(sessions) == []


def test_x9_a_marketer_cannot_import(browser_as, sessions):
    marketer = browser_as("marketer")
    assert marketer.get("/import").status_code == 403
    assert upload(marketer, GOOD).status_code == 403
    assert jobs.get_all(sessions) == []
