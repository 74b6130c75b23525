"""The OpenAPI document describes the answers as they are (SPEC §7): each answer of the
noun routes, reads and changes, validates strictly against the model its route declares,
with no field the model leaves out, so a client generated from the document reads a cost
as the number it is sent as and misses no field (X9)."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from fastapi.routing import APIRoute

from rapport import api
from tests.factories import build_log_world, make_interaction, make_queued_interaction

URLS = [
    "/api/contacts",
    "/api/contacts/P1",
    "/api/logged-segments",
    "/api/logged-segments/1/cancel",
    "/api/interaction-log-entries",
    "/api/interaction-log-entries/2",
    "/api/interaction-log-entries/totals?by=template",
    "/api/campaigns",
    "/api/campaigns/CP1",
    "/api/campaigns/CP1/entries",
    "/api/campaigns/CP1/activate",
    "/api/templates",
    "/api/templates/ABSTRACT",
    "/api/opportunities",
    "/api/tasks",
    "/api/setup",
    "/api/setup/series",
    "/api/setup/series/SEG",
    "/api/codes/salespeople",
    "/api/codes/salespeople/JO",
]


@pytest.fixture
def world(sessions):
    with sessions.begin() as session:
        people = build_log_world(session)
        make_queued_interaction(session, people["P1"], campaign_no="CP1", campaign_target=True)
        make_interaction(session, people["P2"], date=dt.date(2026, 3, 2), cost=2.5, duration=1.25)


def declared(method: str, url: str):
    """The answer model of the route that answers `method url`."""
    path = url.split("?")[0]
    for router in api.ROUTERS:
        for route in router.routes:
            if (
                isinstance(route, APIRoute)
                and method in route.methods
                and route.path_regex.match(path)
            ):
                return route.response_model
    raise AssertionError(f"no route {method} {url}")


def conforms(model, content):
    """`content` validates strictly against `model`, with no field it does not declare
    (unless it says its objects take more: a code's fields differ by table)."""
    schema = json.dumps(model.model_json_schema(mode="serialization"))
    extra = None if '"additionalProperties": true' in schema else "forbid"
    model.model_validate_json(content, strict=True, extra=extra)


@pytest.mark.parametrize("url", URLS)
def test_x9_each_answer_is_what_the_openapi_document_declares(world, client_as, url):
    method = "POST" if url.endswith(("/cancel", "/activate")) else "GET"
    answer = client_as("admin").request(method, url)
    assert answer.status_code == 200, answer.text
    conforms(declared(method, url), answer.content)


# Changes, in order, each with the status it answers: the answers of the records changed by
# their fields (codes, series, the setup, a campaign), of an assignment and of an entry.
CHANGES = [
    ("POST", "/api/codes/mailing_groups", {"code": "NEWS", "description": "News"}, 201),
    ("PATCH", "/api/codes/mailing_groups/NEWS", {"description": "Newsletter"}, 200),
    ("POST", "/api/contacts/P1/assignments", {"relation": "mailing_group", "code": "NEWS"}, 201),
    ("GET", "/api/contacts/P1", None, 200),
    ("DELETE", "/api/contacts/P1/assignments/mailing_group/NEWS", None, 200),
    ("DELETE", "/api/codes/mailing_groups/NEWS", None, 200),
    ("POST", "/api/setup/series", {"code": "QUOTE", "starting_no": "QU0001"}, 201),
    ("PATCH", "/api/setup/series/QUOTE", {"description": "Quotes"}, 200),
    ("PATCH", "/api/setup", {"inherit_language_code": False}, 200),
    ("PATCH", "/api/campaigns/CP1", {"description": "Spring sale"}, 200),
    ("POST", "/api/interaction-log-entries/2/evaluate", {"evaluation": "positive"}, 200),
    ("POST", "/api/interaction-log-entries/2/attempt-failed", {"attempt_failed": True}, 200),
    ("POST", "/api/interaction-log-entries/cancel", {"entries": [2]}, 200),
    ("POST", "/api/interaction-log-entries/uncancel", {"entries": [2]}, 200),
    ("DELETE", "/api/contacts/P4", None, 200),
]


def test_x9_each_change_answers_what_the_openapi_document_declares(world, client_as):
    """The answers of the writes whose schema was empty (a code, a series, the setup, a
    campaign, an assignment, an interaction log entry) validate against their models."""
    admin = client_as("admin")
    for method, url, body, status in CHANGES:
        answer = admin.request(method, url, json=body)
        assert answer.status_code == status, f"{method} {url}: {answer.text}"
        conforms(declared(method, url), answer.content)
    card = admin.get("/api/contacts/P1").json()
    assert card["mailing_groups"] == []


def test_x9_a_decimal_is_documented_as_a_number():
    schema = declared("GET", "/api/campaigns").model_json_schema(mode="serialization")
    campaign = next(v for k, v in schema["$defs"].items() if k.startswith("CampaignRead"))
    assert campaign["properties"]["cost"]["type"] == "number"


def keywords(schema):
    """Every key of every object in a JSON document, nested ones too."""
    if isinstance(schema, dict):
        for key, value in schema.items():
            yield key
            yield from keywords(value)
    elif isinstance(schema, list):
        for value in schema:
            yield from keywords(value)


def test_x9_bounds_are_documented_in_json_schema_words(client_as):
    """A bound reaches the OpenAPI document as `minimum`/`maximum`, which a client and a fuzzer
    read, never as pydantic's own `ge`/`le`/`gt`/`lt` (what a bound put around a validator
    becomes): the undo's `to` and the entry nos. of a cancel are bounded and say so."""
    document = client_as("viewer").get("/api/openapi.json").json()
    unknown = {"ge", "le", "gt", "lt"} & set(keywords(document["components"]))
    assert not unknown
    schemas = document["components"]["schemas"]
    assert {"minimum": 0, "type": "integer"} in schemas["UndoBody"]["properties"]["to"]["anyOf"]
    assert schemas["EntryNos"]["properties"]["entries"]["items"]["minimum"] == 1
