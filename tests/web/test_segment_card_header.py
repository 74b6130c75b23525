"""The card's header form (S2; UI review item 1): a value that cannot be one of its field's
kind is refused before Business Central's "update the segment lines?" question (BC checks a
field's value when it is entered, before the question its validation asks), the refusal
names the field by its label and marks it, and the form comes back with what was posted,
the user's other edits included, rather than with the saved values."""

from __future__ import annotations

import re

import pytest

from rapport.services.segments import header
from tests.web.segment_pages import section, world

QUESTION = "Do you want to update the segment lines?"


def field_input(html: str, field: str) -> str:
    """The header form's <input> of `field`."""
    return re.search(rf'<input id="h-{field}"[^>]*>', html).group(0)


@pytest.mark.parametrize(
    ("field", "typed", "said"),
    [
        ("unit_cost", "abc", "Unit cost: &#39;abc&#39; is not a number"),
        ("unit_duration", "-2", "Unit duration (min.): &#39;-2&#39; must be zero or more"),
        ("date", "2026-13-01", "Date: &#39;2026-13-01&#39; is not a date (YYYY-MM-DD)"),
        (
            "subject_default",
            "x" * 101,
            f"Subject (default): &#39;{'x' * 20}&#39;… is longer than 100 characters",
        ),
    ],
)
def test_s2_a_bad_value_is_refused_with_its_field_before_the_question(
    field, typed, said, browser_as, sessions
):
    no = world(sessions, criteria="country = BE")  # lines: a cost change would ask
    browser = browser_as("marketer")
    form = {"csrf_token": browser.csrf, field: typed, "description": "Autumn mailing"}
    answer = browser.post(f"/segments/{no}/header", data=form)
    assert answer.status_code == 422
    general = section(answer.text, "general-pane")
    assert QUESTION not in answer.text
    assert f'<p class="error" role="alert" id="header-error">{said}</p>' in general
    marked = field_input(general, field)
    assert 'aria-invalid="true"' in marked
    assert 'aria-describedby="header-error"' in marked
    assert f'value="{typed}"' in marked
    assert 'value="Autumn mailing"' in field_input(general, "description")  # the other edit
    assert header.get(sessions, no).description == "Spring mailing"  # nothing changed


def test_s2_a_code_that_does_not_exist_is_refused_before_the_question_too(browser_as, sessions):
    """A salesperson code that does not exist is looked up before the question (as the
    service looks it up when it stores it); the form comes back as posted."""
    no = world(sessions, criteria="country = BE")
    browser = browser_as("marketer")
    form = {"csrf_token": browser.csrf, "salesperson_code": "NOBODY", "unit_cost": "7"}
    refused = browser.post(f"/segments/{no}/header", data=form)
    assert refused.status_code == 422
    assert QUESTION not in refused.text
    general = section(refused.text, "general-pane")
    assert "does not exist" in general
    assert 'value="7"' in field_input(general, "unit_cost")
    assert 'value="NOBODY"' in field_input(general, "salesperson_code")
    assert str(header.get(sessions, no).unit_cost) in ("0", "0.00")


def test_s2_a_good_value_is_still_asked_about_and_then_saved(browser_as, sessions):
    no = world(sessions, criteria="country = BE")
    browser = browser_as("marketer")
    form = {"csrf_token": browser.csrf, "unit_cost": "2.50"}
    assert QUESTION in browser.post(f"/segments/{no}/header", data=form).text
    saved = browser.post(f"/segments/{no}/header", data={**form, "update_lines": "yes"})
    assert saved.status_code == 303
    assert {str(line.cost) for line in header.get_lines(sessions, no)} == {"2.50"}
