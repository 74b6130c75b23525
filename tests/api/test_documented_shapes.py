"""The OpenAPI document describes the answers as they are (SPEC §7): each answer of the
noun routes validates, strictly, against the model its route declares, so a client
generated from the document reads a cost as the number it is sent as (X9)."""

from __future__ import annotations

import datetime as dt

import pytest
from fastapi.routing import APIRoute

from rapport import api
from tests.factories import build_log_world, make_interaction, make_queued_interaction

URLS = [
    "/api/contacts",
    "/api/logged-segments",
    "/api/logged-segments/1/cancel",
    "/api/interaction-log-entries/totals?by=template",
    "/api/campaigns",
    "/api/campaigns/CP1/entries",
    "/api/campaigns/CP1/activate",
    "/api/templates",
    "/api/templates/ABSTRACT",
    "/api/opportunities",
    "/api/tasks",
]


@pytest.fixture
def world(sessions):
    with sessions.begin() as session:
        people = build_log_world(session)
        make_queued_interaction(session, people["P1"], campaign_no="CP1", campaign_target=True)
        make_interaction(session, people["P2"], date=dt.date(2026, 3, 2), cost=2.5, duration=1.25)


def declared(method: str, path: str):
    for router in api.ROUTERS:
        for route in router.routes:
            if isinstance(route, APIRoute) and route.path == path and method in route.methods:
                return route.response_model
    raise AssertionError(f"no route {method} {path}")


@pytest.mark.parametrize("url", URLS)
def test_x9_each_answer_is_what_the_openapi_document_declares(world, client_as, url):
    method = "POST" if url.endswith(("/cancel", "/activate")) else "GET"
    answer = client_as("marketer").request(method, url)
    assert answer.status_code == 200, answer.text
    path = url.split("?")[0].replace("/1/", "/{entry_no:int}/").replace("/CP1/", "/{no}/")
    path = path.replace("/ABSTRACT", "/{code}")
    model = declared(method, path)
    model.model_validate_json(answer.content, strict=True)


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
