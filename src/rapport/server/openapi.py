"""The OpenAPI document at /api/openapi.json: FastAPI's, made for a script author who
generates a client from it.

* Every operation's error answers are described as they are sent (RFC 9457
  `application/problem+json`, one `Problem` schema) instead of FastAPI's default
  validation-error shape.
* How to sign in is declared once (`components.securitySchemes`: the bearer API token
  scripts use, the web UI's session cookie) and required by every operation but the public
  ones of the role table (`server.roles`: health, sign-in), which say they need none.
* Each operation's id is its route function's name (`list_segments`), unique across the
  API (`operation_id`; FastAPI's own is the name with the path and the method), and the
  form bodies it names are named after it (`Body_import_table`).
* A file in a multipart form is also marked `format: binary`, the form of OpenAPI 3.0 that
  most client generators look for beside 3.1's `contentMediaType`.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

from fastapi import FastAPI
from fastapi.openapi.utils import get_openapi
from fastapi.routing import APIRoute

from rapport.server.auth import COOKIE, CSRF_HEADER
from rapport.server.roles import least_role

PROBLEM_SCHEMA: dict[str, Any] = {
    "title": "Problem",
    "type": "object",
    "description": "An RFC 9457 problem document; `detail` is the message the CLI prints.",
    "required": ["type", "title", "status", "detail"],
    "properties": {
        "type": {"type": "string"},
        "title": {"type": "string"},
        "status": {"type": "integer"},
        "detail": {"type": "string"},
        "errors": {
            "type": "array",
            "items": {
                "type": "object",
                "properties": {
                    "field": {"type": ["string", "null"]},
                    "message": {"type": "string"},
                    "position": {
                        "type": "object",
                        "properties": {"line": {"type": "integer"}, "column": {"type": "integer"}},
                    },
                },
                "required": ["message"],
            },
        },
    },
}
ERRORS = {
    "400": "The request is malformed",
    "401": "Nobody is signed in (session cookie or bearer token)",
    "403": "The user's role does not allow this, or the CSRF token is missing",
    "404": "What the path names does not exist",
    "409": "The state of the data forbids this",
    "412": "The record changed since it was read (If-Match)",
    "413": "The body is larger than the upload limit",
    "422": "The input is not valid or names a record that is not there; `errors` says which "
    "field and why",
    "429": "Too many failed sign-ins; see Retry-After",
}
PUBLIC_ERRORS = ("400", "413", "422", "429")
SECURITY_SCHEMES: dict[str, Any] = {
    "bearerToken": {
        "type": "http",
        "scheme": "bearer",
        "description": "An API token, sent as `Authorization: Bearer <token>`: what scripts "
        "use. `rapport token create USER --name NAME` (or `POST /api/tokens`) shows it once.",
    },
    "sessionCookie": {
        "type": "apiKey",
        "in": "cookie",
        "name": COOKIE,
        "description": "The web UI's signed session cookie, set by `POST /api/login`. A write "
        f"made with it carries the session's CSRF token in `{CSRF_HEADER}` (the `csrf_token` "
        "of `/api/login` and `/api/me`).",
    },
}
# Either one signs a request in.
SIGNED_IN: list[dict[str, list[str]]] = [{name: []} for name in SECURITY_SCHEMES]
FILE_MEDIA = "application/octet-stream"
SCHEMAS = "#/components/schemas/"


def operation_id(route: APIRoute) -> str:
    """An operation's id: its route function's name (a test keeps them unique)."""
    return route.name


def install(app: FastAPI, *, extra_schemas: Callable[[], dict[str, Any]] | None = None) -> None:
    """Replace `app.openapi` with one that writes the document as the module says: problem
    answers, sign-in, operation ids, files."""

    def openapi() -> dict[str, Any]:
        if app.openapi_schema:
            return app.openapi_schema
        document = get_openapi(
            title=app.title,
            version=app.version,
            summary=app.summary,
            description=app.description,
            routes=app.routes,
        )
        components = document.setdefault("components", {})
        schemas = components.setdefault("schemas", {})
        schemas["Problem"] = PROBLEM_SCHEMA
        schemas.update(extra_schemas() if extra_schemas else {})
        components["securitySchemes"] = SECURITY_SCHEMES
        document["security"] = SIGNED_IN
        for method, route, operation in _operations(app, document):
            public = least_role(method, route.path) == (True, None)
            if public:
                operation["security"] = []
            _name(operation, route, schemas)
            _mark_files(operation, schemas)
            _document_problems(operation, public=public)
        for name in ("HTTPValidationError", "ValidationError"):
            schemas.pop(name, None)
        app.openapi_schema = document
        return document

    app.openapi = openapi  # type: ignore[method-assign]


def _document_problems(operation: dict[str, Any], *, public: bool) -> None:
    responses = operation.setdefault("responses", {})
    problem = {"application/problem+json": {"schema": {"$ref": "#/components/schemas/Problem"}}}
    for status, description in ERRORS.items():
        if public and status not in PUBLIC_ERRORS and status not in responses:
            continue
        entry = responses.setdefault(status, {"description": description})
        entry["content"] = problem
        entry.setdefault("description", description)


def _operations(
    app: FastAPI, document: dict[str, Any]
) -> Iterator[tuple[str, APIRoute, dict[str, Any]]]:
    """Each operation of the document with its method and the route that answers it."""
    routes = {
        (route.path_format, method): route
        for route in app.routes
        if isinstance(route, APIRoute) and route.include_in_schema
        for method in route.methods or ()
    }
    for path, operations in document.get("paths", {}).items():
        for method, operation in operations.items():
            yield method.upper(), routes[(path, method.upper())], operation


def _name(operation: dict[str, Any], route: APIRoute, schemas: dict[str, Any]) -> None:
    """The operation's id, and the form body and answer FastAPI named by its own id."""
    old, new = route.unique_id, operation_id(route)
    operation["operationId"] = new
    if old == new:
        return
    for content in operation.get("requestBody", {}).get("content", {}).values():
        schema = content.get("schema", {})
        if schema.get("$ref") == f"{SCHEMAS}Body_{old}" and f"Body_{old}" in schemas:
            schemas[f"Body_{new}"] = {**schemas.pop(f"Body_{old}"), "title": f"Body_{new}"}
            schema["$ref"] = f"{SCHEMAS}Body_{new}"
    titled = _title(f"Response_{old}")
    for answer in operation.get("responses", {}).values():
        for content in answer.get("content", {}).values():
            if content.get("schema", {}).get("title") == titled:
                content["schema"]["title"] = _title(f"Response_{new}")


def _title(name: str) -> str:
    """The title pydantic gives a field of that name (FastAPI's answer schemas')."""
    return name.replace("_", " ").title()


def _mark_files(operation: dict[str, Any], schemas: dict[str, Any]) -> None:
    """Each file of a multipart form also says `format: binary`."""
    form = operation.get("requestBody", {}).get("content", {}).get("multipart/form-data")
    if form is None:
        return
    body = form.get("schema", {})
    body = schemas.get(body.get("$ref", "").removeprefix(SCHEMAS), body)
    for field in body.get("properties", {}).values():
        for kind in (field, *field.get("anyOf", ())):
            if kind.get("contentMediaType") == FILE_MEDIA:
                kind["format"] = "binary"
