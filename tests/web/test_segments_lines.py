"""The segment card's lines (S5, S7, X3, X5; issue 13 item 2): the grid paged by keyset and
filtered with criteria, a page of another size kept by every way to another page of lines
and a bad size refused, a line edited in place and removed, explain, membership history,
and contact names shown as text."""

from __future__ import annotations

import gc
import html as markup
import re
import sys

import pytest

from rapport.services.segments import actions, header, history
from rapport.services.segments.browse import MAX_PAGE
from rapport.web.segments import HISTORY_SHOWN, LINES_PER_PAGE
from tests.factories import make_person
from tests.web.segment_pages import section, world


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
    assert f'href="/segments/{no}?limit=3&amp;after=30000#lines-pane"' in html


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


def test_s5_a_line_that_is_not_there_is_said_in_the_pages_language(browser_as, sessions):
    """A line removed since the page was shown (another user): its row's Edit answers 404
    with the segment and the line named, in Dutch on a Dutch page."""
    no = world(sessions, criteria="no = P1")
    browser = browser_as("marketer")
    english = browser.get(f"/segments/{no}/lines/999/edit")
    assert english.status_code == 404
    assert f"Segment {no} has no line 999." in english.text
    dutch = browser.get(f"/segments/{no}/lines/999/edit", headers={"accept-language": "nl-BE"})
    assert dutch.status_code == 404
    assert f"Segment {no} heeft geen regel 999." in dutch.text


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


def _rows(html: str) -> list[str]:
    return re.findall(r'<tr id="line-(\d+)"', html)


def _addresses(html: str, attribute: str) -> list[str]:
    """Every address of `attribute` (href, hx-get, hx-post, action) that leads to the
    segment's card or its lines, as the browser reads it."""
    found = re.findall(rf'\b{attribute}="(/segments/[^"]*)"', html)
    return [markup.unescape(address) for address in found]


def test_s7_a_page_of_lines_of_another_size_keeps_it_through_the_pager_and_the_filter(
    browser_as, sessions
):
    """S7, SPEC §8: the lines per page (`limit`) the card's address asked for is kept by the
    pager's links (next and first, with and without htmx) and by the lines' filter (its
    form and its live search), so that every page of lines they lead to has that size."""
    no = world(sessions, criteria="country = BE")
    browser = browser_as("viewer")
    card = browser.get(f"/segments/{no}", params={"limit": 2}).text
    lines = section(card, "lines-pane")
    assert '<input type="hidden" name="limit" value="2">' in lines
    assert f'hx-get="/segments/{no}/lines?limit=2"' in lines  # the live filter's
    [following] = [link for link in _addresses(lines, "href") if "after=" in link]
    assert following == f"/segments/{no}?limit=2&after=20000#lines-pane"
    second = browser.get(following.split("#")[0]).text
    assert _rows(second) == ["30000", "40000"]
    pager = _addresses(section(second, "lines-pane"), "href")
    assert f"/segments/{no}?limit=2#lines-pane" in pager  # first lines
    assert f"/segments/{no}?limit=2&after=40000#lines-pane" in pager
    fragment = browser.get(f"/segments/{no}/lines", params={"limit": 2, "after": 20000}).text
    assert [link for link in _addresses(fragment, "hx-get") if "/lines?" in link] == [
        f"/segments/{no}/lines?limit=2",
        f"/segments/{no}/lines?limit=2&after=40000",
    ]
    filtered = browser.get(f"/segments/{no}", params={"filter": "type = person", "limit": 2})
    assert len(_rows(filtered.text)) == 2
    [following] = [
        link
        for link in _addresses(section(filtered.text, "lines-pane"), "href")
        if "after=" in link
    ]
    assert following.startswith(f"/segments/{no}?filter=type+%3D+person&limit=2&after=")


