"""After an action the card comes back where the user acted (S2–S5, S8–S10, S12, S14, X5;
SPEC §8): each form's redirect (Post/Redirect/Get) lands on the section of the card whose
form it was, by a fragment of the app's own section ids, and the card says what happened in
that section, so a user far down the card (on a phone) keeps their place and sees the
outcome. A refusal or one of Business Central's questions is said in that section too, and
each form's own address carries the fragment, so a 422 answer lands there as well."""

from __future__ import annotations

import re
from urllib.parse import parse_qs, urlsplit

import pytest

from rapport.services.segments import actions, header, reuse
from rapport.storage import tables as t
from rapport.web import segments
from tests.web.segment_pages import section, top_of_card, world

# (feature, path under the segment, form, criteria of the segment's first add, the
# redirect's `?done=…#section`)
ACTIONS = [
    ("S2", "header", {"description": "Renamed"}, "", "?done=header#general-pane"),
    (
        "S3",
        "actions",
        {"criteria": "no = P1", "action": "add"},
        "",
        "?done=action&added=1&lines=1#build-pane",
    ),
    (
        "S4",
        "actions",
        {"criteria": "no = P1", "action": "reduce"},
        "country = BE",
        "?done=action&removed=1&lines=4#build-pane",
    ),
    (
        "S4",
        "actions",
        {"criteria": "no = P1", "action": "refine"},
        "country = BE",
        "?done=action&removed=4&lines=1#build-pane",
    ),
    ("S8", "undo", {}, "country = BE", "?done=undone#actions-pane"),
    ("X5", "undo", {"to": "1"}, "country = BE", "?done=undone-to#actions-pane"),
    ("S5", "lines/10000/remove", {}, "country = BE", "?done=line#lines-pane"),
    ("S9", "save-criteria", {"code": "BE"}, "country = BE", "?done=saved#use-pane"),
    ("S9", "reuse-criteria", {"code": "NL"}, "", "?done=reused#use-pane"),
    ("S9", "reuse-criteria", {"code": "NL", "yes": "no"}, "country = BE", "#use-pane"),
    ("S10", "reuse-logged", {"logged_segment": "1", "yes": "no"}, "", "#build-pane"),
    (
        "S12",
        "mailing-group",
        {"mailing_group": "NEWSLETTER"},
        "country = BE",
        "?done=mailing-group#use-pane",
    ),
    (
        "S14",
        "opportunities",
        {"sales_cycle_code": "NEW"},
        "country = BE",
        "?done=opportunities#use-pane",
    ),
    ("S14", "tasks", {"description": "Call"}, "country = BE", "?done=tasks#use-pane"),
]


@pytest.mark.parametrize(
    ("feature", "path", "form", "criteria", "lands"),
    ACTIONS,
    ids=[f"{row[0]}-{row[1]}-{'-'.join(row[2].values())}" for row in ACTIONS],
)
def test_each_action_of_the_card_lands_on_the_section_whose_form_did_it(
    feature, path, form, criteria, lands, browser_as, sessions
):
    no = world(sessions, criteria=criteria)
    if feature == "X5":
        actions.reduce(sessions, no, criteria="no = P1", user="marketer1")
    if path == "reuse-criteria":
        other = header.create_segment(sessions, description="Dutch", user="marketer1").no
        actions.add_contacts(sessions, other, criteria="country = NL", user="marketer1")
        reuse.save_criteria(sessions, other, code="NL", user="marketer1")
    if path == "opportunities":
        with sessions.begin() as session:
            session.add(t.SalesCycle(code="NEW", description="New business"))
    browser = browser_as("marketer")
    answer = browser.post(f"/segments/{no}/{path}", data={"csrf_token": browser.csrf, **form})
    assert answer.status_code == 303, answer.text
    assert answer.headers["location"] == f"/segments/{no}{lands}"
    target = urlsplit(answer.headers["location"])
    card = browser.get(f"{target.path}?{target.query}").text
    assert f'id="{target.fragment}"' in card
    if target.query:
        said = section(card, target.fragment)
        done = parse_qs(target.query)["done"][0]
        message = segments.DONE_MESSAGES[done]
        if "lines=" in target.query:  # S3, S4: what the action did (test_segment_card_*.py)
            message = "the segment now has"
        assert re.search(rf'<p class="status" role="status">[^<]*{message}', said)
        assert 'role="status"' not in top_of_card(card)


@pytest.mark.parametrize(("done", "place"), sorted(segments.DONE_AT.items()))
def test_every_message_is_said_in_the_section_its_redirect_lands_on(
    done, place, browser_as, sessions
):
    no = world(sessions, criteria="country = BE")
    card = browser_as("marketer").get(f"/segments/{no}?done={done}").text
    message = segments.DONE_MESSAGES[done]
    assert card.count(message) == 1
    assert f'role="status">{message}</p>' in section(card, place)


