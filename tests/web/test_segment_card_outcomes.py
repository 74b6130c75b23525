"""What the card says after its actions and what its boxes take (S3, S4, S7, S10, X6; UI
review items 2, 6, 9, 10): Add, Reduce and Refine say how many lines they added or removed
and how many the segment now has, even when the criteria matched nobody; "Filter lines"
says it takes criteria; reusing a logged segment that does not exist is refused before
Business Central's question; "Compare with other segments" opens on the segment it came
from without an error, and says one in a sentence only when the form is sent."""

from __future__ import annotations

import html
import re
from urllib.parse import urlsplit

import pytest

from rapport.services.interactions import log
from rapport.services.segments import actions, header, history
from tests.web.segment_pages import section, world

STATUS = re.compile(r'<p class="status" role="status">(.*?)</p>', re.S)


def said_after(browser, location: str) -> str:
    """The message the card says in its build section at the redirect's `location`."""
    target = urlsplit(location)
    card = browser.get(f"{target.path}?{target.query}").text
    found = STATUS.search(section(card, target.fragment))
    assert found is not None
    return re.sub(r"\s+", " ", found.group(1)).strip()


@pytest.mark.parametrize(
    ("verb", "criteria", "first", "said"),
    [
        ("add", "no = P1", "", "1 contact has been added; the segment now has 1 line."),
        (  # X7: P4 is excluded from segments
            "add",
            "country = NL",
            "",
            "2 contacts have been added; the segment now has 2 lines. Left out by exclusion or"
            " consent: 1 excluded from segments.",
        ),
        (
            "add",
            "city = Nowhere",
            "country = NL",
            "0 contacts have been added; the segment now has 2 lines.",
        ),
        (
            "reduce",
            "no = P1",
            "country = BE",
            "1 line has been removed; the segment now has 4 lines.",
        ),
        (
            "refine",
            "no = P1",
            "country = BE",
            "4 lines have been removed; the segment now has 1 line.",
        ),
        (
            "reduce",
            "city = Nowhere",
            "country = NL",
            "0 lines have been removed; the segment now has 2 lines.",
        ),
    ],
)
def test_s3_s4_an_action_says_what_it_did_and_the_lines_now_on_the_segment(
    verb, criteria, first, said, browser_as, sessions
):
    no = world(sessions, criteria=first)
    browser = browser_as("marketer")
    form = {"csrf_token": browser.csrf, "criteria": criteria, "action": verb}
    answer = browser.post(f"/segments/{no}/actions", data=form)
    assert answer.status_code == 303
    assert said_after(browser, answer.headers["location"]) == said
    assert header.get(sessions, no).no_of_lines == int(re.findall(r"\d+", said.split(".")[0])[-1])


def test_s3_the_message_is_said_in_the_pages_language(browser_as, sessions):
    no = world(sessions, criteria="country = BE")
    browser = browser_as("marketer")
    card = browser.get(
        f"/segments/{no}?done=action&removed=1&lines=4", headers={"accept-language": "nl-BE"}
    ).text
    assert "4 regels" in STATUS.search(section(card, "build-pane")).group(1)


def test_x7_the_cards_address_carries_each_reasons_count_to_its_message(browser_as, sessions):
    """The counts of the address are read by the names of `domain.skip_reasons`, said in its
    order; a count that is not a count is refused with the page's 422."""
    no = world(sessions, criteria="country = BE")
    browser = browser_as("marketer")
    card = browser.get(
        f"/segments/{no}?done=action&added=2&lines=6&excluded=1&privacy_blocked=3&opted_out=0"
    ).text
    said = re.sub(r"\s+", " ", STATUS.search(section(card, "build-pane")).group(1)).strip()
    assert said == (
        "2 contacts have been added; the segment now has 6 lines. Left out by exclusion or"
        " consent: 3 privacy blocked, 1 excluded from segments."
    )
    for bad in ("excluded=-1", "opted_out=x", f"privacy_blocked={2**53 + 1}", "reset=-2"):
        answer = browser.get(f"/segments/{no}?done=action&added=2&lines=6&{bad}")
        assert answer.status_code == 422, bad


def test_s10_a_logged_segment_that_does_not_exist_is_refused_before_bcs_question(
    browser_as, sessions
):
    """BC asks "… already contains N No. of Criteria Actions. Are you sure you want to reuse
    a Logged Segment?" (default No) before its list of logged segments, which offers only
    those that exist: a no. typed on the card is checked first, and kept in its box."""
    no = world(sessions, criteria="country = BE")
    browser = browser_as("marketer")
    form = {"csrf_token": browser.csrf, "logged_segment": "99"}
    answer = browser.post(f"/segments/{no}/reuse-logged", data=form)
    assert answer.status_code == 422
    build = section(answer.text, "build-pane")
    assert "Are you sure" not in answer.text
    assert (
        "The Logged Segment does not exist. Identification fields and values: Entry No.='99'"
    ) in html.unescape(build)
    assert re.search(r'<input id="logged-segment" name="logged_segment" value="99"', build)
    assert len(history.criteria(sessions, no)) == 1