def test_s7_a_page_of_the_default_size_adds_no_limit_to_any_address(browser_as, sessions):
    """S7: without a `limit` of its own, no link or form of the lines names one."""
    no = world(sessions)
    with sessions.begin() as session:
        for index in range(LINES_PER_PAGE + 1):
            make_person(session, f"L{index:03}", f"Person {index}", country="LU")
    actions.add_contacts(sessions, no, criteria="country = LU", user="marketer1")
    browser = browser_as("marketer")
    card = browser.get(f"/segments/{no}").text
    after = re.search(r'href="/segments/[^"]*after=(\d+)#lines-pane"', card).group(1)
    for page in (
        section(card, "lines-pane"),
        browser.get(f"/segments/{no}/lines", params={"after": after}).text,
        browser.get(f"/segments/{no}/lines/10000/edit", params={"after": after}).text,
    ):
        assert "limit" not in page
    assert len(_rows(card)) == LINES_PER_PAGE


def test_s5_a_line_edited_then_removed_on_a_page_of_another_size_comes_back_to_that_page(
    browser_as, sessions
):
    """S5: on a filtered, later page of 2 lines, a line's edit form, its "Cancel", the row
    its saving brings back and that row's "Remove" keep the page (filter, cursor and size),
    and after the removal the card comes back on that page of 2 lines."""
    no = world(sessions, criteria="country = BE")
    browser = browser_as("marketer")
    on_page = {"filter": "type = person", "limit": 2, "after": 20000}
    kept = "?filter=type+%3D+person&limit=2&after=20000"
    card = browser.get(f"/segments/{no}", params=on_page).text
    line = _rows(card)[0]
    edit = f"/segments/{no}/lines/{line}/edit{kept}"
    assert edit in _addresses(card, "hx-get")
    form = browser.get(edit).text
    assert _addresses(form, "hx-post") == [f"/segments/{no}/lines/{line}{kept}"]
    assert f"/segments/{no}/lines/{line}{kept}" in _addresses(form, "hx-get")  # cancel
    saved = browser.post(
        f"/segments/{no}/lines/{line}{kept}", data={"csrf_token": browser.csrf, "subject": "Hi"}
    )
    assert saved.status_code == 200
    [remove] = _addresses(saved.text, "action")
    assert remove == f"/segments/{no}/lines/{line}/remove{kept}#lines-pane"
    answer = browser.post(remove.split("#")[0], data={"csrf_token": browser.csrf})
    assert answer.status_code == 303
    assert answer.headers["location"] == (
        f"/segments/{no}?done=line&filter=type+%3D+person&limit=2&after=20000#lines-pane"
    )
    back = browser.get(answer.headers["location"].split("#")[0]).text
    assert len(_rows(back)) == 2
    assert "First lines" in section(back, "lines-pane")


@pytest.mark.parametrize("limit", ["0", "-1", str(MAX_PAGE + 1), "9" * 30, "many"])
def test_s7_a_bad_number_of_lines_per_page_is_refused_with_a_page(limit, browser_as, sessions):
    """S7: a `limit` of lines per page that no page has (0, a negative, more than the largest
    page, past 64 bits, text) is refused with the error page (422), never a 500 nor a page
    of another size than asked; nothing is removed."""
    no = world(sessions, criteria="country = BE")
    browser = browser_as("marketer")
    for answer in (
        browser.get(f"/segments/{no}/lines", params={"limit": limit}),
        browser.get(f"/segments/{no}/lines/10000", params={"limit": limit}),
        browser.get(f"/segments/{no}/lines/10000/edit", params={"limit": limit}),
        browser.post(
            f"/segments/{no}/lines/10000/remove",
            params={"limit": limit},
            data={"csrf_token": browser.csrf},
        ),
    ):
        assert answer.status_code == 422, answer.request.url
        assert 'class="error" role="alert"' in answer.text
    assert len(list(header.get_lines(sessions, no))) == 5
    largest = browser.get(f"/segments/{no}/lines", params={"limit": MAX_PAGE})
    assert largest.status_code == 200
    assert len(_rows(largest.text)) == 5
