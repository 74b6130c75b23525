"""The membership history and Explain in words (X3, X5; UI review items 7 and 11): each
action named as the card's criteria pane names it (its sentence, in the page's language),
entries and exits as words, times to the minute in the reader's language instead of a
timestamp with microseconds; Explain answers in a row right after the line it explains."""

from __future__ import annotations

import html
import re

from rapport.services.segments import actions
from tests.web.segment_pages import section, world

DUTCH = {"accept-language": "nl-BE"}
TIMESTAMP = re.compile(r"\d{4}-\d\d-\d\d \d\d:\d\d:\d\d")


def pane_sentences(card: str) -> list[str]:
    """The criteria pane's sentence of each action, in order."""
    pane = section(card, "actions-pane")
    return [html.unescape(text.strip()) for text in re.findall(r"<td>([^<]+)<br><code", pane)]


def test_x5_the_history_names_each_action_as_the_criteria_pane_does(browser_as, sessions):
    no = world(sessions, criteria="country = NL")
    actions.reduce(sessions, no, criteria="no = P3", user="marketer1")
    browser = browser_as("viewer")
    first, second = pane_sentences(browser.get(f"/segments/{no}").text)
    page = browser.get(f"/segments/{no}/history").text
    headings = [
        html.unescape(re.sub(r"<[^>]+>", " ", text)).split()
        for text in re.findall(r'<th scope="rowgroup" colspan="3">(.*?)</th>', page, re.S)
    ]
    assert headings[0][:2] == ["Action", "1:"]
    assert " ".join(headings[0]).startswith(f"Action 1: {first} marketer1 · ")
    assert " ".join(headings[1]).startswith(f"Action 2: {second} marketer1 · ")
    assert 'href="#action-1"' in page
    assert re.search(r"<td>Added</td>\s*<td>P3</td>", page)
    assert re.search(r"<td>Removed</td>\s*<td>P3</td>", page)
    assert "entry" not in page
    assert "· add" not in page
    assert not TIMESTAMP.search(page)  # no "2026-12-07 15:52:45.425775"
    assert re.search(r"\d{4}, \d{1,2}:\d\d\s?[AP]M UTC", page)  # "December 7, 2026, 3:52 PM UTC"


def test_x5_the_history_in_dutch_says_its_events_and_times_in_dutch(browser_as, sessions):
    no = world(sessions, criteria="country = NL")
    actions.reduce(sessions, no, criteria="no = P3", user="marketer1")
    page = browser_as("viewer").get(f"/segments/{no}/history", headers=DUTCH).text
    assert re.search(r"<td>Toegevoegd</td>\s*<td>P3</td>", page)
    assert re.search(r"<td>Verwijderd</td>\s*<td>P3</td>", page)
    assert not TIMESTAMP.search(page)
    months = "januari|februari|maart|april|mei|juni|juli|augustus|september|oktober|november"
    assert re.search(rf"\d{{1,2}} ({months}|december) \d{{4}}, \d\d:\d\d UTC", page)
    assert ">add<" not in page
    assert "· add" not in page


def test_x3_explain_is_a_row_right_after_its_line_in_the_pane_s_words(browser_as, sessions):
    no = world(sessions, criteria="country = BE and type = person")
    browser = browser_as("viewer")
    card = browser.get(f"/segments/{no}").text
    [sentence] = pane_sentences(card)
    row = re.search(r'<tr id="line-10000">.*?</tr>\s*(<tr[^>]*>)', card, re.S)
    assert row.group(1) == '<tr id="explanation-10000" hidden>'
    button = re.search(r'<button[^>]*hx-get="[^"]*/explain\?[^"]*"[^>]*>', row.group(0)).group(0)
    assert 'hx-target="#explanation-10000"' in button
    assert 'hx-swap="outerHTML"' in button
    address = re.search(r'hx-get="([^"]*/explain\?[^"]*)"', button).group(1)
    answer = browser.get(html.unescape(address), headers={"hx-request": "true"})
    assert answer.status_code == 200
    assert answer.text.startswith('<tr id="explanation-10000" class="explained"><td colspan="9">')
    said = html.unescape(re.sub(r"\s+", " ", answer.text))
    assert f"Added to the segment by action 1: {sentence}" in said
    assert "matches: <code>country = BE</code>" in said
    assert "(add)" not in said
    assert "entry" not in said
    assert not TIMESTAMP.search(said)


