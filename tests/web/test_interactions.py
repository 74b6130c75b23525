"""Interaction log entries in the browser (SPEC §8, L6, X9; issue 13 items 1 and 9): the list
with a criteria filter on the entries (an error beside the input), a plain search and keyset
paging; cancel, uncancel and evaluate an entry; totals by template; viewers change nothing."""

from __future__ import annotations

import datetime as dt
import re

import pytest

from rapport.storage import tables as t
from tests.factories import build_log_world, make_interaction


@pytest.fixture
def logged_entries(sessions):
    with sessions.begin() as session:
        people = build_log_world(session)
        for index in range(55):
            make_interaction(
                session,
                people["P1"],
                interaction_template_code="ABSTRACT",
                description=f"Letter {index}",
                date=dt.date(2026, 3, 2),
                cost=2,
            )
        make_interaction(
            session,
            people["P2"],
            interaction_template_code="CALL",
            description="<b>Call</b> back",
            date=dt.date(2026, 3, 3),
            cost=1,
        )
    return people


def entry_nos(html: str) -> list[str]:
    return re.findall(r"<tr><td>(\d+)</td>", html)


def test_l6_the_list_filters_by_criteria_searches_and_pages(browser_as, logged_entries):
    browser = browser_as("viewer")
    first = browser.get("/interactions").text
    assert len(entry_nos(first)) == 50
    following = re.search(r'href="(/interactions\?after=[^"]+)"', first)
    assert following is not None
    second = browser.get(following.group(1).replace("&amp;", "&")).text
    assert len(entry_nos(second)) == 6
    assert set(entry_nos(first)).isdisjoint(entry_nos(second))
    calls = browser.get("/interactions", params={"where": "template = CALL"}).text
    assert entry_nos(calls) == ["56"]
    assert entry_nos(browser.get("/interactions", params={"q": "call back"}).text) == []
    assert entry_nos(browser.get("/interactions", params={"q": "</b> back"}).text) == ["56"]


def test_l6_a_criteria_error_is_shown_beside_the_input(browser_as, logged_entries):
    html = browser_as("viewer").get("/interactions", params={"where": "templat = CALL"}).text
    assert 'id="where-error"' in html
    assert "template" in re.search(r'id="where-error"[^>]*>(.*?)</p>', html).group(1)


def test_l6_totals_by_template_follow_the_filter(browser_as, logged_entries):
    browser = browser_as("viewer")
    html = browser.get("/interactions", params={"by": "template"}).text
    assert "<td>ABSTRACT</td><td>Abstract</td><td>55</td><td>110.00</td>" in html
    assert "<td>CALL</td><td>Call</td><td>1</td><td>1.00</td>" in html
    only_calls = browser.get("/interactions", params={"where": "template = CALL"}).text
    assert "<td>ABSTRACT</td>" not in only_calls


def test_x9_descriptions_are_escaped(browser_as, logged_entries):
    html = browser_as("viewer").get("/interactions", params={"where": "template = CALL"}).text
    assert "&lt;b&gt;Call&lt;/b&gt; back" in html
    assert "<b>Call</b>" not in html


def test_l6_a_marketer_cancels_uncancels_and_evaluates(browser_as, logged_entries, sessions):
    browser = browser_as("marketer")
    token = {"csrf_token": browser.csrf}
    assert (
        'action="/interactions/56/cancel"' in browser.get("/interactions?where=entry_no%3D56").text
    )
    answer = browser.post(
        "/interactions/56/cancel",
        data=token,
        headers={"referer": "http://testserver/interactions?q=x"},
    )
    assert (answer.status_code, answer.headers["location"]) == (303, "/interactions?q=x")
    with sessions.begin() as session:
        assert session.get(t.InteractionLogEntry, 56).canceled is True
    browser.post("/interactions/56/uncancel", data=token)
    browser.post("/interactions/56/evaluate", data={**token, "evaluation": "positive"})
    with sessions.begin() as session:
        entry = session.get(t.InteractionLogEntry, 56)
        assert (entry.canceled, entry.evaluation) == (False, "positive")
    refused = browser.post("/interactions/56/evaluate", data={**token, "evaluation": "great"})
    assert refused.status_code == 422


def test_x9_a_viewer_sees_no_actions_and_a_forged_post_is_refused(
    browser_as, logged_entries, sessions
):
    viewer = browser_as("viewer")
    assert "/cancel" not in viewer.get("/interactions").text
    answer = viewer.post("/interactions/56/cancel", data={"csrf_token": viewer.csrf})
    assert answer.status_code == 403
    with sessions.begin() as session:
        assert session.get(t.InteractionLogEntry, 56).canceled is False


@pytest.mark.parametrize("entry_no", [str(2**31), "99999999999999999999"])
def test_an_entry_no_past_32_bits_in_the_address_is_refused_with_a_page(
    browser_as, logged_entries, entry_no
):
    """Both were a 500 (found by test_forms_fuzz.py): PostgreSQL cannot compare the first
    with the column, SQLite cannot bind the second."""
    browser = browser_as("marketer")
    for action in ("cancel", "uncancel", "evaluate"):
        answer = browser.post(
            f"/interactions/{entry_no}/{action}", data={"csrf_token": browser.csrf}
        )
        assert answer.status_code == 422, action
        assert 'class="error" role="alert"' in answer.text


@pytest.mark.parametrize("path", ["/interactions", "/logged-segments"])
def test_a_cursor_past_32_bits_in_a_lists_address_is_refused_with_a_page(
    browser_as, logged_entries, path
):
    """A forged `after` was a 500 from 2**31 on PostgreSQL; it is a bad request."""
    browser = browser_as("marketer")
    for after in (str(2**31), "99999999999999999999"):
        answer = browser.get(f"{path}?after={after}")
        assert answer.status_code == 422, after
        assert 'class="error" role="alert"' in answer.text
    assert browser.get(f"{path}?after={2**31 - 1}").status_code == 200
