"""Explain answers next to the line it explains (X3; UI review item 7): pressing "Explain"
on a line in the middle of a page of lines shows the explanation in the row right after
that line, on the screen, instead of below the whole page of lines out of view; explaining
it again replaces it rather than adding a second one."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import sign_in
from tests.browser.test_criteria_builder import new_segment
from tests.browser.test_segment_workflow import act

pytestmark = pytest.mark.browser


def test_x3_explain_shows_its_answer_in_view_right_after_the_line(page):
    sign_in(page, "jim")
    new_segment(page, "Explained next to the line")
    act(page, "country = BE", "Add contacts")
    lines = page.locator("#lines tbody tr[id^=line-]")
    assert lines.count() >= 10
    line = lines.nth(8)
    line_id = line.get_attribute("id")
    contact = line.locator("td").nth(1).inner_text()
    line.get_by_role("button", name="Explain").click()
    explained = page.locator(f"#lines tr#explanation-{line_id.removeprefix('line-')}")
    expect(explained).to_contain_text(f"How {contact}")
    expect(explained).to_contain_text("Added to the segment by action 1: Add contacts")
    expect(explained).to_be_in_viewport()
    following = page.locator(f"#lines tr#{line_id} + tr")
    expect(following).to_have_class("explained")
    line.get_by_role("button", name="Explain").click()
    expect(page.locator("#lines tr.explained")).to_have_count(1)


@pytest.mark.parametrize("button", ["Explain", "Edit"])
def test_x3_s3_on_a_phone_a_lines_explanation_and_edit_form_stay_on_the_screen(page, button):
    """At 390 px the grid of lines scrolls sideways and its Explain and Edit buttons are at
    its far right: what they open (a row spanning the grid) is held at the grid's left edge
    and as wide as the screen, so it starts on the screen, not where the grid was scrolled."""
    page.set_viewport_size({"width": 390, "height": 844})
    sign_in(page, "jim")
    new_segment(page, "Lines on a phone")
    act(page, "country = BE", "Add contacts")
    line = page.locator("#lines tbody tr[id^=line-]").first
    line.get_by_role("button", name=button).click()
    opened = page.locator(
        "#lines tr.explained .explanation" if button == "Explain" else "#lines tr.editing form"
    )
    expect(opened).to_be_visible()
    box = opened.bounding_box()
    assert box["x"] >= 0
    assert box["x"] + box["width"] <= 390
