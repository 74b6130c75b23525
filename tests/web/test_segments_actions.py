"""The segment card's actions (S3, S4, S9, S10, X1, X2; issue 13 items 3 and 4): add,
reduce and refine from the form with their options, BC's questions with BC's defaults,
the live preview in a status element and the criteria builder's JSON."""

from __future__ import annotations

import html
import json
import re

from rapport.services.segments import actions, header, history, reuse, saved
from tests.web.segment_pages import world


def lines_of(sessions, no):
    return sorted(line.contact_no for line in header.get_lines(sessions, no))


def test_s3_add_contacts_with_an_option_from_the_card(browser_as, sessions):
    no = world(sessions)
    browser = browser_as("marketer")
    form = {"csrf_token": browser.csrf, "criteria": "no = P1", "action": "add"}
    assert browser.post(f"/segments/{no}/actions", data=form).status_code == 303
    assert lines_of(sessions, no) == ["P1"]
    expand = {**form, "criteria": "no = P3", "expand_companies": "true"}
    assert browser.post(f"/segments/{no}/actions", data=expand).status_code == 303
    assert lines_of(sessions, no) == ["BETA", "P1", "P3"]  # P4 Dee is excluded
    card = browser.get(f"/segments/{no}?done=action").text
    assert 'role="status">The action has been carried out.' in card
    assert "expanding to whole companies" in card


def test_s4_reduce_and_refine_with_entire_companies(browser_as, sessions):
    no = world(sessions, criteria="country = BE")
    browser = browser_as("marketer")
    form = {"csrf_token": browser.csrf, "criteria": "no = P1", "entire_companies": "true"}
    browser.post(f"/segments/{no}/actions", data={**form, "action": "reduce"})
    assert lines_of(sessions, no) == ["P5", "P6"]
    refine = {"csrf_token": browser.csrf, "criteria": "salesperson = JO", "action": "refine"}
    browser.post(f"/segments/{no}/actions", data=refine)
    assert lines_of(sessions, no) == ["P6"]


def test_s4_a_removal_that_empties_the_segment_asks_bc_question_default_yes(browser_as, sessions):
    no = world(sessions, criteria="country = BE")
    browser = browser_as("marketer")
    form = {"csrf_token": browser.csrf, "criteria": "country = BE", "action": "reduce"}
    asked = browser.post(f"/segments/{no}/actions", data=form)
    assert "Do you want to reset number of criteria actions?" in asked.text
    assert "autofocus" in re.search(r'<button[^>]*value="yes"[^>]*>', asked.text).group(0)
    assert len(lines_of(sessions, no)) == 5  # asked first, nothing done
    kept = browser.post(f"/segments/{no}/actions", data={**form, "reset_criteria": "no"})
    assert kept.status_code == 303
    assert [a.action_no for a in history.criteria(sessions, no)] == [1, 2]
    history.go_back(sessions, no)
    browser.post(f"/segments/{no}/actions", data={**form, "reset_criteria": "yes"})
    assert history.criteria(sessions, no) == []


def test_x1_a_criteria_error_is_shown_beside_the_input_and_nothing_changes(browser_as, sessions):
    no = world(sessions)
    browser = browser_as("marketer")
    form = {"csrf_token": browser.csrf, "criteria": "contry = BE", "action": "add"}
    answer = browser.post(f"/segments/{no}/actions", data=form)
    assert answer.status_code == 422
    assert (
        'id="criteria-error" class="error" role="alert">line 1, col 1: unknown field '
        "&#39;contry&#39; — did you mean &#39;country&#39;?" in answer.text
    )
    assert "contry = BE</textarea>" in answer.text  # what was typed stays
    assert lines_of(sessions, no) == []


def test_x2_the_preview_counts_each_action_and_changes_nothing(browser_as, sessions):
    no = world(sessions, criteria="no = P1")
    browser = browser_as("viewer")
    answer = browser.get(
        f"/segments/{no}/preview", params={"criteria": "country = BE", "entire_companies": "true"}
    )
    assert answer.status_code == 200
    assert "<html" not in answer.text
    would = actions.add_contacts(
        sessions, no, criteria="country = BE", user="viewer1", preview=True
    )
    assert f"{would.added} contacts would be added ({would.no_of_lines} lines)" in answer.text
    # each count in its number: one line, not "1 lines"
    assert "Reduce contacts: 1 line would be removed (0 lines left)" in answer.text
    assert "Refine contacts: 0 lines would be removed (1 line left)" in answer.text
    assert "P6 · Fay" in answer.text  # the sample
    assert lines_of(sessions, no) == ["P1"]


def test_x2_the_preview_shows_a_criteria_error_with_its_position(browser_as, sessions):
    no = world(sessions)
    answer = browser_as("viewer").get(
        f"/segments/{no}/preview", params={"criteria": "country = BE and contry = NL"}
    )
    assert "line 1, col 18: unknown field &#39;contry&#39; — did you mean" in answer.text


def test_x2_the_criteria_input_previews_as_the_user_types_and_only_the_newest_answer_counts(
    browser_as, sessions
):
    no = world(sessions)
    html = browser_as("marketer").get(f"/segments/{no}").text
    textarea = re.search(r'<textarea id="criteria"[^>]*>', html).group(0)
    assert f'hx-get="/segments/{no}/preview"' in textarea
    assert 'hx-trigger="input changed delay:300ms"' in textarea
    assert 'hx-sync="this:replace"' in textarea
    assert 'hx-target="#preview"' in textarea
    assert re.search(r'<div id="preview"[^>]*role="status"', html)


