"""Contacts over HTTP (K1, K2): the keyset-paged list with criteria and plain search, the
card, add / change / delete and assignments, in the JSON of `rapport contacts … --json`."""

from __future__ import annotations

import pytest

from rapport.storage import tables as t
from tests.api.conftest import problem_of, walk
from tests.factories import make_code, make_company, make_person, put_on_segment


@pytest.fixture
def world(sessions):
    """Companies ACME (BE) and BETA (NL), persons P1 Ann and P2 Bob of ACME, mailing group
    NEWS and questionnaire CUSTOMER with answer line 30."""
    with sessions.begin() as session:
        acme = make_company(session, "ACME", "Acme", country="BE", email="info@acme.test")
        make_company(session, "BETA", "Beta 100%", country="NL")
        make_person(session, "P1", "Ann", company=acme, country="BE")
        make_person(session, "P2", "Bob", company=acme, country="BE")
        make_code(session, t.MailingGroup, "NEWS", "Newsletter")
        session.add(t.ProfileQuestionnaire(code="CUSTOMER", description="Customer"))
        session.flush()
        session.add(
            t.ProfileQuestionnaireLine(
                profile_questionnaire_code="CUSTOMER", line_no=30, type="answer", description="Big"
            )
        )


def test_k1_the_list_is_the_cli_list_page_by_page(world, client_as, cli_json):
    viewer = client_as("viewer")
    pages = walk(viewer, "/api/contacts?limit=3")
    assert [len(items) for items in pages] == [3, 1]
    assert [row for items in pages for row in items] == cli_json("contacts", "list")


def test_k1_a_list_that_fills_its_last_page_exactly_has_no_next(world, client_as):
    body = client_as("viewer").get("/api/contacts?limit=4").json()
    assert len(body["items"]) == 4
    assert body["next"] is None


def test_k1_where_takes_the_criteria_language_and_keeps_it_in_next(world, client_as, cli_json):
    viewer = client_as("viewer")
    where = "country = BE and type = person"
    pages = walk(viewer, f"/api/contacts?limit=1&where={where}")
    assert [row["no"] for items in pages for row in items] == ["P1", "P2"]
    assert pages[0] == cli_json("contacts", "list", "--where", where, "--limit", "1")


def test_k1_q_is_a_plain_search_where_like_wildcards_are_plain_characters(world, client_as):
    viewer = client_as("viewer")
    found = viewer.get("/api/contacts", params={"q": "acme"}).json()["items"]
    assert {row["no"] for row in found} == {"ACME", "P1", "P2"}
    found = viewer.get("/api/contacts", params={"q": "100%"}).json()["items"]
    assert [row["no"] for row in found] == ["BETA"]
    assert viewer.get("/api/contacts", params={"q": "_"}).json()["items"] == []


def test_k1_bad_criteria_are_a_422_problem_with_the_position(world, client_as):
    answer = client_as("viewer").get("/api/contacts", params={"where": "country = "})
    body = problem_of(answer, 422)
    assert body["detail"].startswith("the criteria end too early")
    error = body["errors"][0]
    assert (error["field"], error["position"]) == ("where", {"line": 1, "column": 11})


@pytest.mark.parametrize(
    "query",
    ["limit=1001", "limit=0", "limit=ten", "after=not-a-cursor", "after=WzFd", "after="],
)
def test_k1_a_bad_limit_or_cursor_is_a_422_problem(world, client_as, query):
    body = problem_of(client_as("viewer").get(f"/api/contacts?{query}"), 422)
    assert body["errors"][0]["field"] in {"limit", "query.limit", "after", "query.after"}


def test_k1_the_card_is_the_cli_card(world, client_as, cli_json):
    marketer = client_as("marketer")
    body = {"relation": "profile", "code": "customer", "values": {"answer_line": "30"}}
    assert marketer.post("/api/contacts/P1/assignments", json=body).status_code == 201
    answer = client_as("viewer").get("/api/contacts/p1")
    assert answer.status_code == 200
    assert answer.json() == cli_json("contacts", "show", "P1")
    assert answer.json()["profile_answers"][0]["code"] == "CUSTOMER"


