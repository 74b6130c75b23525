"""Interaction log entries over HTTP (L6): the keyset-paged list with the entries'
criteria, one entry, cancel / un-cancel, evaluate, attempt failed and totals, in the JSON
of `rapport interactions … --json`."""

from __future__ import annotations

import datetime as dt

import pytest

from tests.api.conftest import problem_of, walk
from tests.factories import build_log_world, make_interaction


@pytest.fixture
def world(sessions):
    """Five entries: Ann ×2 (ABSTRACT, campaign CP1, cost 2.5 each), Bob, Cas, Dee (CALL)."""
    with sessions.begin() as session:
        people = build_log_world(session)
        for no, template, campaign in (
            ("P1", "ABSTRACT", "CP1"),
            ("P1", "ABSTRACT", "CP1"),
            ("P2", "ABSTRACT", ""),
            ("P3", "CALL", ""),
            ("P4", "CALL", ""),
        ):
            make_interaction(
                session,
                people[no],
                date=dt.date(2026, 3, 2),
                interaction_template_code=template,
                interaction_group_code="LETTER",
                campaign_no=campaign,
                cost=2.5,
                duration=5,
            )


def test_l6_the_list_is_the_cli_list_page_by_page(world, client_as, cli_json):
    pages = walk(client_as("viewer"), "/api/interaction-log-entries?limit=2")
    assert [len(items) for items in pages] == [2, 2, 1]
    assert [row for items in pages for row in items] == cli_json("interactions", "list")
    assert pages[0][0]["cost"] == 2.5


def test_l6_where_filters_on_entry_fields(world, client_as, cli_json):
    where = "interaction_template_code = ABSTRACT and contact_no = P1"
    items = client_as("viewer").get("/api/interaction-log-entries", params={"where": where})
    assert [row["entry_no"] for row in items.json()["items"]] == [1, 2]
    assert items.json()["items"] == cli_json("interactions", "list", "--where", where)
    problem_of(
        client_as("viewer").get("/api/interaction-log-entries", params={"where": "nope = 1"}),
        422,
    )


def test_l6_one_entry_and_an_unknown_one(world, client_as, cli_json):
    viewer = client_as("viewer")
    assert (
        viewer.get("/api/interaction-log-entries/3").json() == cli_json("interactions", "list")[2]
    )
    problem_of(viewer.get("/api/interaction-log-entries/99"), 404)
    problem_of(viewer.get("/api/interaction-log-entries/0"), 422)


def test_l6_cancel_and_uncancel_several_entries(world, client_as):
    marketer = client_as("marketer")
    for not_an_integer in ("1", True, 1.5):  # JSON Schema's integers only, as declared
        refused = marketer.post(
            "/api/interaction-log-entries/cancel", json={"entries": [not_an_integer]}
        )
        problem_of(refused, 422)
    answer = marketer.post("/api/interaction-log-entries/cancel", json={"entries": [1, 2.0]})
    assert answer.json() == {"entries": 2, "canceled": True}
    assert marketer.get("/api/interaction-log-entries/2").json()["canceled"] is True
    answer = marketer.post("/api/interaction-log-entries/uncancel", json={"entries": [2]})
    assert answer.json() == {"entries": 1, "canceled": False}
    body = problem_of(
        marketer.post("/api/interaction-log-entries/cancel", json={"entries": [3, 99]}), 422
    )
    assert body["detail"] == (
        "The Interaction Log Entry does not exist. Identification fields and values: Entry No.='99'"
    )
    assert body["errors"][0]["field"] == "entries"
    assert marketer.get("/api/interaction-log-entries/3").json()["canceled"] is False
    problem_of(marketer.post("/api/interaction-log-entries/cancel", json={"entries": []}), 422)


def test_l6_evaluate_and_attempt_failed_answer_the_entry(world, client_as):
    marketer = client_as("marketer")
    url = "/api/interaction-log-entries/1"
    answer = marketer.post(f"{url}/evaluate", json={"evaluation": "very_positive"})
    assert answer.status_code == 200, answer.text
    assert answer.json()["evaluation"] == "very_positive"
    body = problem_of(marketer.post(f"{url}/evaluate", json={"evaluation": "great"}), 422)
    assert body["errors"][0]["field"] == "evaluation"
    assert marketer.post(f"{url}/attempt-failed", json={}).json()["attempt_failed"] is True
    cleared = marketer.post(f"{url}/attempt-failed", json={"attempt_failed": False})
    assert cleared.json()["attempt_failed"] is False


def test_l6_totals_per_template_are_the_cli_totals(world, client_as, cli_json):
    answer = client_as("viewer").get("/api/interaction-log-entries/totals?by=template")
    assert answer.status_code == 200, answer.text
    assert answer.json() == {
        "items": cli_json("interactions", "totals", "--by", "template"),
        "next": None,
    }
    assert [(r["code"], r["no_of_interactions"], r["cost"]) for r in answer.json()["items"]] == [
        ("ABSTRACT", 3, 7.5),
        ("CALL", 2, 5),
    ]
    problem_of(client_as("viewer").get("/api/interaction-log-entries/totals?by=colour"), 422)


def test_l6_a_viewer_cannot_cancel_or_evaluate(world, client_as):
    viewer = client_as("viewer")
    problem_of(viewer.post("/api/interaction-log-entries/cancel", json={"entries": [1]}), 403)
    problem_of(
        viewer.post("/api/interaction-log-entries/1/evaluate", json={"evaluation": "neutral"}),
        403,
    )
    assert viewer.get("/api/interaction-log-entries/1").json()["canceled"] is False
