"""Lists, Users and the job page keep their spacing (SPEC §8, X9; UI review items 16, 21
and the job page): a list's filter without criteria keeps its Show button to its words
beside the search field (Campaigns, Templates; Duplicates with its help under the field);
on Users the Add-a-user and token cards stand apart from the table above them; a job's card
starts its first paragraph at the card's padding, as a card starting with a heading does."""

from __future__ import annotations

import re

import pytest

from tests.browser.conftest import sign_in
from tests.browser.test_criteria_builder import new_segment
from tests.browser.test_segment_workflow import act

pytestmark = pytest.mark.browser


def box(locator) -> dict[str, float]:
    found = locator.bounding_box()
    assert found is not None
    return found


@pytest.mark.parametrize(
    ("path", "field", "button"),
    [
        ("/campaigns", "Search", "Show"),
        ("/templates", "Search", "Show"),
        ("/contacts", "Search", "Show"),
        ("/contact-duplicates", "Minimum score", "Search duplicates"),
    ],
)
def test_k5_x9_a_filter_button_is_as_wide_as_its_words_beside_its_field(page, path, field, button):
    sign_in(page, "jim")
    page.goto(path)
    show = box(page.get_by_role("button", name=button, exact=True))
    search = box(page.get_by_label(field, exact=True))
    assert show["width"] < 200, show
    assert abs((show["y"] + show["height"]) - (search["y"] + search["height"])) <= 2
    assert show["x"] >= search["x"] + search["width"]  # beside it, on its right


def test_k5_the_duplicates_help_is_under_the_minimum_score(page):
    sign_in(page, "jim")
    page.goto("/contact-duplicates")
    field = box(page.get_by_label("Minimum score", exact=True))
    help_text = box(page.locator("#min-score-help"))
    assert help_text["y"] >= field["y"] + field["height"]
    assert abs(help_text["x"] - field["x"]) <= 1


def test_x9_the_users_cards_stand_apart_from_the_users_table(page):
    sign_in(page, "admin")
    page.goto("/admin/users")
    table = box(page.locator(".table-wrap").first)
    card = box(page.locator("section.card", has=page.locator("#add-user")))
    assert card["y"] - (table["y"] + table["height"]) >= 12


def test_s13_a_job_card_starts_its_first_paragraph_at_its_padding(page):
    sign_in(page, "jim")
    new_segment(page, "Job page spacing")
    act(page, "country = BE", "Add contacts")
    page.get_by_role("button", name="Export", exact=True).click()
    page.wait_for_url(re.compile(r"/jobs/\d+$"))
    card = box(page.locator("#job-progress"))
    first = box(page.locator("#job-progress > p").first)
    assert first["y"] - card["y"] <= 20, (card, first)
