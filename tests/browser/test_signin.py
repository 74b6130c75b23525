"""Signing in and the navigation in a real browser (SPEC §8; issue 13 items 4, 8, 9)."""

from __future__ import annotations

import pytest

from tests.browser.conftest import axe_violations, sign_in

pytestmark = pytest.mark.browser

NAVIGATION = ["Contacts", "Segments", "Logged segments", "Interactions", "Campaigns", "Templates"]


def test_an_anonymous_visit_lands_on_the_sign_in_form(page):
    page.goto("/")
    assert "/login" in page.url
    assert page.get_by_label("User name").is_visible()
    assert page.get_by_label("Password").is_visible()


def test_a_marketer_signs_in_and_sees_the_navigation(page):
    sign_in(page, "jim")
    nav = page.get_by_role("navigation", name="Main")
    for name in NAVIGATION:
        assert nav.get_by_role("link", name=name, exact=True).is_visible()


def test_a_wrong_password_is_announced_on_the_form(page):
    sign_in_page = page
    sign_in_page.goto("/login")
    sign_in_page.get_by_label("User name").fill("jim")
    sign_in_page.get_by_label("Password").fill("not the password")
    sign_in_page.get_by_role("button", name="Sign in").click()
    assert "wrong" in sign_in_page.get_by_role("alert").inner_text()


def test_the_sign_in_form_and_start_page_pass_axe(page):
    page.goto("/login")
    assert axe_violations(page) == []
    sign_in(page, "jim")
    assert axe_violations(page) == []


def test_sign_in_works_with_the_keyboard_alone(page):
    page.goto("/login")
    page.get_by_label("User name").focus()
    page.keyboard.type("jim")
    page.keyboard.press("Tab")
    page.keyboard.type("rapport-demo")
    page.keyboard.press("Enter")
    page.wait_for_url(lambda url: "/login" not in url)
    assert page.get_by_role("button", name="Sign out").is_visible()
