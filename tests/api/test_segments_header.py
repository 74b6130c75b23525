"""Segment headers over HTTP (S1, S2; SPEC §7): create, list with keyset pages, search and
filters (salesperson, campaign, template, dynamic, criteria), read with an ETag, change with
If-Match (412 when stale), delete; answers equal the CLI's `segment show --json` without
its lines."""

from __future__ import annotations

import pytest

from rapport.services.segments import header as segments
from rapport.storage import tables as t
from tests.api.conftest import problem_of


def show_header(cli, no):
    shown = cli("segment", "show", no)
    del shown["lines"]
    return shown


@pytest.mark.usefixtures("segment_world")
def test_s1_post_creates_and_answers_201_with_the_header_of_segment_show(client_as, cli):
    answer = client_as("marketer").post(
        "/api/segments",
        json={"description": "Spring mailing", "interaction_template_code": "ABSTRACT"},
    )
    assert answer.status_code == 201, answer.text
    assert answer.headers["location"] == "/api/segments/SEG00001"
    assert answer.headers["etag"]
    body = answer.json()
    assert body == show_header(cli, "SEG00001")
    assert (body["no"], body["description"], body["interaction_template_code"]) == (
        "SEG00001",
        "Spring mailing",
        "ABSTRACT",
    )


BAD_HEADERS = [
    ({}, 422, "description"),
    ({"description": "x", "colour": "red"}, 422, "colour"),
    ({"description": "x", "unit_cost": -1}, 422, "unit_cost"),
    ({"description": "x" * 101}, 422, "description"),
    ({"description": "x", "salesperson_code": "NOBODY"}, 422, "salesperson_code"),
    ({"description": "x", "information_flow": "sideways"}, 422, None),
]


@pytest.mark.usefixtures("segment_world")
def test_s1_bad_input_is_a_problem_and_creates_nothing(client_as, sessions):
    client = client_as("marketer")
    for body, status, field in BAD_HEADERS:
        answer = client.post("/api/segments", json=body)
        assert answer.status_code == status, (body, answer.text)
        assert answer.headers["content-type"] == "application/problem+json"
        problem = answer.json()
        assert problem["status"] == status
        assert problem["detail"]
        if field is not None:
            assert problem["errors"][0]["field"] == field, body
    assert segments.get_all(sessions) == []


@pytest.mark.usefixtures("segment_world")
def test_s1_list_pages_by_keyset_and_searches_no_and_description(client_as, cli):
    client = client_as("viewer")
    marketer = client_as("marketer")
    for text in ("Spring mailing", "Summer 100% sale", "Autumn mailing"):
        assert marketer.post("/api/segments", json={"description": text}).status_code == 201
    first = client.get("/api/segments", params={"limit": 2}).json()
    assert [s["no"] for s in first["items"]] == ["SEG00001", "SEG00002"]
    assert first["next"].startswith("/api/segments?")
    second = client.get(first["next"]).json()
    assert [s["no"] for s in second["items"]] == ["SEG00003"]
    assert second["next"] is None
    assert first["items"] + second["items"] == cli("segment", "list")
    found = client.get("/api/segments", params={"q": "MAILING"}).json()
    assert [s["no"] for s in found["items"]] == ["SEG00001", "SEG00003"]
    assert [s["no"] for s in client.get("/api/segments?q=100%").json()["items"]] == ["SEG00002"]
    assert client.get("/api/segments", params={"q": "_"}).json()["items"] == []
    assert [s["no"] for s in client.get("/api/segments?q=seg00002").json()["items"]] == ["SEG00002"]


BAD_QUERIES = [
    ("limit=1001", "query.limit"),
    ("limit=0", "query.limit"),
    ("after=not-a-cursor", "after"),
    ("after=WzFd", "after"),  # a cursor of another list (a line no.)
    ("after='%20or%201=1--", "after"),
]


