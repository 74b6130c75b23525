"""The records edited by their fields over HTTP (X9, SPEC §7; issue 12 items 3 and 6): a
campaign (C1), an interaction template created or changed (L1), the code tables and the
marketing setup (SPEC §2 Setup). Answers are the JSON of the CLI's `--json`; each record
carries its version as `ETag` and a `PATCH` naming an older one gets 412 and changes
nothing."""

from __future__ import annotations

import pytest

from tests.api.conftest import problem_of, walk
from tests.factories import build_log_world


@pytest.fixture
def world(sessions):
    """Salespeople JO and KIM, templates ABSTRACT and CALL, campaigns CP1 and CP2."""
    with sessions.begin() as session:
        build_log_world(session)


def test_c1_x9_a_campaign_changes_by_its_etag_as_campaign_set_does(world, client_as, cli_json):
    marketer = client_as("marketer")
    read = marketer.get("/api/campaigns/CP1")
    etag = read.headers["etag"]
    body = {"description": "Spring sale", "ending_date": "2026-06-30", "salesperson_code": "jo"}
    changed = marketer.patch("/api/campaigns/CP1", json=body, headers={"if-match": etag})
    assert changed.status_code == 200, changed.text
    assert changed.json() == cli_json("campaign", "show", "CP1")
    assert changed.json()["salesperson_code"] == "JO"
    assert changed.headers["etag"] not in (etag, None)
    stale = marketer.patch(
        "/api/campaigns/CP1", json={"description": "X"}, headers={"if-match": etag}
    )
    problem_of(stale, 412)
    reversed_dates = {"starting_date": "2026-07-01"}
    problem_of(marketer.patch("/api/campaigns/CP1", json=reversed_dates), 422)
    body = problem_of(marketer.patch("/api/campaigns/CP1", json={"colour": "red"}), 422)
    assert body["errors"][0]["field"] == "colour"
    problem_of(marketer.patch("/api/campaigns/CP1", json={}), 422)
    problem_of(marketer.patch("/api/campaigns/NOPE", json={"description": "X"}), 404)
    assert cli_json("campaign", "show", "CP1")["description"] == "Spring sale"
    problem_of(client_as("viewer").patch("/api/campaigns/CP1", json={"description": "X"}), 403)


def test_l1_x9_a_template_is_created_then_changed_by_its_etag(world, client_as, cli_json):
    marketer = client_as("marketer")
    body = {"code": "news", "interaction_group_code": "letter", "description": "Newsletter"}
    made = marketer.post("/api/templates", json=body)
    assert made.status_code == 201, made.text
    assert made.headers["location"] == "/api/templates/NEWS"
    assert made.json() == cli_json("template", "show", "NEWS")
    problem_of(marketer.post("/api/templates", json=body), 409)
    missing = problem_of(marketer.post("/api/templates", json={"code": "X"}), 422)
    assert missing["errors"][0]["field"] == "interaction_group_code"
    problem_of(marketer.post("/api/templates", json={"description": "no code"}), 422)

    etag = made.headers["etag"]
    assert marketer.get("/api/templates/NEWS").headers["etag"] == etag
    changed = marketer.patch(
        "/api/templates/NEWS", json={"unit_cost": 2.5}, headers={"if-match": etag}
    )
    assert changed.status_code == 200, changed.text
    assert changed.json() == cli_json("template", "show", "NEWS")
    assert changed.json()["unit_cost"] == 2.5
    stale = marketer.patch("/api/templates/NEWS", json={"unit_cost": 9}, headers={"if-match": etag})
    problem_of(stale, 412)
    no_variant = problem_of(
        marketer.patch("/api/templates/NEWS", json={"language_code_default": "NLB"}), 422
    )
    assert no_variant["errors"][0]["field"] == "language_code_default"
    assert cli_json("template", "show", "NEWS")["unit_cost"] == 2.5
    problem_of(client_as("viewer").post("/api/templates", json={"code": "V"}), 403)