def test_s9_reuse_criteria_on_a_built_segment_asks_first_default_no(browser_as, sessions):
    source = world(sessions, criteria="country = NL")
    reuse.save_criteria(sessions, source, code="DUTCH", user="marketer1")
    target = header.create_segment(sessions, description="Target", user="marketer1").no
    actions.add_contacts(sessions, target, criteria="no = P6", user="marketer1")
    browser = browser_as("marketer")
    form = {"csrf_token": browser.csrf, "code": "DUTCH"}
    asked = browser.post(f"/segments/{target}/reuse-criteria", data=form)
    assert "already contains 1 No. of Criteria Actions" in asked.text
    assert "autofocus" in re.search(r'<button[^>]*value="no"[^>]*>', asked.text).group(0)
    browser.post(f"/segments/{target}/reuse-criteria", data={**form, "yes": "no"})
    assert lines_of(sessions, target) == ["P6"]
    browser.post(f"/segments/{target}/reuse-criteria", data={**form, "yes": "yes"})
    assert lines_of(sessions, target) == ["BETA", "P3", "P6"]


def test_s9_save_criteria_from_the_card(browser_as, sessions):
    no = world(sessions, criteria="country = NL")
    browser = browser_as("marketer")
    form = {"csrf_token": browser.csrf, "code": "nl", "description": "Dutch"}
    assert browser.post(f"/segments/{no}/save-criteria", data=form).status_code == 303
    other = header.create_segment(sessions, description="Other", user="marketer1").no
    reuse.reuse_criteria(sessions, other, code="NL", user="marketer1")
    assert lines_of(sessions, other) == ["BETA", "P3"]


def test_s9_a_saved_description_longer_than_its_field_is_refused_on_the_card(browser_as, sessions):
    """PostgreSQL refused the insert with a 500 (found by test_forms_fuzz.py); SQLite kept
    the text whole."""
    no = world(sessions, criteria="country = NL")
    browser = browser_as("marketer")
    form = {"csrf_token": browser.csrf, "code": "nl", "description": "x" * 51}
    answer = browser.post(f"/segments/{no}/save-criteria", data=form)
    assert answer.status_code == 422
    assert "is longer than 50 characters" in answer.text
    assert saved.get_all(sessions) == []


def test_builder_fields_come_from_the_registry_with_code_values(browser_as, sessions):
    world(sessions)
    body = browser_as("viewer").get("/criteria-builder/fields").json()
    fields = {field["name"]: field for field in body["fields"]}
    assert fields["type"]["choices"] == ["company", "person"]
    assert "in" in fields["country"]["operators"]
    assert {r["name"] for r in body["relations"]} >= {"mailing_group", "profile", "interaction"}
    assert {m["name"] for m in body["memberships"]} == {"segment", "logged_segment"}
    assert {"code": "NL", "description": "NL"} in body["codes"]["country"]
    assert {"code": "RETAIL", "description": "RETAIL"} in body["codes"]["industry_group.code"]


def test_builder_converts_text_to_tree_and_back_to_canonical_text(browser_as, sessions):
    world(sessions)
    browser = browser_as("viewer")
    text = "Country IN (be,nl) and NOT (mailing_group = NO_MAIL or excluded)"
    tree = browser.get("/criteria-builder/tree", params={"criteria": text}).json()["tree"]
    assert tree["and"][0] == {"field": "country", "op": "in", "values": ["BE", "NL"]}
    back = browser.get("/criteria-builder/text", params={"tree": json.dumps(tree)}).json()
    assert back == {"text": "country in (BE, NL) and not (mailing_group = NO_MAIL or excluded)"}
    bad = browser.get("/criteria-builder/tree", params={"criteria": "contry = BE"}).json()
    assert "did you mean &#39;country&#39;" not in bad["error"]
    assert "did you mean 'country'" in bad["error"]
    wrong = {"field": "country", "op": "is", "value": "BE"}
    error = browser.get("/criteria-builder/text", params={"tree": json.dumps(wrong)}).json()
    assert "error" in error


def test_s10_reuse_logged_segment_takes_the_options_of_the_action_form(browser_as, sessions):
    no = world(sessions)
    browser = browser_as("marketer")
    html = browser.get(f"/segments/{no}").text
    assert f'formaction="/segments/{no}/reuse-logged#build-pane"' in html
    bad = browser.post(
        f"/segments/{no}/reuse-logged", data={"csrf_token": browser.csrf, "logged_segment": "x"}
    )
    assert bad.status_code == 422
    assert "&#39;x&#39; is not a whole number" in bad.text


def test_s10_a_logged_segment_no_beyond_any_entry_no_is_refused_on_the_card(browser_as, sessions):
    """A number past the 32-bit entry nos was a 500 on both engines (found by
    test_forms_fuzz.py): SQLite could not bind it, PostgreSQL could not compare it."""
    no = world(sessions)
    browser = browser_as("marketer")
    for entry_no in ("99999999999999999999", str(2**31), "-1"):
        form = {"csrf_token": browser.csrf, "logged_segment": entry_no}
        answer = browser.post(f"/segments/{no}/reuse-logged", data=form)
        assert answer.status_code == 422, entry_no
        assert (
            "The Logged Segment does not exist. "
            f"Identification fields and values: Entry No.='{entry_no}'"
        ) in html.unescape(answer.text)
    assert lines_of(sessions, no) == []
