"""The OpenAPI document at /api/openapi.json: FastAPI's, with every operation's error
answers described as they are sent (RFC 9457 `application/problem+json`, one `Problem`
schema) instead of FastAPI's default validation-error shape."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from fastapi import FastAPI
from fastapi.openapi.utils import get_openapi

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
    "422": "The input is not valid; `errors` says which field and why",
    "429": "Too many failed sign-ins; see Retry-After",
}
PUBLIC_ERRORS = ("400", "413", "422", "429")


def install(app: FastAPI, *, extra_schemas: Callable[[], dict[str, Any]] | None = None) -> None:
    """Replace `app.openapi` with one that documents the problem answers."""

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
        schemas = document.setdefault("components", {}).setdefault("schemas", {})
        schemas["Problem"] = PROBLEM_SCHEMA
        schemas.update(extra_schemas() if extra_schemas else {})
        for path, operations in document.get("paths", {}).items():
            for operation in operations.values():
                _document_problems(operation, public=path in ("/api/health", "/api/login"))
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
