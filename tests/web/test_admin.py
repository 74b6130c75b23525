"""Users and tokens in the browser (SPEC §7, §10, X9; issue 13 items 1 and 9): an admin adds a
user, changes a role, disables a user, creates a token shown once and revokes it; a refusal
is shown on the page; nobody else reaches the page and a forged POST is refused."""

from __future__ import annotations

import re

from rapport.services.users import accounts, tokens


def test_an_admin_adds_a_user_changes_the_role_and_disables_them(browser_as, sessions):
    browser = browser_as("admin")
    token = {"csrf_token": browser.csrf}
    added = browser.post(
        "/admin/users", data={**token, "name": "lien", "role": "viewer", "full_name": "<Lien>"}
    )
    assert added.status_code == 303
    html = browser.get("/admin/users").text
    assert "<td>lien</td><td>&lt;Lien&gt;</td><td>viewer</td>" in html
    browser.post("/admin/users/lien/role", data={**token, "role": "marketer"})
    browser.post("/admin/users/lien/disable", data=token)
    account = accounts.get(sessions, "lien")
    assert (account.role.value, account.disabled) == ("marketer", True)


def test_a_refusal_is_shown_on_the_page_and_changes_nothing(browser_as, sessions):
    browser = browser_as("admin")
    answer = browser.post(
        "/admin/users", data={"csrf_token": browser.csrf, "name": "viewer1", "role": "admin"}
    )
    assert answer.status_code == 422
    assert "already a user" in answer.text
    assert accounts.get(sessions, "viewer1").role.value == "viewer"


def test_a_token_is_shown_once_and_can_be_revoked(browser_as, sessions):
    browser = browser_as("admin")
    token = {"csrf_token": browser.csrf}
    created = browser.post("/admin/tokens", data={**token, "user": "marketer1", "name": "sync"})
    assert created.status_code == 201
    assert created.headers["cache-control"] == "no-store"
    secret = re.search(r'id="token-secret" readonly value="([^"]+)"', created.text).group(1)
    assert tokens.user_for_token(sessions, secret).name == "marketer1"
    assert secret not in browser.get("/admin/users").text
    made = next(item for item in tokens.get_all(sessions) if item.name == "sync")
    assert browser.post(f"/admin/tokens/{made.id}/revoke", data=token).status_code == 303
    assert tokens.user_for_token(sessions, secret) is None


def test_x9_only_an_admin_reaches_the_page_and_a_forged_post_is_refused(browser_as, sessions):
    for role in ("viewer", "marketer"):
        browser = browser_as(role)
        assert browser.get("/admin/users").status_code == 403
        forged = browser.post(
            "/admin/users", data={"csrf_token": browser.csrf, "name": "eve", "role": "admin"}
        )
        assert forged.status_code == 403
    admin = browser_as("admin")
    without_token = admin.post("/admin/users", data={"name": "eve", "role": "admin"})
    assert without_token.status_code == 403
    assert all(account.name != "eve" for account in accounts.get_all(sessions))


def test_a_token_id_past_32_bits_in_the_address_is_refused_with_a_page(browser_as, sessions):
    """It was a 500 (found by test_forms_fuzz.py): PostgreSQL cannot compare 2**31 with the
    column, SQLite cannot bind a number past 64 bits."""
    browser = browser_as("admin")
    for token_id in (str(2**31), "99999999999999999999"):
        answer = browser.post(f"/admin/tokens/{token_id}/revoke", data={"csrf_token": browser.csrf})
        assert answer.status_code == 422, token_id
        assert 'class="error" role="alert"' in answer.text
    assert all(not token.revoked for token in tokens.get_all(sessions))
