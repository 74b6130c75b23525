"""The segment charts (X6; issue 13 item 5): composition as a server-drawn SVG bar chart
loaded after the card, and the overlap matrix page."""

from __future__ import annotations

import re

from rapport.services.segments import actions, header
from tests.web.segment_pages import world


def test_x6_the_card_loads_its_chart_after_the_page(browser_as, sessions):
    no = world(sessions, criteria="country = BE")
    html = browser_as("viewer").get(f"/segments/{no}").text
    assert f'<div id="chart" hx-get="/segments/{no}/chart" hx-trigger="load"></div>' in html
    assert '<option value="industry_group">Industry group</option>' in html


def test_x6_composition_is_an_svg_with_a_bar_per_group_and_its_numbers(browser_as, sessions):
    no = world(sessions, criteria="type = person")
    answer = browser_as("viewer").get(f"/segments/{no}/chart", params={"by": "country"})
    assert answer.status_code == 200
    svg = re.search(r"<svg.*?</svg>", answer.text, re.S).group(0)
    assert 'role="img"' in svg
    assert f"Lines of {no} by Country/region</title>" in svg
    widths = [int(w) for w in re.findall(r'<rect [^>]*width="(\d+)"', svg)]
    assert widths == [420, 105]  # BE 4, NL 1: the longest bar is full width
    assert re.findall(r'class="bar-value">(\d+)<', svg) == ["4", "1"]
    assert "5 lines by Country/region." in answer.text


def test_x6_a_bad_dimension_is_shown_in_place(browser_as, sessions):
    no = world(sessions, criteria="type = person")
    answer = browser_as("viewer").get(f"/segments/{no}/chart", params={"by": "contry"})
    assert answer.status_code == 422
    assert "did you mean &#39;country&#39;" in answer.text


def test_x6_the_overlap_page_shows_the_matrix_of_the_chosen_segments(browser_as, sessions):
    first = world(sessions, criteria="country = BE")
    second = header.create_segment(sessions, description="Dutch <b>", user="marketer1").no
    actions.add_contacts(sessions, second, criteria="country = NL or no = P1", user="marketer1")
    browser = browser_as("viewer")
    empty = browser.get("/segment-overlap").text
    assert "Dutch &lt;b&gt;" in empty
    assert "<table" not in empty
    html = browser.get("/segment-overlap", params=[("no", first), ("no", second)]).text
    cells = re.findall(r'<td class="num heat-(\d)">(\d+)</td>', html)
    assert [int(count) for _, count in cells] == [5, 1, 1, 3]
    assert cells[0][0] == "5"  # the largest count has the darkest shade
    bad = browser.get("/segment-overlap", params={"no": first, "compare": "1"}).text
    assert "Choose at least 2 segments to compare." in bad
