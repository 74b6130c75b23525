"""The contact card's General box and profile answers read as a person writes them (K1,
K2, SPEC §8; UI review items 19 and 4b): the phone and the mobile phone each on a row of its
own under its label, the address on lines (street; post code and city; country), an e-mail
address on one line on a desktop and, on a phone, broken only before its "@" or a dot; a
profile answer says the questionnaire, the answer and the day it was answered, never the
stored field names."""

from __future__ import annotations

import re

import pytest

from tests.browser.conftest import sign_in

pytestmark = pytest.mark.browser
PERSON = "/contacts/CT000002"  # the demo's Camille Maes: phone, mobile and a long e-mail
COMPANY = "/contacts/CT000001"  # the demo's Quantum Services NV: two profile answers

# Each row of the General box: its label, the top of the row, the lines of its value.
GENERAL = """() => [...document.querySelectorAll("#general ~ dl.fields dt")].map((dt) => [
  dt.textContent.trim(), Math.round(dt.getBoundingClientRect().top),
  dt.nextElementSibling.innerText.split("\\n")])"""

# The characters at which the e-mail's text goes on to a new line, as the browser laid it.
LINE_STARTS = """(dd) => {
  const text = dd.querySelector(".email") || dd;
  const walker = document.createTreeWalker(text, NodeFilter.SHOW_TEXT);
  const starts = []; let last = null;
  for (let node = walker.nextNode(); node; node = walker.nextNode()) {
    for (let i = 0; i < node.length; i++) {
      const range = document.createRange(); range.setStart(node, i); range.setEnd(node, i + 1);
      const rect = range.getClientRects()[0];
      if (!rect) continue;
      if (last !== null && rect.top > last + 2) starts.push(node.data[i]);
      last = rect.top;
    }
  }
  return starts;
}"""


def general(page) -> dict[str, tuple[int, list[str]]]:
    return {label: (top, lines) for label, top, lines in page.evaluate(GENERAL)}


def edited(page, name: str) -> str:
    return page.locator(f"#f-{name}").input_value()


def email_value(page):
    return page.locator("#general ~ dl.fields dt", has_text=re.compile(r"^E-mail$")).locator(
        "xpath=following-sibling::dd[1]"
    )


def test_k1_phone_and_mobile_are_rows_of_their_own_and_the_address_is_on_lines(page):
    sign_in(page, "jim")
    page.goto(PERSON)
    rows = general(page)
    phone, mobile = edited(page, "phone"), edited(page, "mobile")
    assert phone
    assert mobile
    assert rows["Phone"][1] == [phone]
    assert rows["Mobile phone"][1] == [mobile]
    assert rows["Mobile phone"][0] > rows["Phone"][0]
    post_code_city = f"{edited(page, 'post_code')} {edited(page, 'city')}"
    assert rows["Address"][1] == [edited(page, "address"), post_code_city, edited(page, "country")]


@pytest.mark.parametrize(
    ("width", "language"), [(1280, "en"), (1280, "nl"), (390, "en"), (390, "nl")]
)
def test_k1_an_e_mail_address_is_broken_only_where_it_must_be(page, width, language):
    page.set_viewport_size({"width": width, "height": 900})
    sign_in(page, "jim")
    page.set_extra_http_headers({"Accept-Language": language})
    page.goto(PERSON)
    value = email_value(page)
    assert value.inner_text() == edited(page, "email")
    starts = value.evaluate(LINE_STARTS)
    if width >= 1280:
        assert starts == []  # one line on a desktop
    else:
        assert set(starts) <= {"@", "."}, starts
    dl_right = page.locator("#general ~ dl.fields").evaluate(
        "(dl) => [dl.getBoundingClientRect().right, dl.scrollWidth <= dl.clientWidth]"
    )
    assert dl_right[1]  # nothing runs out of the box


def test_k2_a_profile_answer_says_its_answer_and_the_day_it_was_given(page):
    sign_in(page, "jim")
    page.goto(COMPANY)
    answers = page.locator("section[aria-labelledby=profile] li").all_inner_texts()
    assert answers
    for answer in answers:
        assert "answer_line" not in answer
        assert "last_date_updated" not in answer
        assert re.fullmatch(r"[A-Z0-9_]+: .+ · answered \d{4}-\d{2}-\d{2}", answer), answer
