"""The segment pages' security (SPEC §10, issue 13 item 9): viewers see no change action and
a forged change gets 403; a cookie write without the CSRF token gets 403; the pages load
no inline script; export runs as a job whose page offers the file (S13)."""

from __future__ import annotations

import re

import pytest

from rapport.server.roles import ROUTE_ROLES, Role
from rapport.services.jobs import queue as jobs
from rapport.services.jobs.runners import runners
from rapport.services.segments import header
from tests.web.segment_pages import buttons, csrf, posting_forms, world

SEGMENT_WRITES = sorted(
    path.replace("{no}", "SEG00001").replace("{line_no}", "10000")
    for (method, path), role in ROUTE_ROLES.items()
    if method == "POST" and path.startswith("/segments") and role is Role.MARKETER
)


def test_a_viewer_sees_no_change_action(browser_as, sessions):
    no = world(sessions, criteria="country = BE")
    browser = browser_as("viewer")
    for url in ("/segments", f"/segments/{no}", f"/segments/{no}/lines"):
        html = browser.get(url).text
        reading = ("/logout", f"/segments/{no}/export")  # an export changes nothing
        assert [a for a in posting_forms(html) if a not in reading] == [], url
        assert "hx-post" not in html, url
        names = set(buttons(html))
        assert names.isdisjoint({"Add contacts", "Undo", "Edit", "Remove", "Log segment"}), url
    card = browser.get(f"/segments/{no}").text
    assert {"Explain", "Export"} <= set(buttons(card))
    assert "<textarea" not in card


@pytest.mark.parametrize("path", SEGMENT_WRITES)
def test_a_forged_change_by_a_viewer_gets_403_and_changes_nothing(path, browser_as, sessions):
    world(sessions, criteria="country = BE")
    browser = browser_as("viewer")
    form = {"csrf_token": browser.csrf, "criteria": "country = NL", "action": "add"}
    answer = browser.post(path, data={**form, "description": "Forged", "code": "X"})
    assert answer.status_code == 403
    assert "this needs the marketer role" in answer.text
    assert len(list(header.get_lines(sessions, "SEG00001"))) == 5
    assert header.get(sessions, "SEG00001").description == "Spring mailing"


@pytest.mark.parametrize("path", SEGMENT_WRITES[:4])
def test_a_marketer_write_without_the_csrf_token_gets_403(path, browser_as, sessions):
    world(sessions, criteria="country = BE")
    answer = browser_as("marketer").post(path, data={"criteria": "country = NL", "action": "add"})
    assert answer.status_code == 403
    assert "CSRF" in answer.text


def test_the_segment_pages_load_no_inline_script_or_style(browser_as, sessions):
    no = world(sessions, criteria="country = BE")
    browser = browser_as("marketer")
    for url in ("/segments", f"/segments/{no}", f"/segments/{no}/lines/10000/edit"):
        html = browser.get(url).text
        assert re.findall(r"<script(?![^>]*\bsrc=)[^>]*>", html) == [], url
        assert not re.search(r"\son[a-z]+=|\sstyle=|hx-on", html), url
    assert (
        '<script src="/static/criteria-builder.js" defer></script>'
        in browser.get(f"/segments/{no}").text
    )
    script = browser.get("/static/criteria-builder.js")
    assert script.status_code == 200
    assert "eval(" not in script.text


def test_s13_export_runs_as_a_job_whose_page_offers_the_file(browser_as, sessions, settings):
    no = world(sessions, criteria="country = NL")
    browser = browser_as("viewer")
    card = browser.get(f"/segments/{no}").text
    answer = browser.post(
        f"/segments/{no}/export", data={"format": "csv", "csrf_token": csrf(card)}
    )
    assert answer.status_code == 303
    job_page = answer.headers["location"]
    assert jobs.run_next(sessions, runners(settings)) is True
    html = browser.get(job_page).text
    link = re.search(r'<a id="job-download" href="([^"]+)"', html).group(1)
    assert link == f"{job_page}/file"
    file = browser.get(link)
    assert file.status_code == 200
    assert file.headers["content-type"].startswith("text/csv")
    assert f'filename="{no}.csv"' in file.headers["content-disposition"]
    assert "BETA" in file.text
    assert "P3" in file.text
    bad = browser.post(f"/segments/{no}/export", data={"format": "pdf", "csrf_token": csrf(card)})
    assert bad.status_code == 422
