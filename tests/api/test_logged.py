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


@pytest.fixture
def states(sessions):
    """Logged segment 1 whose recipients, in entry order, are sent, failed, skipped, failed,
    pending, sent: a filtered page must skip rows of other states before its first one."""
    with sessions.begin() as session:
        people = build_log_world(session)
        for no, status in (
            ("P1", "sent"),
            ("P2", "failed"),
            ("P3", "skipped"),
            ("ACME", "failed"),
            ("P4", "pending"),
            ("P1", "sent"),
        ):
            make_queued_interaction(session, people[no], status=status)


def test_x8_the_recipients_of_chosen_delivery_states_page_by_page_keep_the_filter(
    states, client_as, cli_json
):
    """`?status=` filters in the service's statement before the page is cut: each page of
    one holds the next recipient in those states, and its `next` keeps the filter; the
    CLI's `logged show --status` gives the same recipients."""
    viewer = client_as("viewer")
    first = viewer.get("/api/logged-segments/1/deliveries?status=failed&status=skipped&limit=1")
    assert first.status_code == 200, first.text
    assert "status=failed" in first.json()["next"]
    assert "status=skipped" in first.json()["next"]
    pages = walk(viewer, "/api/logged-segments/1/deliveries?status=failed&status=skipped&limit=1")
    rows = [row for items in pages for row in items]
    assert [(row["contact_no"], row["status"]) for row in rows] == [
        ("P2", "failed"),
        ("P3", "skipped"),
        ("ACME", "failed"),
    ]
    assert len(pages) == 3
    shown = cli_json("logged", "show", "1", "--status", "failed", "--status", "SKIPPED")
    assert shown["deliveries"] == rows
    assert shown["delivery"]["sent"] == 2  # the counts stay those of every recipient
    only = viewer.get("/api/logged-segments/1/deliveries?status=pending").json()["items"]
    assert [row["contact_no"] for row in only] == ["P4"]
    assert viewer.get("/api/logged-segments/1/deliveries?status=uncertain").json() == {
        "items": [],
        "next": None,
    }


def test_x8_the_cli_shows_the_recipients_of_a_delivery_state_and_counts_what_is_left(
    states, database_url, capsys
):
    from rapport.cli.main import run

    capsys.readouterr()
    status = run(
        ["--db", database_url, "logged", "show", "1", "--status", "failed", "--limit", "1"]
    )
    out, err = capsys.readouterr()
    assert status == 0, err
    assert "P2" in out
    assert "ACME" not in out
    assert "… 1 more recipients (--limit N, or --json)." in err


@pytest.mark.parametrize("value", ["bogus", "", "none"])
def test_x8_a_delivery_state_that_is_not_one_is_a_422_naming_status(
    states, client_as, database_url, capsys, value
):
    from rapport.cli.main import run

    answer = client_as("viewer").get(f"/api/logged-segments/1/deliveries?status={value}")
    problem = problem_of(answer, 422)
    assert problem["errors"][0]["field"] == "status"
    assert "pending, sending, sent, failed, skipped, uncertain" in problem["detail"]
    capsys.readouterr()
    assert run(["--db", database_url, "logged", "show", "1", "--status", value]) == 1
    assert "is not a delivery state" in capsys.readouterr().err


def test_l5_the_list_takes_criteria_and_a_search_and_its_pages_keep_them(
    world, client_as, cli_json, sessions
):
    """`?where=` is the criteria language on the logged segments' fields (as the web list
    and `logged list --where`), `?q=` a plain search; a bad criteria is a 422 naming
    `where` and its position."""
    marketer = client_as("marketer")
    marketer.post("/api/logged-segments/2/cancel")
    with sessions.begin() as session:
        session.add(t.LoggedSegment(entry_no=3, segment_no="SEG00003", description="Autumn"))
    canceled = marketer.get("/api/logged-segments", params={"where": "canceled"}).json()
    assert [row["entry_no"] for row in canceled["items"]] == [2]
    pages = walk(marketer, "/api/logged-segments?where=not+canceled&limit=1")
    assert [[row["entry_no"] for row in items] for items in pages] == [[1], [3]]
    by_segment = marketer.get("/api/logged-segments", params={"where": "segment = SEG00003"})
    assert [row["entry_no"] for row in by_segment.json()["items"]] == [3]
    assert by_segment.json()["items"] == cli_json("logged", "list", "--where", "segment = SEG00003")
    searched = marketer.get("/api/logged-segments", params={"q": "autUMN"}).json()["items"]
    assert [row["entry_no"] for row in searched] == [3]
    both = {"where": "no_of_interactions >= 1 and not canceled", "q": "spring"}
    assert [
        row["entry_no"] for row in marketer.get("/api/logged-segments", params=both).json()["items"]
    ] == [1]
    bad = problem_of(marketer.get("/api/logged-segments", params={"where": "canceld"}), 422)
    assert bad["errors"][0]["field"] == "where"
    assert bad["errors"][0]["position"] == {"line": 1, "column": 1}
    assert "canceled" in bad["detail"]  # did you mean


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
