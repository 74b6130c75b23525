"""The one-click unsubscribe link (X7, RFC 8058): no sign-in, a GET changes nothing, the
POST records the opt-out of e-mail in the audit log; a forged link is refused."""

from __future__ import annotations

from rapport.domain.unsubscribe import make_token
from rapport.services.contacts import consent
from rapport.services.users import audit
from rapport.settings import secret_key
from tests.factories import make_company


def test_following_the_link_then_confirming_opts_out_of_email(anonymous, app, sessions):
    with sessions.begin() as session:
        make_company(session, "ACME", "Acme", email="info@acme.test")
    token = make_token(secret_key(app.state.rapport.settings), "ACME")
    shown = anonymous.get(f"/unsubscribe/{token}")
    assert shown.status_code == 200
    assert consent.get_consent(sessions, "ACME").opted_out == ()
    done = anonymous.post(f"/unsubscribe/{token}", data={"List-Unsubscribe": "One-Click"})
    assert done.status_code == 200
    assert 'role="status"' in done.text
    assert consent.get_consent(sessions, "ACME").opted_out == ("email",)
    entry = audit.get_all(sessions)[0]
    assert (entry.action, entry.subject) == ("consent.unsubscribed", "ACME")


def test_a_forged_link_is_refused(anonymous, sessions):
    with sessions.begin() as session:
        make_company(session, "ACME", "Acme")
    forged = make_token("another installation's key", "ACME")
    answer = anonymous.post(f"/unsubscribe/{forged}")
    assert answer.status_code == 400
    assert consent.get_consent(sessions, "ACME").opted_out == ()
