"""The segment list and card (S1, S2, S7, S8, X5; SPEC §8, issue 13 items 2 and 4):
searching and paging the list, creating a segment, the card's header with BC's "update
lines?" question, the Undo button before the actions taken, "Undo after this action"."""

from __future__ import annotations

import html
import re

from rapport.services.segments import actions, header, history
from tests.web.segment_pages import buttons, labels, world


def test_s1_the_list_is_searched_and_paged_by_keyset(browser_as, sessions):
    world(sessions)
    for description in ("Autumn fair", "Winter letters", "Autumn follow-up"):
        header.create_segment(sessions, description=description, user="marketer1")
    browser = browser_as("viewer")
    first = browser.get("/segments?limit=2").text
    assert "SEG00001" in first
    assert "SEG00002" in first
    assert "SEG00003" not in first
    nxt = re.search(r'href="(/segments\?[^"]*after=SEG00002)"', first).group(1)
    second = browser.get(nxt.replace("&amp;", "&")).text
    assert "SEG00003" in second
    assert "SEG00001</a>" not in second
    found = browser.get("/segments?q=autumn", headers={"hx-request": "true"})
    assert found.status_code == 200
    assert "<html" not in found.text  # the fragment alone, for htmx
    assert "Autumn fair" in found.text
    assert "Autumn follow-up" in found.text
    assert "Winter letters" not in found.text


def test_s1_the_lists_search_box_takes_percent_and_underscore_as_typed(browser_as, sessions):
    """The list's search is the API's (`overview.get_all`): "%" finds the segment whose
    description has one, not every segment."""
    world(sessions)
    for description in ("50% off", "Spring_sale"):
        header.create_segment(sessions, description=description, user="marketer1")
    browser = browser_as("viewer")
    found = browser.get("/segments", params={"q": "%"}, headers={"hx-request": "true"}).text
    assert re.findall(r'<a href="/segments/(SEG\d+)">', found) == ["SEG00002"]
    found = browser.get("/segments", params={"q": "_"}).text
    assert re.findall(r'<a href="/segments/(SEG\d+)">', found) == ["SEG00003"]
    assert "Spring_sale" in found
    nothing = browser.get("/segments", params={"q": "g%s"}).text
    assert "No segment matches." in nothing


def test_s1_a_marketer_creates_a_segment_with_the_form(browser_as, sessions):
    world(sessions)
    browser = browser_as("marketer")
    answer = browser.post(
        "/segments",
        data={"csrf_token": browser.csrf, "description": "Trade show", "campaign_no": ""},
    )
    assert answer.status_code == 303
    no = answer.headers["location"].rsplit("/", 1)[1]
    assert header.get(sessions, no).description == "Trade show"
    assert header.get(sessions, no).salesperson_code == "JO"
    card = browser.get(answer.headers["location"]).text
    assert 'value="Trade show"' in card


def test_s1_a_segment_without_description_is_refused_beside_the_form(browser_as, sessions):
    world(sessions)
    browser = browser_as("marketer")
    answer = browser.post("/segments", data={"csrf_token": browser.csrf, "description": " "})
    assert answer.status_code == 422
    assert "You must fill in the Description field." in answer.text
    assert [s.no for s in header.get_all(sessions)] == ["SEG00001"]


def test_s1_a_description_longer_than_its_field_is_refused_beside_the_form(browser_as, sessions):
    """PostgreSQL refused the insert with a 500 (found by test_forms_fuzz.py); SQLite kept
    the 10,000 characters."""
    world(sessions)
    browser = browser_as("marketer")
    answer = browser.post("/segments", data={"csrf_token": browser.csrf, "description": "x" * 101})
    assert answer.status_code == 422
    assert "&#39;xxxxxxxxxxxxxxxxxxxx&#39;… is longer than 100 characters" in answer.text
    assert [s.no for s in header.get_all(sessions)] == ["SEG00001"]


def test_s2_a_propagating_header_change_asks_whether_to_update_the_lines(browser_as, sessions):
    no = world(sessions, criteria="country = BE")
    browser = browser_as("marketer")
    form = {"csrf_token": browser.csrf, "salesperson_code": "KIM"}
    asked = browser.post(f"/segments/{no}/header", data=form)
    assert asked.status_code == 200
    assert "Do you want to update the segment lines?" in asked.text
    yes = re.search(r'<button[^>]*value="yes"[^>]*>', asked.text).group(0)
    assert "autofocus" in yes  # BC's default: Yes
    assert header.get(sessions, no).salesperson_code == "JO"  # nothing changed yet
    answered = browser.post(f"/segments/{no}/header", data={**form, "update_lines": "no"})
    assert answered.status_code == 303
    assert header.get(sessions, no).salesperson_code == "KIM"
    assert {line.salesperson_code for line in header.get_lines(sessions, no)} == {"JO"}
    cost = {"csrf_token": browser.csrf, "unit_cost": "5", "update_lines": "yes"}
    assert browser.post(f"/segments/{no}/header", data=cost).status_code == 303
    assert {str(line.cost) for line in header.get_lines(sessions, no)} == {"5.00"}


