"""The segment card's lines (S5, X3, X5; issue 13 item 2): the grid paged by keyset and
filtered with criteria, a line edited in place and removed, explain, membership history,
and contact names shown as text."""

from __future__ import annotations

import gc
import re
import sys

from rapport.services.segments import actions, header, history
from rapport.web.segments import HISTORY_SHOWN
from tests.factories import make_person
from tests.web.segment_pages import world


def test_the_lines_grid_is_paged_by_keyset_and_filtered_with_criteria(browser_as, sessions):
    no = world(sessions, criteria="country = BE")
    browser = browser_as("viewer")
    first = browser.get(f"/segments/{no}/lines", params={"limit": 2}).text
    rows = re.findall(r'<tr id="line-(\d+)"', first)
    assert rows == ["10000", "20000"]
    after = re.search(r'hx-get="[^"]*after=(\d+)"', first).group(1)
    second = browser.get(f"/segments/{no}/lines", params={"limit": 2, "after": after}).text
    assert re.findall(r'<tr id="line-(\d+)"', second) == ["30000", "40000"]
    persons = browser.get(f"/segments/{no}/lines", params={"filter": "type = company"}).text
    assert len(re.findall(r'<tr id="line-', persons)) == 1
    assert ">ACME</a>" in persons
    bad = browser.get(f"/segments/{no}/lines", params={"filter": "typ = company"}).text
    assert "did you mean &#39;type&#39;" in bad


def test_the_card_shows_the_first_page_and_a_next_link_that_works_without_script(
    browser_as, sessions
):
    no = world(sessions, criteria="country = BE")
    html = browser_as("viewer").get(f"/segments/{no}", params={"limit": 3}).text
    assert len(re.findall(r'<tr id="line-', html)) == 3
    assert f'href="/segments/{no}?filter=&amp;limit=3&amp;after=30000#lines-pane"' in html


def test_s5_a_line_is_edited_in_place(browser_as, sessions):
    no = world(sessions, criteria="no = P1")
    browser = browser_as("marketer")
    form = browser.get(f"/segments/{no}/lines/10000/edit").text
    assert form.startswith('<tr id="line-10000" class="editing">')
    assert f'hx-post="/segments/{no}/lines/10000"' in form
    answer = browser.post(
        f"/segments/{no}/lines/10000",
        data={"csrf_token": browser.csrf, "subject": "Hello Ann", "evaluation": "positive"},
    )
    assert answer.status_code == 200
    assert answer.text.startswith('<tr id="line-10000">')
    assert "Hello Ann" in answer.text
    [line] = list(header.get_lines(sessions, no))
    assert (line.subject, line.evaluation) == ("Hello Ann", "positive")
    bad = browser.post(
        f"/segments/{no}/lines/10000", data={"csrf_token": browser.csrf, "language_code": "XX"}
    )
    assert bad.status_code == 422
    assert 'class="editing"' in bad.text
    assert "XX" in bad.text


def test_s5_a_line_is_removed_as_its_own_undoable_action(browser_as, sessions):
    no = world(sessions, criteria="country = NL")
    browser = browser_as("marketer")
    answer = browser.post(f"/segments/{no}/lines/10000/remove", data={"csrf_token": browser.csrf})
    assert answer.status_code == 303
    assert [line.contact_no for line in header.get_lines(sessions, no)] == ["P3"]
    assert history.criteria(sessions, no)[-1].manual
    assert browser.get(f"/segments/{no}/lines/10000").status_code == 404


def test_x3_explain_tells_which_action_put_the_contact_there(browser_as, sessions):
    no = world(sessions, criteria="country = BE and type = person")
    answer = browser_as("viewer").get(f"/segments/{no}/explain", params={"contact": "P1"})
    assert answer.status_code == 200
    assert "How P1 Ann came on this segment" in answer.text
    assert "Added to the segment by action 1: Add contacts" in answer.text
    assert "matches: <code>country = BE</code>" in answer.text
    missing = browser_as("viewer").get(f"/segments/{no}/explain", params={"contact": "NOPE"})
    assert missing.status_code == 404
    assert "The Contact does not exist." in missing.text


