"""On a phone the card comes back where the user acted (S3, S5, SPEC §8): at 390 px the
criteria box and the lines are far below the top of the card; after "Add contacts" and after
removing a line the browser shows the section whose form was posted, with the message saying
what happened in view, not the top of the card."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import sign_in
from tests.browser.test_criteria_builder import new_segment

pytestmark = pytest.mark.browser
PHONE = {"width": 390, "height": 844}


def in_view(page, section_id: str) -> bool:
    """The section's top is on the screen (to the pixel: scrolling to it may leave a
    fraction above), and the screen is not the top of the card."""
    return bool(
        page.evaluate(
            """(id) => {
                const top = document.getElementById(id).getBoundingClientRect().top;
                return window.scrollY > 0 && top > -1 && top < window.innerHeight;
            }""",
            section_id,
        )
    )


def test_s3_s5_on_a_phone_an_action_low_on_the_card_comes_back_to_its_section(page):
    sign_in(page, "jim")
    new_segment(page, "Back where I was")
    page.set_viewport_size(PHONE)
    criteria = page.get_by_label("Criteria", exact=True)
    criteria.scroll_into_view_if_needed()
    criteria.fill("country = BE and type = person")
    page.get_by_role("button", name="Add contacts", exact=True).click()
    page.wait_for_url(re.compile(r"\?done=action&added=\d+&lines=\d+[^#]*#build-pane$"))
    page.wait_for_load_state("load")
    said = (
        page.locator("#build-pane")
        .get_by_role("status")
        .filter(has_text=re.compile(r"contacts? (has|have) been added; the segment now has"))
    )
    expect(said).to_be_in_viewport()
    assert in_view(page, "build-pane")

    first = page.locator("#lines tbody tr").first
    gone = first.get_attribute("id")
    first.get_by_role("button", name="Remove").click()
    page.wait_for_url(re.compile(r"\?done=line#lines-pane$"))
    page.wait_for_load_state("load")
    expect(page.locator(f"#{gone}")).to_have_count(0)
    said = page.locator("#lines-pane").get_by_role("status")
    expect(said).to_have_text("The line has been removed.")
    expect(said).to_be_in_viewport()
    assert in_view(page, "lines-pane")


def test_x2_the_card_back_with_a_question_previews_the_criteria_it_asks_about(page):
    """X2: when the card comes back with the criteria still typed (here Business Central's
    question before a removal empties the segment), the live preview counts them at once,
    instead of asking the user to type criteria that are there."""
    sign_in(page, "jim")
    new_segment(page, "Asked again")
    criteria = page.get_by_label("Criteria", exact=True)
    criteria.fill("country = BE and type = person")
    page.get_by_role("button", name="Add contacts", exact=True).click()
    page.wait_for_url(re.compile(r"\?done=action&added=\d+&lines=\d+[^#]*#build-pane$"))
    page.get_by_label("Criteria", exact=True).fill("country = BE")
    page.get_by_role("button", name="Reduce contacts", exact=True).click()
    expect(page.get_by_text("Do you want to reset number of criteria actions?")).to_be_visible()
    preview = page.locator("#preview")
    expect(preview).to_contain_text("Reduce contacts:")
    expect(preview).to_contain_text("(0 lines left)")
