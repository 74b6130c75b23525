"""The visual criteria builder in a real browser (SPEC §5, §8; issue 13 items 3 and 10):
it draws every construct of the criteria language from typed text and writes it back as
the canonical text, and a segment built with it alone shows a live preview count
(`role="status"`) that "Add contacts" then adds."""

from __future__ import annotations

import re
from urllib.parse import parse_qs, urlsplit

import pytest
from playwright.sync_api import expect

from rapport.criteria import parse, render
from tests.browser.conftest import sign_in

pytestmark = pytest.mark.browser

# Every construct of SPEC §5: comparisons, in / not in, is (not) empty, a boolean alone,
# matches with BC's filter syntax, dates relative to today, every kind of relation (the
# shorthand, conditions on its own fields, negated), segment and logged segment
# membership, and/or/not with parentheses.
SPEC_EXAMPLES = [
    "country in (BE, NL) and industry_group in (RETAIL, WHOLESALE)",
    "type = person and job_responsibility = PURCHASE and not mailing_group = NO_MAIL",
    "post_code matches '1000..1999|3000..3999'",
    "name matches '@*bakery*' or search_name matches 'BAK*'",
    "profile(questionnaire = CUSTOMER and answer_line = 30)",
    "interaction(template = ABSTRACT and date >= today - 90d and not canceled)",
    "business_relation = CUST and salesperson = JO",
    "segment(SEG00002) or logged_segment(3)",
    "excluded or email is empty",
    "not (city != Gent or created < 2026-01-31) and country not in (DE, FR)",
    "web_source(code = GOOGLE and search_word is not empty) and phone > ''",
]


def untidy(text: str) -> str:
    """The same criteria written as a hurried person would: keywords in capitals, doubled
    spaces; the canonical text differs from it."""
    for word in (" and ", " or ", "not ", " in ", " matches "):
        text = text.replace(word, word.upper().replace(" ", "  "))
    return text


def previewed(url: str) -> str | None:
    """The criteria a live-preview request asked about (None for any other request)."""
    parts = urlsplit(url)
    if not parts.path.endswith("/preview"):
        return None
    return parse_qs(parts.query).get("criteria", [None])[0]


def new_segment(page, description: str) -> str:
    page.goto("/segments")
    page.get_by_label("Description").fill(description)
    page.get_by_role("button", name="Create segment").click()
    page.wait_for_url(re.compile(r"/segments/SEG\d+$"))
    return page.url.rsplit("/", 1)[1]


def test_s7_text_to_builder_to_text_gives_the_canonical_text_for_every_construct(page):
    sign_in(page, "jim")
    new_segment(page, "Builder round trip")
    criteria = page.get_by_label("Criteria", exact=True)
    top_not = page.locator("#builder > .b-group > .b-row input[type=checkbox]")
    top_not.wait_for()
    for example in SPEC_EXAMPLES:
        typed = untidy(example)
        canonical = render(parse(typed))
        assert typed != canonical
        with page.expect_response(lambda r: "/criteria-builder/tree" in r.url):
            criteria.fill(typed)
        rows = page.locator("#builder select[aria-label=Field]")
        expect(rows.first).not_to_have_value("")
        # A change in the builder writes its whole tree back as text through the server.
        top_not.check()
        top_not.uncheck()
        expect(criteria).to_have_value(canonical)
        assert page.locator("#builder p.error").is_hidden(), example


def test_x2_a_segment_built_with_the_builder_adds_what_its_preview_counted(page):
    sign_in(page, "jim")
    new_segment(page, "Built by pointing")
    field = page.locator("#builder select[aria-label=Field]").first
    field.select_option("country")
    page.locator("#builder select[aria-label=Operator]").first.select_option("in")
    page.locator("#builder input[aria-label=Value]").first.fill("BE, NL")
    page.get_by_role("button", name="Add condition").first.click()
    page.locator("#builder select[aria-label=Field]").nth(1).select_option("type")
    final = "country in (BE, NL) and type = person"
    with page.expect_response(lambda r: previewed(r.url) == final) as answer:
        page.locator("#builder select[aria-label=Value]").first.select_option("person")
    expect(page.get_by_label("Criteria", exact=True)).to_have_value(final)
    counted = int(re.search(r"Add contacts: (\d+) contacts", answer.value.text()).group(1))
    assert counted > 0
    preview = page.locator("#action-form").get_by_role("status")
    expect(preview).to_contain_text(f"Add contacts: {counted} contacts would be added")
    page.get_by_role("button", name="Add contacts").click()
    page.wait_for_url(re.compile(r"done=action"))
    first = page.locator("#actions-pane tbody tr").first
    assert first.locator("td").nth(2).inner_text() == str(counted)
    assert "country in (BE, NL) and type = person" in first.inner_text()