def test_x3_explain_of_a_contact_that_does_not_exist_says_so_in_its_row(browser_as, sessions):
    no = world(sessions, criteria="country = BE")
    answer = browser_as("viewer").get(
        f"/segments/{no}/explain", params={"contact": "NOPE", "line": "10000"}
    )
    assert answer.status_code == 404
    assert answer.text.startswith('<tr id="explanation-10000" class="explained">')
    assert "The Contact does not exist." in answer.text


def test_x3_the_card_explains_any_contact_and_why_an_add_left_it_out(browser_as, sessions):
    """A contact that is not on the segment has no line to explain: the history's "Explain
    a contact" form asks for any contact no.; the answer names each add by criteria, the
    parts the contact matches and the rule that leaves it out (P4 is excluded)."""
    no = world(sessions, criteria="country = NL")
    browser = browser_as("viewer")
    card = browser.get(f"/segments/{no}").text
    history = section(card, "history-pane")
    form = re.search(r'<form method="get" action="([^"]+)"[^>]*hx-get="([^"]+)"', history)
    assert form.groups() == (f"/segments/{no}/explain", f"/segments/{no}/explain")
    assert 'name="contact"' in history
    [sentence] = pane_sentences(card)

    fragment = browser.get(
        f"/segments/{no}/explain", params={"contact": "P4"}, headers={"hx-request": "true"}
    )
    assert fragment.status_code == 200
    assert fragment.text.lstrip().startswith('<div class="explanation">')
    said = html.unescape(re.sub(r"\s+", " ", fragment.text))
    assert "Why P4 Dee is not on this segment" in said
    assert f"Not added by action 1: {sentence}" in said
    assert "matches: <code>country = NL</code>" in said
    assert "An add leaves it out: the contact is excluded from segments." in said

    # sent without script, the form's answer is a whole page that leads back to the card
    whole = browser.get(f"/segments/{no}/explain", params={"contact": "P4"})
    assert whole.status_code == 200
    assert "<html" in whole.text
    assert f'<a href="/segments/{no}#history-pane">{no}</a>' in whole.text
    assert "the contact is excluded from segments" in whole.text

    dutch = browser.get(
        f"/segments/{no}/explain", params={"contact": "P1"}, headers={"hx-request": "true", **DUTCH}
    ).text
    said = html.unescape(re.sub(r"\s+", " ", dutch))
    assert "Niet toegevoegd door actie 1" in said
    assert "voldoet niet: <code>country = NL</code>" in said
    missing = browser.get(f"/segments/{no}/explain", params={"contact": "NOPE"})
    assert missing.status_code == 404
    assert "The Contact does not exist." in missing.text


def history_rows(page: str) -> list[tuple[str, str, str]]:
    """Each event of a history fragment: (event, contact no., line no.)."""
    return re.findall(
        r"<td>(Added|Removed)</td>\s*<td>([^<]+)</td>\s*<td class=\"num\">(\d+)</td>", page
    )


def test_x5_the_history_pages_on_to_the_next_events_and_back_to_the_first(browser_as, sessions):
    """The card's history shows 100 events at a time; "Next events" reads the ones after the
    last shown (by action, then line), "First events" goes back, and the pages join up to
    the whole log, each event once."""
    no = world(sessions)
    for _ in range(40):  # 2 Dutch contacts in and out: 160 events over 80 actions
        actions.add_contacts(sessions, no, criteria="country = NL", user="marketer1")
        actions.reduce(sessions, no, criteria="country = NL", keep_criteria=True, user="marketer1")
    browser = browser_as("viewer")
    seen: list[tuple[str, str, str]] = []
    address, pages = f"/segments/{no}/history", 0
    while address:
        page = html.unescape(browser.get(address).text)
        rows = history_rows(page)
        assert len(rows) == (100 if pages < 1 else 60)
        seen += rows
        pages += 1
        assert ("First events" in page) == (pages > 1)
        following = re.search(r'hx-get="([^"]+)" hx-target="#history">Next events', page)
        address = following[1] if following else ""
    assert pages == 2
    first = re.search(r'hx-get="([^"]+)" hx-target="#history">First events', page)
    assert history_rows(html.unescape(browser.get(first[1]).text)) == seen[:100]
    assert [event for event, _, _ in seen] == (["Added"] * 2 + ["Removed"] * 2) * 40
    assert {contact for _, contact, _ in seen} == {"BETA", "P3"}


def test_x5_a_bad_place_in_the_history_is_refused(browser_as, sessions):
    no = world(sessions, criteria="country = NL")
    answer = browser_as("viewer").get(f"/segments/{no}/history?after_action=-1&after_line=0")
    assert answer.status_code == 422
