"""Campaigns over HTTP (C1–C3): list with a plain search, create, show with target groups,
entries, activate / deactivate and statuses, in the JSON of `rapport campaign … --json`."""

from __future__ import annotations

import datetime as dt

import pytest

from rapport.storage import tables as t
from tests.api.conftest import problem_of, walk
from tests.factories import make_company, make_salesperson, make_segment


@pytest.fixture
def world(sessions):
    """Salesperson JO; campaigns CP1 Spring and CP2 Autumn sale, CP1 with two entries and
    segment SEG1 whose line for company ACME is a campaign target of CP1."""
    with sessions.begin() as session:
        make_salesperson(session, "JO", "Jo Smith")
        session.add_all(
            [
                t.Campaign(no="CP1", description="Spring"),
                t.Campaign(no="CP2", description="Autumn sale"),
            ]
        )
        session.flush()
        for entry_no in (1, 2):
            session.add(
                t.CampaignEntry(
                    entry_no=entry_no,
                    campaign_no="CP1",
                    description=f"Mailing {entry_no}",
                    date=dt.date(2026, 3, entry_no),
                )
            )
        acme = make_company(session, "ACME", "Acme")
        make_segment(
            session, "SEG1", lines=[{"contact": acme}], campaign_no="CP1", campaign_target=True
        )


def test_c1_create_answers_201_with_the_campaign_as_the_cli_shows_it(world, client_as, cli_json):
    marketer = client_as("marketer")
    body = {
        "description": "Winter",
        "starting_date": "2026-01-01",
        "ending_date": "2026-02-01",
        "salesperson_code": "jo",
    }
    answer = marketer.post("/api/campaigns", json=body)
    assert answer.status_code == 201, answer.text
    made = answer.json()
    assert (made["description"], made["salesperson_code"]) == ("Winter", "JO")
    shown = cli_json("campaign", "show", made["no"])
    assert made == {k: v for k, v in shown.items() if k != "target_groups"}


def test_c1_reversed_dates_or_an_unknown_salesperson_are_problems_and_change_nothing(
    world, client_as
):
    marketer = client_as("marketer")
    before = marketer.get("/api/campaigns").json()
    body = {"description": "X", "starting_date": "2026-02-01", "ending_date": "2026-01-01"}
    problem = problem_of(marketer.post("/api/campaigns", json=body), 422)
    assert problem["detail"].startswith("Starting Date 2026-02-01 must not be after")
    unknown = problem_of(
        marketer.post("/api/campaigns", json={"description": "X", "salesperson_code": "Z"}), 422
    )
    assert unknown["errors"][0]["field"] == "salesperson_code"
    problem_of(
        marketer.post("/api/campaigns", json={"description": "X", "starting_date": "soon"}), 422
    )
    problem_of(marketer.post("/api/campaigns", json={"description": "X", "ending_date": 0}), 422)
    problem_of(marketer.post("/api/campaigns", json={"description": "X", "colour": "red"}), 422)
    assert marketer.get("/api/campaigns").json() == before


def test_c2_the_list_is_the_cli_list_page_by_page_and_q_searches(world, client_as, cli_json):
    viewer = client_as("viewer")
    pages = walk(viewer, "/api/campaigns?limit=1")
    assert [row for items in pages for row in items] == cli_json("campaign", "list")
    found = viewer.get("/api/campaigns", params={"q": "sale"}).json()
    assert [row["no"] for row in found["items"]] == ["CP2"]
    assert viewer.get("/api/campaigns", params={"q": "cp1"}).json()["items"][0]["no"] == "CP1"


def test_c2_a_campaign_and_its_entries_are_the_cli_ones(world, client_as, cli_json):
    viewer = client_as("viewer")
    assert viewer.get("/api/campaigns/cp1").json() == cli_json("campaign", "show", "CP1")
    pages = walk(viewer, "/api/campaigns/CP1/entries?limit=1")
    assert [row for items in pages for row in items] == cli_json("campaign", "entries", "CP1")
    problem_of(viewer.get("/api/campaigns/NOPE"), 404)
    problem_of(viewer.get("/api/campaigns/NOPE/entries"), 404)


def test_c3_activate_builds_the_target_groups_and_deactivate_clears_them(world, client_as):
    marketer = client_as("marketer")
    answer = marketer.post("/api/campaigns/CP1/activate")
    assert answer.status_code == 200, answer.text
    assert answer.json() == {
        "campaign_no": "CP1",
        "target_groups": 1,
        "message": "Campaign CP1 is now activated.",
    }
    assert marketer.get("/api/campaigns/CP1").json()["target_groups"] == [
        {"type": "contact", "no": "ACME"}
    ]
    assert marketer.post("/api/campaigns/CP1/deactivate").json()["target_groups"] == 1
    assert marketer.get("/api/campaigns/CP1").json()["target_groups"] == []
    body = problem_of(marketer.post("/api/campaigns/CP2/activate"), 422)
    assert "Campaign Target" in body["detail"]


def test_c1_statuses_are_setup_an_admin_adds(world, client_as, cli_json):
    admin, marketer = client_as("admin"), client_as("marketer")
    problem_of(marketer.post("/api/campaign-statuses", json={"code": "PLANNED"}), 403)
    answer = admin.post("/api/campaign-statuses", json={"code": "planned", "description": "P"})
    assert answer.status_code == 201, answer.text
    assert answer.json() == {"code": "PLANNED", "description": "P"}
    problem_of(admin.post("/api/campaign-statuses", json={"code": "PLANNED"}), 409)
    listed = marketer.get("/api/campaign-statuses").json()["items"]
    assert listed == cli_json("campaign", "statuses")


def test_c1_a_viewer_reads_but_cannot_create_or_activate(world, client_as):
    viewer = client_as("viewer")
    problem_of(viewer.post("/api/campaigns", json={"description": "X"}), 403)
    problem_of(viewer.post("/api/campaigns/CP1/activate"), 403)
    problem_of(viewer.post("/api/campaigns/CP1/deactivate"), 403)
    assert viewer.get("/api/campaigns/CP1").json()["target_groups"] == []
