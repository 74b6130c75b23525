"""The contacts, logged segments, interactions, campaigns, templates, import and users pages
in a real browser (SPEC §8; issue 13 items 1, 8, 9): axe finds no serious or critical
violation on any of them, the filter answers in place through htmx, the actions work with
the keyboard, and a viewer sees no change action."""

from __future__ import annotations

from typing import Any

import pytest

from tests.browser.conftest import axe_violations, sign_in

pytestmark = pytest.mark.browser

MARKETER_PAGES = [
    "/contacts",
    "/contacts/CT000002",
    "/logged-segments",
    "/logged-segments/1",
    "/interactions",
    "/campaigns",
    "/campaigns/CP00001",
    "/templates",
    "/templates/ABSTRACT",
    "/saved-criteria",
    "/setup/codes/salespeople",
]
# Pages reached from another page or the brand rather than from the main navigation (no
# current link).
REACHED_PAGES = ["/", "/contact-duplicates", "/contact-duplicates?min_score=50"]
ADMIN_PAGES = [
    "/import",
    "/admin/users",
    "/setup",
    "/setup/number-series",
    "/setup/codes/salespeople/JO",
]


def test_x9_every_page_passes_axe_and_marks_its_navigation_link(page):
    sign_in(page, "jim")
    for path in MARKETER_PAGES:
        page.goto(path)
        assert axe_violations(page) == [], path
        main_nav = page.get_by_role("navigation", name="Main")
        current = main_nav.locator('a[aria-current="page"]')
        assert current.get_attribute("href") == "/" + path.split("/")[1], path
    for path in REACHED_PAGES:
        page.goto(path)
        assert axe_violations(page) == [], path
    page.get_by_role("button", name="Sign out").click()
    sign_in(page, "admin")
    for path in ADMIN_PAGES:
        page.goto(path)
        assert axe_violations(page) == [], path


def test_k1_the_criteria_filter_answers_in_place_and_shows_its_error(page):
    sign_in(page, "jim")
    page.goto("/contacts")
    page.get_by_label("Filter (criteria)").fill("type = company and city = Hasselt")
    page.get_by_role("button", name="Show").click()
    page.wait_for_url(lambda url: "where=" in url)
    rows = page.locator("#results tbody tr")
    rows.first.wait_for()
    assert rows.count() >= 1
    assert all(
        text == "Company"
        for text in page.locator("#results tbody td:nth-child(3)").all_inner_texts()
    )
    page.get_by_label("Filter (criteria)").fill("cuntry = BE")
    page.get_by_label("Filter (criteria)").press("Enter")
    alert = page.locator("#where-error")
    alert.wait_for()
    assert "country" in alert.inner_text()


def test_l5_a_marketer_cancels_and_uncancels_a_logged_segment_by_keyboard(page):
    sign_in(page, "jim")
    page.goto("/logged-segments/1")
    page.get_by_role("button", name="Cancel interactions", exact=True).focus()
    page.keyboard.press("Enter")
    page.get_by_role("status").wait_for()
    assert page.get_by_role("status").inner_text() == "Canceled."
    page.get_by_role("button", name="Uncancel").click()
    assert page.get_by_role("status").inner_text() == "No longer canceled."
    assert page.get_by_role("button", name="Resend").is_visible()


def test_x9_a_viewer_sees_no_change_action(page):
    sign_in(page, "viewer")
    for path in ("/contacts/CT000002", "/logged-segments/1", "/interactions", "/campaigns/CP00001"):
        page.goto(path)
        assert page.locator("main form[method=post]").count() == 0, path


def test_x9_a_page_loads_every_resource_it_names_its_icon_included(page):
    """The browser fetches nothing that fails: the stylesheet, the scripts and the icon of
    the tab (without a declared icon it asks for /favicon.ico, which is not there)."""
    failed: list[str] = []

    def on_console(message: Any) -> None:
        if message.type == "error" and "Failed to load resource" in message.text:
            failed.append(message.location.get("url", message.text))

    page.on("console", on_console)
    page.goto("/login")
    sign_in(page, "jim")
    page.goto("/api/docs")
    page.goto("/contacts")
    page.wait_for_load_state("networkidle")
    assert failed == []
    assert page.locator('link[rel="icon"]').get_attribute("href") == "/static/favicon.svg"
    icon = page.request.get("/static/favicon.svg")
    assert icon.ok
    assert icon.headers["content-type"].startswith("image/svg+xml")


HEADER = """() => {
  const box = (selector) => document.querySelector(selector).getBoundingClientRect();
  const tab = document.querySelector('header.top nav a[aria-current="page"]');
  return {
    wide: document.documentElement.scrollWidth,
    header: box("header.top").height,
    brand: box(".brand").top,
    signout: box(".signout button").top,
    beside: [box(".brand").right, box(".who").left, box(".who").right, box(".signout button").left],
    tab: tab && [tab.getBoundingClientRect().left, tab.getBoundingClientRect().right],
  };
}"""


def test_x9_on_a_phone_no_page_scrolls_sideways_and_the_current_tab_is_in_view(page):
    """SPEC §8, phone to desktop: at 390 px no page is wider than the screen (a wide table
    scrolls inside its frame, and its hidden captions with it), the header keeps two rows
    (brand and user, then the main tabs, which scroll sideways) and the current page's tab
    is scrolled into view, in Dutch (the longest labels) too. The user's name is cut short
    beside the brand, never under it."""
    page.set_viewport_size({"width": 390, "height": 844})
    for user, pages in (("jim", MARKETER_PAGES), ("admin", ADMIN_PAGES)):
        page.set_extra_http_headers({"Accept-Language": "en"})
        sign_in(page, user)
        page.set_extra_http_headers({"Accept-Language": "nl"})
        for path in pages:
            page.goto(path)
            page.wait_for_load_state("networkidle")
            seen = page.evaluate(HEADER)
            assert seen["wide"] <= 390, (path, seen)
            assert seen["header"] <= 100, (path, seen)
            assert abs(seen["brand"] - seen["signout"]) <= 12, (path, seen)
            assert seen["beside"] == sorted(seen["beside"]), (path, seen)  # nothing overlaps
            left, right = seen["tab"]
            assert left >= 0, (path, seen)
            assert right <= 390, (path, seen)
        page.context.clear_cookies()


def test_x9_on_a_desktop_the_header_is_two_rows_whatever_the_language(page):
    """SPEC §8: at 1,280 px the brand, the user and Sign out share the first row and a
    marketer's tabs the second, in English and in Dutch; the admin's two more tabs may
    take a third row in Dutch, never the user's name or the button."""
    for language, user, highest in (("en", "jim", 100), ("nl", "jim", 100), ("nl", "admin", 140)):
        page.set_extra_http_headers({"Accept-Language": "en"})
        sign_in(page, user)
        page.set_extra_http_headers({"Accept-Language": language})
        page.goto("/contacts")
        seen = page.evaluate(HEADER)
        assert seen["header"] <= highest, (language, user, seen)
        assert abs(seen["brand"] - seen["signout"]) <= 12, (language, user, seen)
        page.context.clear_cookies()