def test_x5_membership_history_lists_entries_and_exits(browser_as, sessions):
    no = world(sessions, criteria="country = NL")
    actions.reduce(sessions, no, criteria="no = P3", user="marketer1")
    html = browser_as("viewer").get(f"/segments/{no}/history").text
    groups = re.split(r'<th scope="rowgroup"', html)[1:]
    assert groups[0].startswith(' colspan="3"><a href="#action-1">Action 1: Add contacts')
    assert re.search(r"<td>Added</td>\s*<td>P3</td>", groups[0])
    assert groups[1].startswith(' colspan="3"><a href="#action-2">Action 2: Remove contacts')
    assert re.search(r"<td>Removed</td>\s*<td>P3</td>", groups[1])


def test_x5_a_history_longer_than_the_page_shows_leaves_no_database_cursor_open(
    browser_as, sessions, monkeypatch
):
    """The page reads only the first HISTORY_SHOWN events of the streamed log; on PostgreSQL
    the rest of the stream was left on an open server-side cursor (found by
    test_forms_fuzz.py's crawl)."""
    no = world(sessions)
    with sessions.begin() as session:
        for index in range(HISTORY_SHOWN + 1):
            make_person(session, f"H{index:03}", f"Person {index}", country="LU")
    actions.add_contacts(sessions, no, criteria="country = LU", user="marketer1")
    unraised = []
    monkeypatch.setattr(sys, "unraisablehook", unraised.append)
    html = browser_as("viewer").get(f"/segments/{no}/history").text
    gc.collect()
    assert len(re.findall(r"<td>Added</td>", html)) == HISTORY_SHOWN
    assert [str(found.exc_value) for found in unraised] == []


def test_s5_a_line_no_past_64_bits_in_the_address_is_refused_with_a_page(browser_as, sessions):
    """SQLite could not bind it: a 500 (found by test_forms_fuzz.py)."""
    no = world(sessions, criteria="no = P1")
    browser = browser_as("marketer")
    far = "99999999999999999999"
    for answer in (
        browser.get(f"/segments/{no}/lines/{far}/edit"),
        browser.post(f"/segments/{no}/lines/{far}", data={"csrf_token": browser.csrf}),
        browser.post(f"/segments/{no}/lines/{far}/remove", data={"csrf_token": browser.csrf}),
    ):
        assert answer.status_code == 422
        assert 'class="error" role="alert"' in answer.text
    assert [line.contact_no for line in header.get_lines(sessions, no)] == ["P1"]


def test_a_contact_named_like_markup_is_shown_as_text(browser_as, sessions):
    no = world(sessions)
    with sessions.begin() as session:
        make_person(session, "X1", "<script>alert(1)</script>", country="BE")
    actions.add_contacts(sessions, no, criteria="no = X1", user="marketer1")
    browser = browser_as("marketer")
    for url in (f"/segments/{no}", f"/segments/{no}/lines", f"/segments/{no}/lines/10000/edit"):
        html = browser.get(url).text
        assert "<script>alert(1)</script>" not in html, url
        assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html, url
    preview = browser.get(
        f"/segments/{no}/preview", params={"criteria": "no = X1", "allow_existing": "true"}
    )
    assert "<script>alert" not in preview.text


def test_a_line_cursor_past_64_bits_in_the_address_is_refused_with_a_page(browser_as, sessions):
    """The lines' `after` was a 500 past 64 bits (SQLite cannot bind it); line nos. go to
    2**62, as the API's do."""
    no = world(sessions)
    browser = browser_as("viewer")
    for path in (f"/segments/{no}", f"/segments/{no}/lines"):
        answer = browser.get(f"{path}?after=99999999999999999999")
        assert answer.status_code == 422, path
        assert 'class="error" role="alert"' in answer.text
        assert browser.get(f"{path}?after={2**62}").status_code == 200
