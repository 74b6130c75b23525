"""Logged segments over HTTP (L5, X8): list, one with its delivery counts, its recipients'
delivery status page by page, cancel / un-cancel, delete the canceled ones, resend; the JSON
of `rapport logged …`."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from rapport.storage import tables as t
from tests.api.conftest import problem_of, walk
from tests.factories import build_log_world, make_queued_interaction


@pytest.fixture
def world(sessions):
    """Logged segments 1 (Ann and Bob by e-mail: one sent, one failed) and 2 (Cas)."""
    with sessions.begin() as session:
        people = build_log_world(session)
        make_queued_interaction(session, people["P1"], status="sent", campaign_no="CP1")
        make_queued_interaction(session, people["P2"], status="failed")
        make_queued_interaction(session, people["P3"], logged_segment=2, status=None)


def test_l5_the_list_is_the_cli_list_page_by_page(world, client_as, cli_json):
    pages = walk(client_as("viewer"), "/api/logged-segments?limit=1")
    assert [len(items) for items in pages] == [1, 1]
    assert [row for items in pages for row in items] == cli_json("logged", "list")


def test_x8_one_logged_segment_counts_its_recipients_by_delivery_state(world, client_as):
    answer = client_as("viewer").get("/api/logged-segments/1")
    assert answer.status_code == 200, answer.text
    body = answer.json()
    assert (body["entry_no"], body["no_of_interactions"]) == (1, 2)
    assert body["delivery"] == {
        "pending": 0,
        "sending": 0,
        "sent": 1,
        "failed": 1,
        "skipped": 0,
        "uncertain": 0,
    }
    assert "deliveries" not in body
    problem_of(client_as("viewer").get("/api/logged-segments/99"), 404)


def test_x8_each_recipients_delivery_status_page_by_page_as_the_cli_shows_them(
    world, client_as, cli_json
):
    """The recipients are a list of their own (SPEC §7), paged by entry no., so a logged
    segment of 100,000 interactions is never read whole; they are `logged show --json`'s."""
    pages = walk(client_as("viewer"), "/api/logged-segments/1/deliveries?limit=1")
    assert [len(items) for items in pages] == [1, 1]
    rows = [row for items in pages for row in items]
    assert [(d["entry_no"], d["contact_no"], d["status"]) for d in rows] == [
        (1, "P1", "sent"),
        (2, "P2", "failed"),
    ]
    shown = cli_json("logged", "show", "1")
    assert rows == shown["deliveries"]
    assert client_as("viewer").get("/api/logged-segments/1").json()["delivery"] == shown["delivery"]
    problem_of(client_as("viewer").get("/api/logged-segments/99/deliveries"), 404)
    problem_of(client_as("viewer").get("/api/logged-segments/1/deliveries?after=xyz"), 422)


def test_l5_cancel_uncancel_and_delete_canceled_answer_as_the_cli(world, client_as, cli_json):
    marketer = client_as("marketer")
    canceled = marketer.post("/api/logged-segments/2/cancel")
    assert canceled.status_code == 200, canceled.text
    assert canceled.json()["canceled"] is True
    assert canceled.json() in cli_json("logged", "list")
    assert marketer.post("/api/logged-segments/2/uncancel").json()["canceled"] is False
    marketer.post("/api/logged-segments/2/cancel")
    answer = marketer.post("/api/logged-segments/delete-canceled")
    assert answer.json() == {"deleted": 1}
    assert [row["entry_no"] for row in cli_json("logged", "list")] == [1]
    problem_of(marketer.post("/api/logged-segments/2/uncancel"), 404)


def test_l5_delete_canceled_of_one_entry_leaves_the_others(world, client_as):
    marketer = client_as("marketer")
    marketer.post("/api/logged-segments/1/cancel")
    marketer.post("/api/logged-segments/2/cancel")
    assert marketer.post("/api/logged-segments/delete-canceled?entry=2").json() == {"deleted": 1}
    items = marketer.get("/api/logged-segments").json()["items"]
    assert [row["entry_no"] for row in items] == [1]


def test_l5_resend_without_a_mail_server_says_so_and_sends_nothing_twice(world, client_as):
    answer = client_as("marketer").post("/api/logged-segments/1/resend")
    body = problem_of(answer, 422)
    assert "SMTP" in body["detail"] or "smtp" in body["detail"]


def test_l5_resend_takes_bc_s_correspondence_type_option_and_checks_it_first(
    world, client_as, sessions
):
    """The body is optional; `correspondence_type` email without an SMTP server is refused
    before anything is queued, and a type that is not one is a 422 naming the field."""
    marketer = client_as("marketer")
    body = problem_of(
        marketer.post("/api/logged-segments/2/resend", json={"correspondence_type": "email"}),
        422,
    )
    assert "RAPPORT_SMTP_URL" in body["detail"]
    with sessions.begin() as session:
        assert (
            session.scalars(select(t.Delivery.status).where(t.Delivery.entry_no == 3)).all() == []
        )
    wrong = marketer.post("/api/logged-segments/2/resend", json={"correspondence_type": "fax"})
    assert "correspondence_type" in str(problem_of(wrong, 422))
    extra = marketer.post("/api/logged-segments/2/resend", json={"channel": "email"})
    problem_of(extra, 422)


def test_l5_a_viewer_cannot_cancel_delete_or_resend(world, client_as):
    viewer = client_as("viewer")
    for url in (
        "/api/logged-segments/1/cancel",
        "/api/logged-segments/1/uncancel",
        "/api/logged-segments/delete-canceled",
        "/api/logged-segments/1/resend",
    ):
        problem_of(viewer.post(url), 403)
    assert viewer.get("/api/logged-segments/1").json()["canceled"] is False