@pytest.mark.usefixtures("segment_world")
def test_list_refuses_a_bad_limit_or_cursor_with_422(client_as):
    client = client_as("viewer")
    for query, field in BAD_QUERIES:
        answer = client.get(f"/api/segments?{query}")
        assert answer.status_code == 422, (query, answer.text)
        assert answer.json()["errors"][0]["field"] == field, query


@pytest.mark.usefixtures("segment_world")
def test_s2_patch_with_the_etag_changes_and_propagates_a_stale_one_gets_412(client_as, cli):
    client = client_as("marketer")
    client.post("/api/segments", json={"description": "Mailing"})
    client.post("/api/segments/SEG00001/actions", json={"type": "add", "criteria": "no = P6"})
    read = client.get("/api/segments/SEG00001")
    tag = read.headers["etag"]
    changed = client.patch(
        "/api/segments/SEG00001",
        json={"description": "Renamed", "unit_cost": 12.5, "salesperson_code": "KIM"},
        headers={"if-match": tag},
    )
    assert changed.status_code == 200, changed.text
    assert changed.json() == show_header(cli, "SEG00001")
    assert changed.json()["unit_cost"] == 12.5
    assert changed.headers["etag"] != tag
    assert client.get("/api/segments/SEG00001").headers["etag"] == changed.headers["etag"]
    line = cli("segment", "show", "SEG00001")["lines"][0]
    assert (line["description"], line["salesperson_code"]) == ("Renamed", "KIM")

    stale = client.patch(
        "/api/segments/SEG00001", json={"description": "Lost"}, headers={"if-match": tag}
    )
    assert stale.status_code == 412, stale.text
    assert "Another user has modified the record" in stale.json()["detail"]
    assert show_header(cli, "SEG00001")["description"] == "Renamed"


@pytest.mark.usefixtures("segment_world")
def test_s2_patch_keeps_the_lines_with_update_lines_false_and_accepts_any_match(client_as, cli):
    client = client_as("marketer")
    client.post("/api/segments", json={"description": "Mailing"})
    client.post("/api/segments/SEG00001/actions", json={"type": "add", "criteria": "no = P6"})
    answer = client.patch(
        "/api/segments/SEG00001",
        json={"description": "Header only", "update_lines": False},
        headers={"if-match": '"other", *'},
    )
    assert answer.status_code == 412  # a list of tags is a list; `*` alone means any
    answer = client.patch(
        "/api/segments/SEG00001",
        json={"description": "Header only", "update_lines": False},
        headers={"if-match": "*"},
    )
    assert answer.status_code == 200, answer.text
    assert cli("segment", "show", "SEG00001")["lines"][0]["description"] == "Mailing"


@pytest.mark.usefixtures("segment_world")
def test_s1_delete_removes_the_segment_with_its_lines_and_criteria(client_as, cli, sessions):
    client = client_as("marketer")
    client.post("/api/segments", json={"description": "Gone soon"})
    client.post("/api/segments", json={"description": "Stays"})
    client.post("/api/segments/SEG00001/actions", json={"type": "add", "criteria": "country = BE"})
    assert client.delete("/api/segments/SEG00001").status_code == 204
    missing = client.get("/api/segments/SEG00001")
    assert missing.status_code == 404
    assert missing.json()["detail"] == (
        "The Segment does not exist. Identification fields and values: No.='SEG00001'"
    )
    assert [s["no"] for s in cli("segment", "list")] == ["SEG00002"]
    assert client.delete("/api/segments/SEG00001").status_code == 404


@pytest.mark.usefixtures("segment_world")
def test_s1_a_viewer_reads_but_every_header_change_is_403(client_as, cli):
    client_as("marketer").post("/api/segments", json={"description": "Mailing"})
    viewer = client_as("viewer")
    assert viewer.get("/api/segments/SEG00001").status_code == 200
    for method, url, body in [
        ("POST", "/api/segments", {"description": "x"}),
        ("PATCH", "/api/segments/SEG00001", {"description": "x"}),
        ("DELETE", "/api/segments/SEG00001", None),
    ]:
        assert viewer.request(method, url, json=body).status_code == 403
    assert [s["description"] for s in cli("segment", "list")] == ["Mailing"]