def test_k1_an_unknown_contact_is_a_404_problem(world, client_as):
    body = problem_of(client_as("viewer").get("/api/contacts/NOPE"), 404)
    assert body["detail"] == (
        "The Contact does not exist. Identification fields and values: No.='NOPE'"
    )


def test_k1_add_answers_201_with_every_field_of_the_contact(world, client_as, cli_json):
    marketer = client_as("marketer")
    answer = marketer.post(
        "/api/contacts", json={"name": "Cas", "type": "person", "company_no": "acme"}
    )
    assert answer.status_code == 201, answer.text
    made = answer.json()
    assert (made["company_no"], made["company_name"]) == ("ACME", "Acme")
    assert made in cli_json("contacts", "list")


def test_k1_bad_fields_are_a_422_problem_naming_the_field_and_change_nothing(world, client_as):
    marketer = client_as("marketer")
    before = marketer.get("/api/contacts").json()
    body = problem_of(marketer.post("/api/contacts", json={"name": "X", "type": "robot"}), 422)
    assert "type" in body["detail"]
    problem_of(marketer.post("/api/contacts", json={"name": 12}), 422)
    assert marketer.get("/api/contacts").json() == before


def test_k1_patch_changes_fields_and_a_company_rename_reaches_its_persons(world, client_as):
    marketer = client_as("marketer")
    answer = marketer.patch("/api/contacts/ACME", json={"name": "Acme Group"})
    assert answer.status_code == 200, answer.text
    assert answer.json()["name"] == "Acme Group"
    assert marketer.get("/api/contacts/P1").json()["company_name"] == "Acme Group"
    problem_of(marketer.patch("/api/contacts/ACME", json={}), 422)


def test_k1_a_contact_on_a_segment_cannot_change_company_or_be_deleted(world, client_as, sessions):
    with sessions.begin() as session:
        person = session.query(t.Contact).filter_by(no="P2").one()
        put_on_segment(session, person)
    marketer = client_as("marketer")
    problem_of(marketer.patch("/api/contacts/P2", json={"company_no": "BETA"}), 409)
    body = problem_of(marketer.delete("/api/contacts/P2"), 409)
    assert "unlogged segments" in body["detail"]


def test_k1_delete_answers_the_cli_json_and_the_contact_is_gone(world, client_as):
    marketer = client_as("marketer")
    answer = marketer.delete("/api/contacts/p1")
    assert answer.status_code == 200
    assert answer.json() == {"no": "P1", "deleted": True}
    problem_of(marketer.get("/api/contacts/P1"), 404)


def test_k2_assign_and_take_away_a_mailing_group(world, client_as):
    marketer = client_as("marketer")
    body = {"relation": "mailing_group", "code": "news"}
    answer = marketer.post("/api/contacts/ACME/assignments", json=body)
    assert answer.status_code == 201, answer.text
    assert answer.json() == {
        "contact_no": "ACME",
        "relation": "mailing_group",
        "code": "NEWS",
        "description": "Newsletter",
    }
    problem_of(marketer.post("/api/contacts/ACME/assignments", json=body), 409)
    assert marketer.get("/api/contacts/ACME").json()["mailing_groups"] == [
        {"code": "NEWS", "description": "Newsletter"}
    ]
    gone = marketer.delete("/api/contacts/ACME/assignments/mailing_group/news")
    assert gone.json() == {
        "contact_no": "ACME",
        "relation": "mailing_group",
        "code": "NEWS",
        "removed": True,
    }
    problem_of(marketer.delete("/api/contacts/ACME/assignments/mailing_group/NEWS"), 404)


def test_k2_a_profile_answer_is_taken_away_by_its_line(world, client_as):
    marketer = client_as("marketer")
    body = {"relation": "profile", "code": "CUSTOMER", "values": {"answer_line": "30"}}
    assert marketer.post("/api/contacts/ACME/assignments", json=body).status_code == 201
    url = "/api/contacts/ACME/assignments/profile/CUSTOMER"
    problem_of(marketer.delete(url), 422)
    assert marketer.delete(f"{url}?answer_line=30").status_code == 200
    assert marketer.get("/api/contacts/ACME").json()["profile_answers"] == []