def test_s10_a_logged_segment_that_exists_is_asked_about_then_says_what_it_added(
    browser_as, sessions
):
    no = world(sessions, criteria="country = BE")
    logged = header.create_segment(
        sessions,
        description="Sent",
        user="marketer1",
        values=[("interaction_template_code", "ABSTRACT")],
    ).no
    browser = browser_as("marketer")
    browser.post(
        f"/segments/{logged}/actions",
        data={"csrf_token": browser.csrf, "criteria": "country = NL", "action": "add"},
    )
    entry = log.log_segment(sessions, logged, user="marketer1").logged_segment
    form = {"csrf_token": browser.csrf, "logged_segment": str(entry)}
    asked = browser.post(f"/segments/{no}/reuse-logged", data=form)
    assert asked.status_code == 200
    build = section(asked.text, "build-pane")
    assert (
        f"Segment {no} already contains 1 No. of Criteria Actions. "
        "Are you sure you want to reuse a Logged Segment?"
    ) in build
    assert f'value="{entry}"' in build
    answer = browser.post(f"/segments/{no}/reuse-logged", data={**form, "yes": "yes"})
    assert answer.status_code == 303
    assert (
        said_after(browser, answer.headers["location"])
        == "2 contacts have been added; the segment now has 7 lines."
    )


def test_s7_the_lines_filter_says_it_takes_criteria(browser_as, sessions):
    no = world(sessions, criteria="country = BE")
    lines = section(browser_as("viewer").get(f"/segments/{no}").text, "lines-pane")
    box = re.search(r'<input id="line-filter"[^>]*>', lines).group(0)
    assert "placeholder=\"name matches '@*atlas*'\"" in box
    assert 'aria-describedby="line-filter-help"' in box
    help_text = re.search(r'<p id="line-filter-help" class="muted">(.*?)</p>', lines).group(1)
    assert "Criteria about the lines' contacts" in help_text


def test_x6_compare_opens_from_the_card_with_its_segment_chosen_and_no_error(browser_as, sessions):
    no = world(sessions, criteria="country = BE")
    browser = browser_as("viewer")
    card = browser.get(f"/segments/{no}").text
    link = re.search(r'href="(/segment-overlap\?[^"]+)"', card).group(1)
    arrived = browser.get(link).text
    assert 'role="alert"' not in arrived
    assert "give 2 to" not in arrived
    assert re.search(
        rf'<input type="checkbox" id="ov-{no}" name="no" value="{no}" checked>', arrived
    )
    assert "Tick from 2 to 12 segments, then choose Compare" in arrived
    sent = browser.get("/segment-overlap", params={"no": no, "compare": "1"}).text
    assert '<p id="overlap-error" class="error" role="alert">Choose at least 2 segments' in sent
    many = [("no", f"SEG{n:05}") for n in range(1, 14)] + [("compare", "1")]
    assert (
        "Choose at most 12 segments to compare."
        in browser.get("/segment-overlap", params=many).text
    )


def test_s4_a_removal_that_empties_the_segment_says_its_criteria_were_reset(browser_as, sessions):
    """BC asks "Your Segment is now empty. Do you want to reset number of criteria
    actions?"; answered yes (its default), the card says the reset happened."""
    no = world(sessions, criteria="country = NL")
    browser = browser_as("marketer")
    form = {"csrf_token": browser.csrf, "criteria": "country = NL", "action": "reduce"}
    asked = browser.post(f"/segments/{no}/actions", data=form)
    assert "Do you want to reset number of criteria actions?" in asked.text
    answer = browser.post(f"/segments/{no}/actions", data={**form, "reset_criteria": "yes"})
    assert answer.status_code == 303
    assert said_after(browser, answer.headers["location"]) == (
        "2 lines have been removed; the segment now has 0 lines. The segment is empty: its"
        " criteria actions and history have been reset."
    )
    assert history.criteria(sessions, no) == []
    kept = header.create_segment(sessions, description="Kept", user="marketer1").no
    actions.add_contacts(sessions, kept, criteria="country = NL", user="marketer1")
    answer = browser.post(f"/segments/{kept}/actions", data={**form, "reset_criteria": "no"})
    assert "have been reset" not in said_after(browser, answer.headers["location"])


def test_x2_x7_the_preview_says_which_candidates_an_add_would_leave_out(browser_as, sessions):
    no = world(sessions)
    browser = browser_as("marketer")
    shown = browser.get(f"/segments/{no}/preview", params={"criteria": "country = NL"}).text
    said = re.sub(r"\s+", " ", shown)
    assert "Add contacts: 2 contacts would be added (2 lines)." in said
    assert "Left out by exclusion or consent: 1 excluded from segments." in said
    dutch = browser.get(
        f"/segments/{no}/preview",
        params={"criteria": "country = NL"},
        headers={"accept-language": "nl-BE"},
    ).text
    assert "Weggelaten door uitsluiting of toestemming: 1 uitgesloten van segmenten." in dutch


def test_x2_s4_the_preview_says_a_removal_would_empty_the_segment_and_ask_about_its_criteria(
    browser_as, sessions
):
    no = world(sessions, criteria="country = NL")
    browser = browser_as("marketer")
    said = re.sub(
        r"\s+",
        " ",
        browser.get(f"/segments/{no}/preview", params={"criteria": "country = NL"}).text,
    )
    reduce, refine = [item for item in said.split("<li>") if item.startswith(("Reduce", "Refine"))]
    assert "would be empty: you will be asked whether to reset its criteria actions." in reduce
    assert "would be empty" not in refine  # refine keeps the matching lines
