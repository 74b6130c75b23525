"""A JSON value of the wrong type is a 422 naming the field as the client sent it (SPEC §7,
§10): a value that is none of a union's types (a contact field takes text, true/false or
null) is said once for its field, not once per type under pydantic's names for them
(`city.str`, `city.bool`), and nothing is made."""

from __future__ import annotations

from rapport.server.problems import _validation_errors
from tests.api.conftest import problem_of


def test_k1_a_value_of_no_type_the_field_takes_is_one_error_naming_the_field(client_as):
    marketer = client_as("marketer")
    before = marketer.get("/api/contacts").json()["items"]
    body = problem_of(
        marketer.post("/api/contacts", json={"type": "person", "name": "Ann", "city": 5}), 422
    )
    assert body["errors"] == [
        {"field": "city", "message": "Input should be a valid string or a valid boolean"}
    ]
    assert body["detail"] == "city: Input should be a valid string or a valid boolean"
    assert marketer.get("/api/contacts").json()["items"] == before


def test_s1_a_field_named_like_a_type_keeps_its_name(client_as):
    """Only the union members' locations are folded: the segment's `date` (named like
    pydantic's type `date`) is the field itself."""
    body = problem_of(
        client_as("marketer").post("/api/segments", json={"description": "D", "date": "soon"}),
        422,
    )
    assert [error["field"] for error in body["errors"]] == ["date"]


def test_k1_two_parameters_wrong_at_once_stay_two_errors():
    """Parameters named like a union's members (`if-match`, `idempotency-key` have a hyphen,
    as pydantic's `function-after` has) are parameters: each keeps its own error."""
    missing = [
        {"loc": ("header", name), "msg": "Field required", "input": None}
        for name in ("if-match", "idempotency-key")
    ]
    assert [error["field"] for error in _validation_errors(missing)] == [
        "header.if-match",
        "header.idempotency-key",
    ]