def test_k1_a_viewer_reads_but_every_change_is_refused_with_403(world, client_as):
    viewer = client_as("viewer")
    assert viewer.get("/api/contacts/ACME").status_code == 200
    problem_of(viewer.post("/api/contacts", json={"name": "X"}), 403)
    problem_of(viewer.patch("/api/contacts/ACME", json={"name": "X"}), 403)
    problem_of(viewer.delete("/api/contacts/P1"), 403)
    body = {"relation": "mailing_group", "code": "NEWS"}
    problem_of(viewer.post("/api/contacts/ACME/assignments", json=body), 403)
    assert viewer.get("/api/contacts/ACME").json()["name"] == "Acme"


def test_x7_opt_out_and_back_in_answer_the_cli_json(world, client_as, cli_json):
    marketer = client_as("marketer")
    answer = marketer.post("/api/contacts/p1/opt-outs", json={"type": "email"})
    assert answer.status_code == 201, answer.text
    assert answer.json() == {"contact_no": "P1", "opted_out": ["email"], "privacy_blocked": False}
    again = marketer.post("/api/contacts/P1/opt-outs", json={"type": "email"})
    assert again.json() == answer.json()
    assert marketer.get("/api/contacts/P1").json()["opted_out"] == ["email"]
    back = marketer.delete("/api/contacts/P1/opt-outs/email")
    assert back.status_code == 200, back.text
    assert back.json() == cli_json("contacts", "opt-in", "P1", "--type", "email")
    assert back.json()["opted_out"] == []


def test_x7_a_privacy_block_over_http_is_in_the_audit_log_with_its_user(world, client_as):
    marketer = client_as("marketer")
    for blocked in (True, True, False):  # the second changes nothing
        answer = marketer.patch("/api/contacts/P1", json={"privacy_blocked": blocked})
        assert answer.is_success, answer.text
    items = client_as("admin").get("/api/audit").json()["items"]
    assert [
        (item["action"], item["subject"], item["user_name"])
        for item in items
        if item["action"].startswith("consent.")
    ] == [
        ("consent.privacy_unblocked", "P1", "marketer1"),
        ("consent.privacy_blocked", "P1", "marketer1"),
    ]


def test_x7_an_opt_out_and_its_opt_in_over_http_are_in_the_audit_log(world, client_as):
    """X7, SPEC §10: a consent change by hand is audited as the unsubscribe link is; a
    change that changes nothing is not."""
    marketer = client_as("marketer")
    for _ in range(2):  # the second of each changes nothing
        assert marketer.post("/api/contacts/P1/opt-outs", json={"type": "email"}).is_success
    for _ in range(2):
        assert marketer.delete("/api/contacts/P1/opt-outs/email").is_success
    items = client_as("admin").get("/api/audit").json()["items"]
    changes = [
        (item["action"], item["subject"], item["detail"], item["user_name"])
        for item in items
        if item["action"].startswith("consent.")
    ]
    assert changes == [  # by the signed-in user
        ("consent.opted_in", "P1", "email", "marketer1"),
        ("consent.opted_out", "P1", "email", "marketer1"),
    ]


def test_x7_an_opt_out_needs_a_known_type_a_known_contact_and_a_marketer(world, client_as):
    marketer = client_as("marketer")
    bad = marketer.post("/api/contacts/P1/opt-outs", json={"type": "fax"})
    assert bad.status_code == 422
    assert marketer.post("/api/contacts/NOPE/opt-outs", json={"type": "email"}).status_code == 404
    assert marketer.delete("/api/contacts/P1/opt-outs/fax").status_code == 422
    viewer = client_as("viewer")
    assert viewer.post("/api/contacts/P1/opt-outs", json={"type": "email"}).status_code == 403
    assert viewer.delete("/api/contacts/P1/opt-outs/email").status_code == 403
