"""K4 in the browser: an import's job page counts bad rows, not their errors (a row with an
unknown country and an unknown language is one bad row with two errors, each listed)."""

from __future__ import annotations

import re

from rapport.services.jobs import queue as jobs
from rapport.services.jobs.runners import runners
from rapport.settings import Settings

TWO_ERRORS = b"no,type,name,country,language\nC1,company,Alpha,,\nC2,company,Beta,ZZ,XXX\n"


def imported(browser, sessions, **form: str) -> str:
    answer = browser.post(
        "/import",
        data={"csrf_token": browser.csrf, "table": "contacts", **form},
        files={"file": ("contacts.csv", TWO_ERRORS, "text/csv")},
    )
    assert jobs.run_next(sessions, runners(Settings())) is True
    return browser.get(answer.headers["location"]).text


def test_k4_a_refused_import_counts_one_bad_row_with_two_errors(browser_as, sessions):
    html = imported(browser_as("admin"), sessions)
    assert '<p class="error" role="alert">1 bad row (2 errors); nothing imported</p>' in html
    rows = re.findall(r'<tr><td class="num">(\d+)</td><td>(\w+)</td>', html)
    assert rows == [("3", "country"), ("3", "language")]


def test_k4_a_skipping_import_counts_one_bad_row_skipped(browser_as, sessions):
    html = imported(browser_as("admin"), sessions, skip_bad_rows="true")
    assert "<dt>Bad rows skipped</dt><dd>1</dd>" in html
    assert "<dt>Rows added</dt><dd>1</dd>" in html


def test_k4_the_job_page_words_a_refusal_as_the_import_does(browser_as, sessions):
    """One wording of a refused file (`imports.refusal`): the page's headline is the first
    line of the job's error, which the API gives and the command line prints."""
    html = imported(browser_as("admin"), sessions)
    (job,) = jobs.get_all(sessions)
    headline = job.error.splitlines()[0]
    assert headline == "1 bad row (2 errors); nothing imported"
    assert f'<p class="error" role="alert">{headline}</p>' in html