def test_x9_code_tables_are_read_by_all_and_changed_by_an_admin(world, client_as, cli_json):
    admin, viewer = client_as("admin"), client_as("viewer")
    made = admin.post("/api/codes/mailing_groups", json={"code": "news", "description": "Letter"})
    assert made.status_code == 201, made.text
    assert made.json()["code"] == "NEWS"
    pages = walk(viewer, "/api/codes/salespeople?limit=1")
    assert [len(items) for items in pages] == [1, 1]
    assert [row for items in pages for row in items] == cli_json("codes", "list", "salespeople")
    read = viewer.get("/api/codes/mailing_groups/news")
    assert read.json() == made.json()
    etag = read.headers["etag"]
    changed = admin.patch(
        "/api/codes/mailing_groups/NEWS", json={"description": "News"}, headers={"if-match": etag}
    )
    assert changed.status_code == 200, changed.text
    assert changed.json()["description"] == "News"
    stale = admin.patch(
        "/api/codes/mailing_groups/NEWS", json={"description": "Old"}, headers={"if-match": etag}
    )
    problem_of(stale, 412)
    problem_of(admin.post("/api/codes/mailing_groups", json={"code": "NEWS"}), 409)
    problem_of(admin.get("/api/codes/mailing_groups/NONE"), 404)
    problem_of(admin.get("/api/codes/no_such_table"), 422)
    problem_of(admin.delete("/api/codes/languages/ENU"), 409)  # the language of contacts
    problem_of(client_as("marketer").delete("/api/codes/mailing_groups/NEWS"), 403)
    deleted = admin.delete("/api/codes/mailing_groups/NEWS")
    assert deleted.status_code == 200, deleted.text
    assert deleted.json()["description"] == "News"
    assert cli_json("codes", "list", "mailing_groups") == []


def test_x9_the_marketing_setup_is_read_by_all_and_changed_by_an_admin(world, client_as, cli_json):
    admin, viewer = client_as("admin"), client_as("viewer")
    read = viewer.get("/api/setup")
    assert read.json() == cli_json("setup", "show")
    etag = read.headers["etag"]
    body = {"inherit_language_code": False, "default_salesperson_code": "kim"}
    changed = admin.patch("/api/setup", json=body, headers={"if-match": etag})
    assert changed.status_code == 200, changed.text
    assert changed.json() == cli_json("setup", "show")
    assert (
        changed.json()["inherit_language_code"],
        changed.json()["default_salesperson_code"],
    ) == (
        False,
        "KIM",
    )
    problem_of(
        admin.patch("/api/setup", json={"inherit_language_code": True}, headers={"if-match": etag}),
        412,
    )
    unknown = problem_of(admin.patch("/api/setup", json={"default_salesperson_code": "NOPE"}), 422)
    assert unknown["errors"][0]["field"] == "default_salesperson_code"
    problem_of(viewer.patch("/api/setup", json={"inherit_language_code": True}), 403)
    problem_of(client_as("marketer").patch("/api/setup", json={"inherit_language_code": True}), 403)
    assert cli_json("setup", "show")["inherit_language_code"] is False


def test_x9_number_series_are_read_by_all_and_changed_by_an_admin_by_their_etag(
    world, client_as, cli_json
):
    """SPEC §2 Setup: `/api/setup/series` answers `rapport setup series … --json`."""
    admin, viewer = client_as("admin"), client_as("viewer")
    pages = walk(viewer, "/api/setup/series?limit=1")
    assert all(len(items) == 1 for items in pages)
    assert [row for items in pages for row in items] == cli_json("setup", "series", "list")
    body = {"code": "quote", "description": "Quotes", "starting_no": "QU0001"}
    made = admin.post("/api/setup/series", json=body)
    assert made.status_code == 201, made.text
    assert (made.json()["code"], made.json()["next_no"]) == ("QUOTE", "QU0001")
    read = viewer.get("/api/setup/series/quote")
    assert read.json() == made.json() == cli_json("setup", "series", "show", "QUOTE")
    etag = read.headers["etag"]
    changed = admin.patch(
        "/api/setup/series/QUOTE",
        json={"last_no_used": "QU0041", "manual_nos": True},
        headers={"if-match": etag},
    )
    assert changed.status_code == 200, changed.text
    assert (changed.json()["next_no"], changed.json()["manual_nos"]) == ("QU0042", True)
    assert changed.headers["etag"] != etag
    stale = admin.patch(
        "/api/setup/series/QUOTE", json={"description": "Old"}, headers={"if-match": etag}
    )
    problem_of(stale, 412)
    problem_of(admin.post("/api/setup/series", json=body), 409)
    problem_of(admin.get("/api/setup/series/NONE"), 404)
    bad = problem_of(admin.patch("/api/setup/series/QUOTE", json={"last_no_used": "QU"}), 422)
    assert "last_no_used" in str(bad)
    problem_of(viewer.patch("/api/setup/series/QUOTE", json={"description": "x"}), 403)
    problem_of(client_as("marketer").post("/api/setup/series", json=body | {"code": "Q2"}), 403)
    assert cli_json("setup", "series", "show", "QUOTE") == changed.json()
