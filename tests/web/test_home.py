"""The start page (SPEC §1: a newcomer builds a segment within a minute; §8): a marketer
starts a segment there in one step and lands on its card; the page lists the segments
created last, the last first, with their lines, and the user's own jobs; a viewer sees the
lists without the form."""

from __future__ import annotations

import re

from rapport.services.jobs import queue as jobs
from rapport.services.segments import actions, header
from tests.web.segment_pages import world


def listed_segments(html: str) -> list[str]:
    section = html.split('id="latest-segments"', 1)[1].split("</section>", 1)[0]
    return re.findall(r'<a href="/segments/(SEG\d+)">', section)


def test_s1_a_marketer_starts_a_segment_from_the_start_page(browser_as, sessions):
    world(sessions)
    browser = browser_as("marketer")
    html = browser.get("/").text
    form = html.split('id="start-segment"', 1)[1].split("</form>", 1)[0]
    assert '<form method="post" action="/segments">' in form
    assert 'name="description" required' in form
    made = browser.post("/segments", data={"csrf_token": browser.csrf, "description": "Fair"})
    assert made.status_code == 303
    no = made.headers["location"].rsplit("/", 1)[1]
    assert header.get(sessions, no).description == "Fair"
    assert listed_segments(browser.get("/").text)[0] == no


def test_s1_the_start_page_lists_the_five_segments_made_last_with_their_lines(browser_as, sessions):
    first = world(sessions, criteria="type = person")
    made = [first]
    for n in range(6):
        made.append(header.create_segment(sessions, description=f"S{n}", user="marketer1").no)
    actions.add_contacts(sessions, made[-1], criteria="type = company", user="marketer1")
    html = browser_as("viewer").get("/").text
    assert listed_segments(html) == made[::-1][:5]
    lines = header.get(sessions, made[-1]).no_of_lines
    assert lines > 1
    assert f"{lines} lines" in html
    assert '<a href="/segments">All segments</a>' in html
    assert 'id="start-segment"' not in html


def test_x9_the_start_page_shows_the_users_own_jobs_only(browser_as, sessions):
    world(sessions)
    mine = [
        jobs.submit(sessions, kind="export", params={}, by="marketer1", total=10) for _ in range(6)
    ]
    theirs = jobs.submit(sessions, kind="import", params={}, by="admin1")
    html = browser_as("marketer").get("/").text
    section = html.split('id="my-jobs"', 1)[1].split("</section>", 1)[0]
    shown = [int(job) for job in re.findall(r'<a href="/jobs/(\d+)">', section)]
    assert shown == mine[::-1][:5]
    assert theirs not in shown
    assert "0 / 10" in section


def test_the_start_page_without_segments_or_jobs_says_so(browser_as, sessions):
    html = browser_as("marketer").get("/").text
    assert listed_segments(html) == []
    assert "There are no segments yet." in html
    assert 'id="my-jobs"' not in html
