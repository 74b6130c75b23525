"""Signing in and out of the web UI (SPEC §8, issue: the form's "User name", "Password",
"Sign in"; anonymous pages redirect to /login; output is escaped)."""

from __future__ import annotations

import re

from rapport.services.users import accounts
from tests.api.conftest import PASSWORD


def test_an_anonymous_page_request_redirects_to_login_and_back(anonymous):
    answer = anonymous.get("/?x=1")
    assert answer.status_code == 303
    assert answer.headers["location"] == "/login?next=/%3Fx%3D1"


def test_the_login_form_labels_its_fields(anonymous):
    html = anonymous.get("/login").text
    assert '<label for="name">User name</label>' in html
    assert '<label for="password">Password</label>' in html
    assert '<button type="submit">Sign in</button>' in html


def test_signing_in_with_the_form_returns_to_the_page_asked_for(anonymous, users, passwords):
    form = {"name": users["viewer"].name, "password": passwords, "next": "/?x=1"}
    answer = anonymous.post("/login", data=form)
    assert answer.status_code == 303
    assert answer.headers["location"] == "/?x=1"
    assert anonymous.get("/").status_code == 200


def test_sign_in_never_redirects_to_another_site(anonymous, users, passwords):
    for target in ("https://evil.test/", "//evil.test/", "javascript:alert(1)"):
        form = {"name": users["viewer"].name, "password": passwords, "next": target}
        assert anonymous.post("/login", data=form).headers["location"] == "/"


def test_a_wrong_password_shows_the_message_on_the_form(anonymous, users, passwords):
    answer = anonymous.post("/login", data={"name": users["viewer"].name, "password": "nope"})
    assert answer.status_code == 403
    assert "the user name or the password is wrong" in answer.text
    assert 'role="alert"' in answer.text


def test_sign_out_needs_the_forms_csrf_token(browser_as):
    browser = browser_as("viewer")
    page = browser.get("/").text
    token = re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)
    assert browser.post("/logout", data={}).status_code == 403
    answer = browser.post("/logout", data={"csrf_token": token})
    assert answer.status_code == 303
    assert answer.headers["location"] == "/login"
    assert browser.get("/").status_code == 303


def test_a_name_with_markup_is_shown_as_text(anonymous, sessions):
    accounts.add_user(
        sessions,
        "mallory",
        role="viewer",
        full_name="<script>x()</script>",
        password=PASSWORD,
        by="tests",
    )
    anonymous.post("/login", data={"name": "mallory", "password": PASSWORD})
    html = anonymous.get("/").text
    assert "<script>x()</script>" not in html
    assert "&lt;script&gt;x()&lt;/script&gt;" in html


def test_pages_load_no_inline_script(browser_as):
    html = browser_as("viewer").get("/").text
    assert re.findall(r"<script(?![^>]*\bsrc=)[^>]*>", html) == []
    assert not re.search(r"\son[a-z]+=", html)
