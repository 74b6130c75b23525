"""Signing in, sessions, tokens, CSRF, rate limits and security headers (SPEC §7, §10, X9)."""

from __future__ import annotations

import datetime as dt

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import update

from rapport.services.users import accounts, audit, tokens
from rapport.storage.tables import ApiToken


def test_health_answers_without_sign_in_and_says_the_database_is_reachable(anonymous):
    answer = anonymous.get("/api/health")
    assert answer.status_code == 200
    assert answer.json() == {"status": "ok", "database": "ok"}


def test_an_anonymous_api_call_gets_401_as_a_problem_document(anonymous):
    answer = anonymous.get("/api/me")
    assert answer.status_code == 401
    assert answer.headers["content-type"] == "application/problem+json"
    assert answer.headers["www-authenticate"].startswith("Bearer")
    body = answer.json()
    assert body["status"] == 401
    assert body["title"] == "Unauthorized"
    assert body["detail"]


def test_a_bearer_token_acts_as_its_user_and_records_its_last_use(client_as, sessions, users):
    answer = client_as("marketer").get("/api/me")
    assert answer.status_code == 200
    assert answer.json()["name"] == users["marketer"].name
    assert answer.json()["role"] == "marketer"
    listed = tokens.get_all(sessions, user=users["marketer"].name)
    assert listed[0].last_used_at is not None


def test_a_token_s_last_use_is_written_at_most_once_a_minute(sessions, users):
    """SPEC §7: each API call looks its token up; the last-used time is written only when
    the one recorded is a minute old, so reads do not write on every call."""
    name = users["viewer"].name
    token = tokens.create_token(sessions, name, name="minute", by="tests").token
    assert tokens.user_for_token(sessions, token).name == name
    first = next(t for t in tokens.get_all(sessions, user=name) if t.name == "minute")
    assert tokens.user_for_token(sessions, token).name == name
    again = next(t for t in tokens.get_all(sessions, user=name) if t.name == "minute")
    assert again.last_used_at == first.last_used_at
    with sessions.begin() as session:
        session.execute(
            update(ApiToken)
            .where(ApiToken.id == first.id)
            .values(last_used_at=first.last_used_at - dt.timedelta(minutes=2))
        )
    tokens.user_for_token(sessions, token)
    later = next(t for t in tokens.get_all(sessions, user=name) if t.name == "minute")
    assert later.last_used_at >= first.last_used_at


def test_a_revoked_token_or_a_disabled_user_is_refused_at_the_next_lookup(sessions, users):
    """SPEC §7, §10: no cache between the token and its user."""
    name = users["marketer"].name
    revoked = tokens.create_token(sessions, name, name="revoked", by="tests")
    kept = tokens.create_token(sessions, name, name="kept", by="tests").token
    assert tokens.user_for_token(sessions, revoked.token) is not None
    tokens.revoke(sessions, revoked.id, by="tests")
    assert tokens.user_for_token(sessions, revoked.token) is None
    assert tokens.user_for_token(sessions, kept).role.value == "marketer"
    accounts.disable(sessions, name, by="tests")
    assert tokens.user_for_token(sessions, kept) is None
    assert tokens.user_for_token(sessions, "rap_not-a-token") is None


def test_sign_in_sets_an_httponly_samesite_cookie_that_is_secure_only_over_https(
    app, users, passwords
):
    body = {"name": users["viewer"].name, "password": passwords}
    with TestClient(app) as plain:
        cookie = plain.post("/api/login", json=body).headers["set-cookie"].lower()
    assert "httponly" in cookie
    assert "samesite=lax" in cookie
    assert "secure" not in cookie
    with TestClient(app, base_url="https://testserver") as tls:
        cookie = tls.post("/api/login", json=body).headers["set-cookie"].lower()
    assert "secure" in cookie


def test_user_names_compare_case_insensitively_at_sign_in(anonymous, users, passwords):
    body = {"name": users["viewer"].name.upper(), "password": passwords}
    assert anonymous.post("/api/login", json=body).status_code == 200


def test_a_wrong_password_is_refused_and_audited(anonymous, sessions, users, passwords):
    answer = anonymous.post("/api/login", json={"name": users["admin"].name, "password": "nope"})
    assert answer.status_code == 403
    assert answer.json()["detail"] == "the user name or the password is wrong"
    actions = [entry.action for entry in audit.get_all(sessions)]
    assert "sign_in.failed" in actions


def test_failed_sign_ins_are_limited_per_user_with_retry_after(anonymous, users, passwords):
    body = {"name": users["admin"].name, "password": "wrong password"}
    statuses = [anonymous.post("/api/login", json=body).status_code for _ in range(6)]
    assert statuses == [403] * 5 + [429]
    limited = anonymous.post("/api/login", json={**body, "password": passwords})
    assert limited.status_code == 429
    assert int(limited.headers["retry-after"]) > 0


def test_a_disabled_user_is_refused_at_once(browser_as, client_as, sessions, users):
    browser, script = browser_as("marketer"), client_as("marketer")
    assert browser.get("/api/me").status_code == 200
    accounts.disable(sessions, users["marketer"].name, by="tests")
    assert browser.get("/api/me").status_code == 401
    assert script.get("/api/me").status_code == 401


def test_a_revoked_token_is_refused_at_once(client_as, sessions, users):
    client = client_as("viewer")
    assert client.get("/api/me").status_code == 200
    (token,) = tokens.get_all(sessions, user=users["viewer"].name)
    tokens.revoke(sessions, token.id, by="tests")
    assert client.get("/api/me").status_code == 401


def test_a_cookie_write_needs_the_session_csrf_token(browser_as):
    browser = browser_as("viewer")
    refused = browser.post("/api/logout")
    assert refused.status_code == 403
    assert "CSRF" in refused.json()["detail"]
    assert browser.post("/api/logout", headers={"x-csrf-token": "forged"}).status_code == 403
    assert browser.post("/api/logout", headers={"x-csrf-token": browser.csrf}).status_code == 204


def test_a_token_write_needs_no_csrf_token(client_as):
    assert client_as("viewer").post("/api/logout").status_code == 204


def test_an_idle_session_expires(app: FastAPI, browser_as):
    browser = browser_as("viewer")
    app.state.rapport.session_idle_seconds = -1
    assert browser.get("/api/me").status_code == 401


def test_a_forged_session_cookie_is_ignored(anonymous):
    anonymous.cookies.set("rapport_session", "eyJ1IjoiYWRtaW4xIn0.forged")
    assert anonymous.get("/api/me").status_code == 401


@pytest.mark.parametrize("path", ["/api/health", "/login"])
def test_every_answer_carries_the_security_headers(anonymous, path):
    headers = anonymous.get(path).headers
    policy = headers["content-security-policy"]
    assert "script-src 'self'" in policy
    assert "frame-ancestors 'none'" in policy
    assert "unsafe-inline" not in policy.split("script-src")[1].split(";")[0]
    assert headers["x-content-type-options"] == "nosniff"


def test_a_body_over_the_upload_limit_gets_413_before_it_is_read(app, client_as):
    app.state.rapport.max_upload_bytes = 1024
    answer = client_as("admin").post(
        "/api/users", content=b"x" * 4096, headers={"content-type": "application/json"}
    )
    assert answer.status_code == 413
    assert answer.headers["content-type"] == "application/problem+json"