@pytest.fixture
def three(client_as, sessions):
    """SEG00001 Spring (KIM, campaign CP1), SEG00002 Summer (dynamic; JO, the salesperson
    of ADMIN, who is no API user: KIM's) and SEG00003 Autumn (template ABSTRACT)."""
    with sessions.begin() as session:
        session.add(t.Campaign(no="CP1", description="Spring"))
    client = client_as("marketer")
    for body in (
        {"description": "Spring mailing", "salesperson_code": "KIM", "campaign_no": "CP1"},
        {"description": "Summer mailing", "salesperson_code": "JO", "dynamic": True},
        {"description": "Autumn call", "interaction_template_code": "ABSTRACT"},
    ):
        assert client.post("/api/segments", json=body).status_code == 201


LIST_FILTERS = [
    ("salesperson=kim", ["SEG00001"]),
    ("salesperson=", ["SEG00003"]),
    ("campaign=CP1", ["SEG00001"]),
    ("template=ABSTRACT", ["SEG00003"]),
    ("dynamic=true", ["SEG00002"]),
    ("dynamic=false&q=mailing", ["SEG00001"]),
    ("where=salesperson = JO or campaign = CP1", ["SEG00001", "SEG00002"]),
    ("where=&salesperson=JO", ["SEG00002"]),
]


@pytest.mark.usefixtures("segment_world", "three")
@pytest.mark.parametrize(("query", "expected"), LIST_FILTERS)
def test_s1_list_filters_by_salesperson_campaign_template_dynamic_and_criteria(
    client_as, query, expected
):
    answer = client_as("viewer").get(f"/api/segments?{query}")
    assert answer.status_code == 200, answer.text
    assert [s["no"] for s in answer.json()["items"]] == expected


@pytest.mark.usefixtures("segment_world", "three")
def test_s1_the_next_page_of_a_filtered_list_keeps_its_filters(client_as, cli):
    client = client_as("viewer")
    first = client.get("/api/segments", params={"dynamic": "false", "limit": 1}).json()
    assert [s["no"] for s in first["items"]] == ["SEG00001"]
    assert "dynamic=false" in first["next"]
    second = client.get(first["next"]).json()
    assert [s["no"] for s in second["items"]] == ["SEG00003"]
    assert second["next"] is None
    listed = {s["no"]: s for s in cli("segment", "list")}
    assert first["items"] + second["items"] == [listed["SEG00001"], listed["SEG00003"]]


BAD_FILTERS = [
    ("salesperson=KIN", "salesperson", "did you mean 'KIM'"),
    ("campaign=CP9", "campaign", "CP9"),
    ("template=NOPE", "template", "NOPE"),
    ("where=salesperson =", "where", ""),
    ("where=colour = red", "where", "colour"),
    ("dynamic=maybe", "query.dynamic", ""),
    (f"salesperson={'K' * 21}", "query.salesperson", ""),
]


@pytest.mark.usefixtures("segment_world", "three")
@pytest.mark.parametrize(("query", "field", "said"), BAD_FILTERS)
def test_s1_a_bad_filter_of_the_list_is_a_422_naming_the_parameter(client_as, query, field, said):
    problem = problem_of(client_as("viewer").get(f"/api/segments?{query}"), 422)
    assert problem["errors"][0]["field"] == field
    assert said in problem["detail"]


def test_s1_the_list_filters_are_documented(client_as):
    document = client_as("viewer").get("/api/openapi.json").json()
    listed = document["paths"]["/api/segments"]["get"]
    described = {p["name"]: p.get("description", "") for p in listed["parameters"]}
    assert {"q", "where", "salesperson", "campaign", "template", "dynamic"} <= set(described)
    assert all(described[name] for name in ("where", "salesperson", "dynamic"))
    assert "422" in listed["responses"]
