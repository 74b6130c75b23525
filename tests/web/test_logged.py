"""Logged segments in the browser (SPEC §8, L5, X8; issue 13 items 1 and 9): the list with a
criteria filter, a logged segment's per-recipient delivery status and reasons; cancel,
uncancel, delete a canceled one (resend, a job: test_logged_resend_job.py); viewers see no
change actions and a forged POST is refused."""

from __future__ import annotations

import pytest

from rapport.storage import tables as t
from tests.factories import build_log_world, make_queued_interaction, make_stored_attachment


@pytest.fixture
def logged(sessions):
    with sessions.begin() as session:
        people = build_log_world(session)
        body = make_stored_attachment(session, b"<p>Dear {{ contact.name }}</p>")
        make_queued_interaction(session, people["P1"], status="sent", attachment=body)
        make_queued_interaction(session, people["ACME"], status="failed", attachment=body)
        session.query(t.Delivery).filter_by(status="failed").update(
            {"reason": "550 <mailbox> unknown", "recipient": "info@acme.test"}
        )
        session.add(t.LoggedSegment(entry_no=2, segment_no="SEG00002", description="Autumn"))
    return people


def test_l5_the_list_filters_by_criteria_and_search(browser_as, logged):
    browser = browser_as("viewer")
    html = browser.get("/logged-segments").text
    assert 'href="/logged-segments/1"' in html
    assert 'href="/logged-segments/2"' in html
    html = browser.get("/logged-segments", params={"where": "segment_no = SEG00002"}).text
    assert 'href="/logged-segments/1"' not in html
    assert 'href="/logged-segments/2"' in html
    html = browser.get("/logged-segments", params={"q": "spring"}).text
    assert 'href="/logged-segments/2"' not in html
    bad = browser.get("/logged-segments", params={"where": "segmnt_no = X"}).text
    assert 'id="where-error"' in bad


def test_x8_the_card_shows_each_recipients_status_and_reason_escaped(browser_as, logged):
    html = browser_as("viewer").get("/logged-segments/1").text
    assert "<td>Sent</td>" in html
    assert "<td>Failed</td><td>550 &lt;mailbox&gt; unknown</td>" in html
    assert "Failed: 1 · Sent: 1" in html
    assert "<td>Email</td>" in html  # the channel, by its caption
    dutch = browser_as("viewer").get("/logged-segments/1", headers={"accept-language": "nl-BE"})
    assert "<td>Mislukt</td>" in dutch.text
    assert "/resend" not in html
    assert "/cancel" not in html


def test_l5_cancel_uncancel_and_delete_a_canceled_logged_segment(browser_as, logged, sessions):
    browser = browser_as("marketer")
    token = {"csrf_token": browser.csrf}
    assert browser.post("/logged-segments/1/cancel", data=token).status_code == 303
    html = browser.get("/logged-segments/1?done=canceled").text
    assert "/logged-segments/1/uncancel" in html
    assert browser.post("/logged-segments/1/uncancel", data=token).status_code == 303
    refused = browser.post("/logged-segments/1/delete", data=token)
    assert refused.status_code == 409
    assert "not canceled" in refused.text
    browser.post("/logged-segments/1/cancel", data=token)
    assert browser.post("/logged-segments/1/delete", data=token).status_code == 303
    with sessions.begin() as session:
        assert session.get(t.LoggedSegment, 1) is None
        assert session.query(t.InteractionLogEntry).filter_by(canceled=True).count() == 2


def test_x9_a_viewer_cannot_cancel_and_a_post_without_the_token_is_refused(
    browser_as, logged, sessions
):
    viewer = browser_as("viewer")
    assert (
        viewer.post("/logged-segments/1/cancel", data={"csrf_token": viewer.csrf}).status_code
        == 403
    )
    marketer = browser_as("marketer")
    assert marketer.post("/logged-segments/1/cancel").status_code == 403
    with sessions.begin() as session:
        assert session.get(t.LoggedSegment, 1).canceled is False


@pytest.mark.parametrize("entry_no", [str(2**31), "99999999999999999999"])
def test_a_logged_segment_no_past_32_bits_in_the_address_is_refused_with_a_page(
    browser_as, logged, entry_no
):
    """Both were a 500 (found by test_forms_fuzz.py): PostgreSQL cannot compare the first
    with the column, SQLite cannot bind the second."""
    browser = browser_as("marketer")
    for answer in (
        browser.get(f"/logged-segments/{entry_no}"),
        browser.post(f"/logged-segments/{entry_no}/cancel", data={"csrf_token": browser.csrf}),
    ):
        assert answer.status_code == 422
        assert 'class="error" role="alert"' in answer.text


def test_x8_the_card_reads_the_first_recipients_and_counts_all_in_the_database(
    browser_as, logged, sessions
):
    """X8: the card shows the first SHOWN_RECIPIENTS recipients only, and says how many
    there are in each state from one count in the database, not from every recipient read."""
    from rapport.services.interactions import logged as logged_segments
    from rapport.web.logged import SHOWN_RECIPIENTS

    with sessions.begin() as session:
        ann = session.get(t.Contact, logged["P1"].id)
        for _ in range(SHOWN_RECIPIENTS - 1):
            make_queued_interaction(session, ann, status="pending")
    total = SHOWN_RECIPIENTS + 1
    html = browser_as("viewer").get("/logged-segments/1").text
    assert html.count('<a href="/contacts/') == SHOWN_RECIPIENTS
    assert f"The first {SHOWN_RECIPIENTS} of {total} recipients." in html
    assert f"Failed: 1 · Pending: {SHOWN_RECIPIENTS - 1} · Sent: 1" in html
    card = logged_segments.show(sessions, 1, limit=1)
    assert [item.status for item in card.deliveries] == ["sent"]
    counts = card.delivery
    assert (counts.sent, counts.failed, counts.pending) == (1, 1, SHOWN_RECIPIENTS - 1)