def test_s2_a_description_change_needs_no_question_and_a_bad_value_is_shown(browser_as, sessions):
    no = world(sessions, criteria="country = BE")
    browser = browser_as("marketer")
    answer = browser.post(
        f"/segments/{no}/header", data={"csrf_token": browser.csrf, "description": "Renamed"}
    )
    assert answer.status_code == 303
    assert {line.description for line in header.get_lines(sessions, no)} == {"Renamed"}
    bad = browser.post(
        f"/segments/{no}/header",
        data={"csrf_token": browser.csrf, "unit_cost": "lots", "update_lines": "yes"},
    )
    assert bad.status_code == 422
    assert "&#39;lots&#39; is not a number" in bad.text


def test_s7_the_card_shows_each_action_in_plain_language_with_its_counts(browser_as, sessions):
    no = world(sessions, criteria="country = BE")
    actions.reduce(sessions, no, criteria="type = company", user="marketer1")
    html = browser_as("viewer").get(f"/segments/{no}").text
    assert "Add contacts whose country/region is BE" in html
    assert "Remove contacts whose type is company" in html
    assert "<h1>SEG00001 · Spring mailing</h1>" in html


def test_s8_the_undo_button_comes_before_the_actions_and_each_row_undoes_after_it(
    browser_as, sessions
):
    no = world(sessions, criteria="country = BE")
    actions.reduce(sessions, no, criteria="type = company", user="marketer1")
    actions.reduce(sessions, no, criteria="no = P1", user="marketer1")
    browser = browser_as("marketer")
    html = browser.get(f"/segments/{no}").text
    names = buttons(html)
    assert names.index("Undo") < names.index("Undo after this action")
    assert html.index(">Undo</button>") < html.index("Add contacts whose country/region is BE")
    assert names.count("Undo after this action") == 3
    answer = browser.post(f"/segments/{no}/undo", data={"csrf_token": browser.csrf, "to": "1"})
    assert answer.status_code == 303
    assert [a.action_no for a in history.criteria(sessions, no)] == [1]
    browser.post(f"/segments/{no}/undo", data={"csrf_token": browser.csrf})
    assert history.criteria(sessions, no) == []
    nothing = browser.post(f"/segments/{no}/undo", data={"csrf_token": browser.csrf})
    assert nothing.status_code == 422
    assert "has no criteria action to undo" in nothing.text


def test_only_the_criteria_input_has_a_label_with_that_word(browser_as, sessions):
    no = world(sessions, criteria="country = BE")
    html = browser_as("marketer").get(f"/segments/{no}").text
    assert [text for text in labels(html) if "criteria" in text.lower()] == ["Criteria"]
    assert '<label for="criteria">Criteria</label>' in html
    assert '<textarea id="criteria" name="criteria"' in html


def test_the_card_names_every_action_and_option(browser_as, sessions):
    no = world(sessions, criteria="country = BE")
    html = browser_as("marketer").get(f"/segments/{no}").text
    for name in (
        "Add contacts",
        "Reduce contacts",
        "Refine contacts",
        "Undo",
        "Save criteria",
        "Reuse criteria",
        "Reuse logged segment",
        "Log segment",
        "Export",
        "Apply mailing group",
        "Create opportunities",
        "Create tasks",
        "Explain",
    ):
        assert name in buttons(html), name
    for option in (
        "Allow existing contacts",
        "Expand companies",
        "Allow related companies",
        "Ignore exclusion",
        "Entire companies",
    ):
        assert option in labels(html), option


def test_a_missing_segment_is_a_404_page(browser_as, sessions):
    world(sessions)
    answer = browser_as("viewer").get("/segments/SEG09999")
    assert answer.status_code == 404
    assert (
        "The Segment does not exist. Identification fields and values: No.='SEG09999'"
    ) in html.unescape(answer.text)


def test_x9_the_card_links_to_each_of_its_parts_that_the_user_sees(browser_as, sessions):
    """The card's "On this card" links: each leads to a part on the page; a viewer, who
    cannot build or use the segment, gets no link to those parts."""
    no = world(sessions, criteria="type = person")

    def jumps(role: str) -> list[str]:
        html = browser_as(role).get(f"/segments/{no}").text
        nav = html.split('aria-label="On this card"', 1)[1].split("</nav>", 1)[0]
        targets = re.findall(r'<a href="#([^"]+)">', nav)
        assert all(f'id="{target}"' in html for target in targets), targets
        return targets

    everything = ["header-title", "actions-pane", "build-title", "lines-title", "export-title"]
    everything += ["use-title", "chart-title", "history-title"]
    assert jumps("marketer") == everything
    assert jumps("viewer") == [t for t in everything if t not in ("build-title", "use-title")]