def test_a_message_of_no_section_is_said_at_the_top_and_an_unknown_one_nowhere(
    browser_as, sessions
):
    no = world(sessions, criteria="country = BE")
    browser = browser_as("marketer")
    refreshed = browser.get(f"/segments/{no}?done=refreshed").text
    assert 'role="status">The segment has been refreshed.</p>' in top_of_card(refreshed)
    forged = browser.get(f"/segments/{no}?done=%22%3E%3Cscript%3E").text
    assert '<p class="status"' not in forged


def test_each_form_of_the_card_posts_to_an_address_that_lands_on_its_section(browser_as, sessions):
    """So an answer that is not a redirect (a refusal, a question) lands there too. Logging
    and exporting leave the card, a dynamic segment's refresh is at its top."""
    no = world(sessions, criteria="country = BE")
    header.set_header(sessions, no, values=[("dynamic", "true")])
    html = browser_as("marketer").get(f"/segments/{no}").text
    assert f'action="/segments/{no}/refresh"' in html
    addresses = re.findall(r'<form[^>]*method="post"[^>]*action="([^"]+)"', html)
    addresses += re.findall(r'formaction="([^"]+)"', html)
    leaving = {f"/segments/{no}/{name}" for name in ("log", "export", "refresh")} | {"/logout"}
    unplaced = [a for a in addresses if "#" not in a and a not in leaving]
    assert unplaced == []
    for address in addresses:
        if "#" in address:
            place = address.split("#", 1)[1]
            assert address in section(html, place), address


def test_s4_bc_question_is_asked_in_the_build_section_and_answers_back_to_it(browser_as, sessions):
    no = world(sessions, criteria="country = BE")
    browser = browser_as("marketer")
    form = {"csrf_token": browser.csrf, "criteria": "country = BE", "action": "reduce"}
    asked = browser.post(f"/segments/{no}/actions#build-pane", data=form).text
    build = section(asked, "build-pane")
    assert "Do you want to reset number of criteria actions?" in build
    assert f'action="/segments/{no}/actions#build-pane"' in build
    assert 'role="alertdialog"' not in top_of_card(asked)


@pytest.mark.parametrize(
    ("path", "form", "place", "said"),
    [
        ("undo", {}, "actions-pane", "has no criteria action to undo"),
        ("actions", {"criteria": "contry = BE", "action": "add"}, "build-pane", "unknown field"),
        ("save-criteria", {"code": ""}, "use-pane", "Code must have a value"),
    ],
)
def test_a_refusal_is_said_in_the_section_whose_form_was_posted(
    path, form, place, said, browser_as, sessions
):
    no = world(sessions)
    browser = browser_as("marketer")
    answer = browser.post(f"/segments/{no}/{path}", data={"csrf_token": browser.csrf, **form})
    assert answer.status_code == 422
    refused = section(answer.text, place)
    assert 'role="alert">' in refused
    assert said in refused
    assert 'role="alert"' not in top_of_card(answer.text)


def test_s5_removing_a_line_on_a_later_page_of_lines_comes_back_to_that_page(browser_as, sessions):
    """S5: a line removed from a filtered, later page of lines: the card comes back on that
    page (its filter, cursor and lines per page kept, encoded), not on the first page of all
    lines."""
    no = world(sessions, criteria="country = BE")
    browser = browser_as("marketer")
    paged = browser.get(f"/segments/{no}", params={"filter": "type = person", "limit": 2})
    cursor = re.search(r'after=(\d+)"', paged.text).group(1)
    later = browser.get(
        f"/segments/{no}", params={"filter": "type = person", "limit": 2, "after": cursor}
    ).text
    address = re.search(r'action="([^"]*/remove[^"]*)"', later).group(1)
    assert address.endswith(f"?filter=type+%3D+person&amp;limit=2&amp;after={cursor}#lines-pane")
    answer = browser.post(address.replace("&amp;", "&"), data={"csrf_token": browser.csrf})
    assert answer.status_code == 303, answer.text
    assert answer.headers["location"] == (
        f"/segments/{no}?done=line&filter=type+%3D+person&limit=2&after={cursor}#lines-pane"
    )
    target = urlsplit(answer.headers["location"])
    card = browser.get(f"{target.path}?{target.query}").text
    assert "First lines" in section(card, "lines-pane")  # not the first page
    first = browser.get(f"/segments/{no}").text
    first_address = re.search(r'action="([^"]*/remove[^"]*)"', first).group(1)
    assert first_address.endswith("/remove#lines-pane")  # the first page keeps none


def test_s7_the_lines_filter_and_pager_without_htmx_come_back_to_the_lines(browser_as, sessions):
    """SPEC §8: the lines' filter submitted as a form (its Filter button) and the pager's
    links followed as links, as without JavaScript, bring the card back on its lines, not
    at its top."""
    no = world(sessions, criteria="country = BE")
    card = browser_as("marketer").get(f"/segments/{no}", params={"limit": 2}).text
    lines = section(card, "lines-pane")
    assert f'<form method="get" action="/segments/{no}#lines-pane"' in lines
    pager = re.findall(r'<a href="(/segments/[^"]*after=[^"]*)"', lines)
    assert pager
    assert all(link.endswith("#lines-pane") for link in pager)
