"""K5, SPEC §2 Setup on the setup page: a negative duplicate search weight or a minimum score
outside BC's 1 to 100 is shown on the form as a 422 page, with what was typed kept in its
input, the error naming its field, and nothing changed (the `NumberRange` rules of
domain/number_rules.py)."""

from __future__ import annotations

import pytest

from rapport.services.setup import marketing


@pytest.mark.parametrize(
    ("field", "typed", "says"),
    [
        ("duplicate_vat_no_weight", "-5", "&#39;-5&#39; must be zero or more"),
        ("duplicate_min_score", "0", "&#39;0&#39; must be from 1 to 100"),
    ],
)
def test_k5_a_setup_number_out_of_range_is_shown_on_the_form_and_changes_nothing(
    browser_as, sessions, field, typed, says
):
    browser = browser_as("admin")
    before = marketing.get(sessions)
    form = {"csrf_token": browser.csrf, "inherit_language_code": "true", field: typed}
    answer = browser.post("/setup", data=form)
    assert answer.status_code == 422
    assert f'id="setup-error">{field}: {says}</p>' in answer.text  # the field it is about
    assert f'name="{field}"' in answer.text
    assert f'value="{typed}"' in answer.text
    assert marketing.get(sessions) == before
