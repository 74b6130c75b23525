"""The OpenAPI document is one a script author can generate a client from (X9, SPEC §7):
every answer with a body says its schema, every operation has a clean, unique id, every
upload is a multipart form with a binary file, and how to sign in is declared once and
required everywhere but on the public routes of the role table."""

from __future__ import annotations

import re

import pytest
from fastapi.routing import APIRoute
from fastapi.testclient import TestClient

from rapport import api
from rapport.app import create_app
from rapport.server.auth import COOKIE
from rapport.server.roles import ROUTE_ROLES
from rapport.settings import Settings
from rapport.storage.db import open_database

METHODS = ("get", "put", "post", "patch", "delete", "head", "options")

CONVERTER = re.compile(r":\w+}")  # `{entry_no:int}` in a route, `{entry_no}` in the document
UPLOADS = {
    "POST /api/imports/{table}",
    "POST /api/templates/{code}/attachments",
    "POST /api/segments/{no}/languages",
}


@pytest.fixture(scope="module")
def document(tmp_path_factory):
    """The document as an anonymous client reads it (it is public)."""
    folder = tmp_path_factory.mktemp("openapi")
    url = f"sqlite:///{folder / 'api.db'}"
    settings = Settings(database_url=url, secret_key="openapi-tests", data_dir=str(folder))
    app = create_app(settings, open_database(url), background=False)
    with TestClient(app) as client:
        answer = client.get("/api/openapi.json")
    assert answer.status_code == 200
    return answer.json()


def operations(document):
    for path, items in document["paths"].items():
        for method, operation in items.items():
            if method in METHODS:
                yield f"{method.upper()} {path}", operation


def resolved(document, schema):
    reference = schema.get("$ref", "")
    if reference:
        return document["components"]["schemas"][reference.rpartition("/")[2]]
    return schema


def test_x9_every_answer_with_a_body_declares_its_schema(document):
    """A 204 has no content; every other 2xx answer says, for each of its media types, the
    schema of what it sends (a file is a binary string)."""
    missing = []
    for label, operation in operations(document):
        for status, answer in operation["responses"].items():
            if not status.startswith("2"):
                continue
            content = answer.get("content")
            if status == "204":
                assert not content, f"{label}: a 204 has no body"
                continue
            schemas = [entry.get("schema") for entry in (content or {}).values()]
            if not schemas or any(not schema for schema in schemas):
                missing.append(f"{label} {status}")
    assert missing == []


def test_x9_a_download_is_documented_as_a_binary_file(document):
    """An answer that is a file (an export, a Word letter) is a binary string; the job's
    events are described one event at a time."""
    files = set()
    for label, operation in operations(document):
        for status, answer in operation["responses"].items():
            for media, entry in answer.get("content", {}).items():
                if status.startswith("2") and "json" not in media and "event-stream" not in media:
                    assert entry["schema"] == {"type": "string", "format": "binary"}, label
                    files.add(f"{label} {media}")
    assert "GET /api/exports/{table} text/csv; charset=utf-8" in files
    events = document["paths"]["/api/jobs/{job_id}/events"]["get"]["responses"]["200"]
    event = events["content"]["text/event-stream"]["schema"]
    assert event["required"] == ["event", "data"]


def test_x9_each_operation_id_is_its_route_name_unique_across_the_api(document):
    ids = [operation.get("operationId", "") for _, operation in operations(document)]
    assert len(ids) == len(set(ids)), sorted(i for i in ids if ids.count(i) > 1)
    names = {
        route.name
        for router in api.ROUTERS
        for route in router.routes
        if isinstance(route, APIRoute) and route.include_in_schema
    }
    for label, operation in operations(document):
        given = operation.get("operationId", "")
        assert re.fullmatch(r"[a-z]+(_[a-z0-9]+)*", given), f"{label}: {given!r}"
        assert "_api_" not in given, f"{label}: FastAPI's default id {given!r}"
        assert given in names, label
    assert {"list_segments", "import_table", "get_health"} <= set(ids)


def test_x9_a_form_body_is_named_after_its_operation(document):
    bodies = {name for name in document["components"]["schemas"] if name.startswith("Body_")}
    assert "Body_import_table" in bodies
    assert not [name for name in bodies if "_api_" in name]


def is_file(schema):
    return any(
        kind.get("contentMediaType") == "application/octet-stream" or kind.get("format") == "binary"
        for kind in (schema, *schema.get("anyOf", ()))
    )


def test_x9_every_upload_is_a_multipart_form_with_a_binary_file(document):
    found = set()
    for label, operation in operations(document):
        for media, entry in operation.get("requestBody", {}).get("content", {}).items():
            body = resolved(document, entry.get("schema", {}))
            files = [name for name, schema in body.get("properties", {}).items() if is_file(schema)]
            if not files:
                continue
            found.add(label)
            assert media == "multipart/form-data", f"{label} sends a file as {media}"
            for name in files:
                schema = body["properties"][name]
                kinds = [k for k in (schema, *schema.get("anyOf", ())) if k.get("type") == "string"]
                assert [k.get("format") for k in kinds] == ["binary"], f"{label}: {name}"
    assert found >= UPLOADS


def test_x9_sign_in_is_declared_and_required_but_on_the_public_routes(document):
    """A bearer API token (scripts) or the web UI's session cookie signs a request in; the
    public API routes of the role table say they need neither."""
    schemes = document["components"]["securitySchemes"]
    assert schemes["bearerToken"] == {**schemes["bearerToken"], "type": "http", "scheme": "bearer"}
    cookie = schemes["sessionCookie"]
    assert (cookie["type"], cookie["in"], cookie["name"]) == ("apiKey", "cookie", COOKIE)
    assert document["security"] == [{"bearerToken": []}, {"sessionCookie": []}]
    public = {
        f"{method} {CONVERTER.sub('}', path)}"
        for (method, path), role in ROUTE_ROLES.items()
        if role is None and path.startswith("/api")
    }
    for label, operation in operations(document):
        if label in public:
            assert operation["security"] == [], label
            assert "401" not in operation["responses"], label
        else:
            assert "security" not in operation, f"{label} overrides the sign-in"
            assert "401" in operation["responses"], label
    assert {"GET /api/health", "POST /api/login"} <= public


def test_x9_what_the_document_declares_public_answers_without_sign_in(document, tmp_path):
    """The declaration is what the server does: anonymous, a public route answers and one
    that needs sign-in says 401 (with the bearer scheme in `WWW-Authenticate`)."""
    url = f"sqlite:///{tmp_path / 'api.db'}"
    settings = Settings(database_url=url, secret_key="openapi-tests", data_dir=str(tmp_path))
    with TestClient(create_app(settings, open_database(url), background=False)) as client:
        assert client.get("/api/health").status_code == 200
        refused = client.get("/api/me")
    assert refused.status_code == 401
    assert refused.headers["www-authenticate"].lower().startswith("bearer")
    assert document["paths"]["/api/me"]["get"].get("security") is None
