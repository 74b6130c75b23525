"""A segment's history over HTTP a page at a time (X5, S7; SPEC §7): the membership log and
the criteria actions take `limit` and `after` and answer a `next` link like the other lists,
their pages join up to what `segment history --json` and `segment criteria --json` print, a
cursor they did not give is a 422 problem, and every answer of the segment and history
routes is what the OpenAPI document declares (X9)."""

from __future__ import annotations

import pytest
from fastapi.routing import APIRoute

from rapport import api
from rapport.api.pages import encode_cursor
from tests.api.conftest import problem_of, walk

BUILD = [
    {"type": "add", "criteria": "type = person", "ignore_exclusion": True},
    {"type": "reduce", "criteria": "country = NL"},
    {"type": "add", "criteria": "no = ACME"},
]


@pytest.fixture
def seg(client_as):
    """SEG00001: every person added (action 1), those in NL removed (2), ACME added (3)."""
    client = client_as("marketer")
    assert client.post("/api/segments", json={"description": "Calls"}).status_code == 201
    for body in BUILD:
        answer = client.post("/api/segments/SEG00001/actions", json=body)
        assert answer.status_code == 200, answer.text
    return "SEG00001"


def without(rows, *names):
    return [{k: v for k, v in row.items() if k not in names} for row in rows]


@pytest.mark.usefixtures("segment_world")
def test_x5_the_membership_log_pages_by_keyset_to_what_segment_history_prints(client_as, cli, seg):
    client = client_as("viewer")
    pages = walk(client, f"/api/segments/{seg}/history?limit=2")
    assert [len(page) for page in pages] == [2, 2, 2, 2, 1]
    events = [event for page in pages for event in page]
    printed = cli("segment", "history", seg)
    assert without(events, "created_at") == without(printed, "created_at")
    assert events == client.get(f"/api/segments/{seg}/history").json()["items"]
    first = client.get(f"/api/segments/{seg}/history", params={"limit": 1, "contact": "P3"})
    assert first.json()["next"].startswith(f"/api/segments/{seg}/history?")
    assert "contact=P3" in first.json()["next"]
    pages = walk(client, first.json()["next"])
    assert [[e["event"] for e in page] for page in [first.json()["items"], *pages]] == [
        ["entry"],
        ["exit"],
    ]


@pytest.mark.usefixtures("segment_world")
def test_s7_the_criteria_actions_page_by_action_no(client_as, cli, seg):
    client = client_as("viewer")
    pages = walk(client, f"/api/segments/{seg}/criteria?limit=2")
    assert [[a["action_no"] for a in page] for page in pages] == [[1, 2], [3]]
    actions = [action for page in pages for action in page]
    assert without(actions, "created_at") == without(cli("segment", "criteria", seg), "created_at")


BAD_CURSORS = [
    ("history", "limit=0", "query.limit"),
    ("history", "limit=1001", "query.limit"),
    ("history", "after=not-a-cursor", "after"),
    ("history", f"after={encode_cursor('SEG00001')}", "after"),  # the segment list's
    ("history", f"after={encode_cursor(3)}", "after"),  # a number, not an event
    ("history", f"after={encode_cursor('1.2.3')}", "after"),
    ("history", f"after={encode_cursor('1.' + '9' * 19)}", "after"),  # beyond 63 bits
    ("history", f"after={encode_cursor('-1.0')}", "after"),
    ("criteria", f"after={encode_cursor('1.20000')}", "after"),  # the history's
    ("criteria", "limit=0", "query.limit"),
]


@pytest.mark.usefixtures("segment_world")
@pytest.mark.parametrize(("route", "query", "field"), BAD_CURSORS)
def test_x5_a_cursor_the_list_did_not_give_is_a_422_naming_it(client_as, seg, route, query, field):
    problem = problem_of(client_as("viewer").get(f"/api/segments/{seg}/{route}?{query}"), 422)
    assert problem["errors"][0]["field"] == field


@pytest.mark.usefixtures("segment_world")
def test_x5_an_unknown_segment_is_404_on_every_page(client_as):
    client = client_as("viewer")
    for route in ("history", "criteria"):
        problem = problem_of(client.get(f"/api/segments/SEG09999/{route}?limit=1"), 404)
        assert problem["detail"] == (
            "The Segment does not exist. Identification fields and values: No.='SEG09999'"
        )


def declared(method, path):
    for router in api.ROUTERS:
        for route in router.routes:
            if isinstance(route, APIRoute) and route.path == path and method in route.methods:
                return route.response_model
    raise AssertionError(f"no route {method} {path}")


ANSWERS = [
    ("POST", "/api/segments", {"description": "Second"}),
    ("GET", "/api/segments", None),
    ("GET", "/api/segments/{no}", None),
    ("PATCH", "/api/segments/{no}", {"description": "Renamed"}),
    ("GET", "/api/segments/{no}/criteria", None),
    ("GET", "/api/segments/{no}/history", None),
    ("GET", "/api/segments/{no}/explain/{contact}", None),
    ("POST", "/api/segments/{no}/saved-criteria", {"code": "CALLS"}),
]


@pytest.mark.usefixtures("segment_world")
@pytest.mark.parametrize(("method", "path", "body"), ANSWERS)
def test_x9_each_segment_and_history_answer_is_what_the_document_declares(
    client_as, seg, method, path, body
):
    url = path.format(no=seg, contact="P3")
    answer = client_as("marketer").request(method, url, json=body)
    assert answer.status_code in (200, 201), answer.text
    model = declared(method, path)
    assert model is not None, f"{method} {path} declares no answer"
    model.model_validate_json(answer.content, strict=True)


def test_x9_deleting_a_segment_answers_204_without_a_body(client_as):
    document = client_as("viewer").get("/api/openapi.json").json()
    deleted = document["paths"]["/api/segments/{no}"]["delete"]["responses"]
    assert set(deleted) >= {"204"}
    assert not deleted["204"].get("content")
