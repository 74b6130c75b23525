"""Text holding a NUL character or a lone surrogate is bad input on both engines: a 422
naming where it was, and nothing changed (SPEC §10). PostgreSQL cannot store a NUL; SQLite
would keep it; a lone surrogate cannot be written as UTF-8."""

from __future__ import annotations

import pytest

from tests.api.conftest import problem_of


def _field_of(problem: dict[str, object]) -> object:
    errors = problem["errors"]
    assert isinstance(errors, list)
    return errors[0]["field"]


def test_x9_a_nul_in_a_json_body_is_a_422_naming_the_field_and_creates_nothing(client_as):
    marketer = client_as("marketer")
    answer = marketer.post("/api/segments", json={"description": "Spring\u0000 mailing"})
    problem = problem_of(answer, 422)
    assert _field_of(problem) == "description"
    assert "NUL" in problem["detail"]
    assert marketer.get("/api/segments").json()["items"] == []


@pytest.mark.parametrize(
    ("path", "body", "field"),
    [
        ("/api/contacts", '{"type": "company", "name": "x\\ud800y"}', "name"),
        (
            "/api/segments/SEG00001/actions",
            '{"type": "add", "criteria": "city = \'\\ud800\'", "preview": true}',
            "criteria",
        ),
        (
            "/api/segments/SEG00001/actions",
            '{"type": "add", "criteria": {"field": "city", "value": "\\udfff"}, "preview": true}',
            "criteria.value",
        ),
    ],
)
def test_x9_a_lone_surrogate_in_a_json_body_is_a_422_naming_the_field(client_as, path, body, field):
    """A JSON escape of half a surrogate pair is no character: it was a 500 where the text
    reached the database or an encoder (the contact's name, a criteria value)."""
    marketer = client_as("marketer")
    assert marketer.post("/api/segments", json={"description": "S"}).status_code == 201
    answer = marketer.post(path, content=body, headers={"content-type": "application/json"})
    problem = problem_of(answer, 422)
    assert problem["errors"][0]["field"] == field
    assert "lone surrogate" in problem["errors"][0]["message"]
    assert marketer.get("/api/contacts").json()["items"] == []


def test_x9_a_nul_in_the_query_is_a_422_naming_the_parameter(client_as):
    viewer = client_as("viewer")
    for params, field in (({"q": "a\u0000b"}, "q"), ({"where": "name = 'a\u0000'"}, "where")):
        problem = problem_of(viewer.get("/api/contacts", params=params), 422)
        assert _field_of(problem) == field


def test_x9_a_nul_in_the_path_is_a_422(client_as):
    problem = problem_of(client_as("viewer").get("/api/segments/SEG%0001"), 422)
    assert _field_of(problem) == "no"


def test_x9_a_nul_in_a_web_form_is_refused_and_creates_nothing(browser_as, client_as):
    browser = browser_as("marketer")
    answer = browser.post(
        "/segments", data={"description": "Spring\u0000", "csrf_token": browser.csrf}
    )
    assert answer.status_code == 422
    assert client_as("viewer").get("/api/segments").json()["items"] == []


def test_x9_a_date_sent_as_a_number_is_a_422_naming_it_and_creates_nothing(client_as):
    """SPEC §10: a date is ISO text, as the OpenAPI document says; a number (which pydantic
    would read as seconds since 1970) is refused on a segment as on a campaign."""
    marketer = client_as("marketer")
    for body in ({"description": "Spring", "date": 0}, {"description": "Spring", "date": 1.5}):
        problem = problem_of(marketer.post("/api/segments", json=body), 422)
        assert _field_of(problem) == "date"
        assert "YYYY-MM-DD" in problem["detail"]
    assert marketer.get("/api/segments").json()["items"] == []
    created = marketer.post("/api/segments", json={"description": "Spring", "date": "2026-03-02"})
    assert created.status_code == 201, created.text
    assert created.json()["date"] == "2026-03-02"
