"""Every route requires a role (SPEC §7, §10): the role table covers every route of the
app, and a matrix generated from that table calls each route as anonymous, viewer,
marketer and admin and checks 401 (or the sign-in redirect for a page) / 403 / allowed."""

from __future__ import annotations

import re

import pytest
from fastapi.routing import APIRoute

from rapport import api, web
from rapport.domain.enums import Role
from rapport.server.roles import ROUTE_ROLES

# Values for the path parameters of the routes, so that every route can be called.
PATH_VALUES = {
    "name": "viewer1",
    "token_id": "1",
    "path": "rapport.css",
    "no": "SEG00001",
    "line_no": "10000",
    "line": "10000",
    "contact": "CT000001",
    "webhook_id": "1",
    "job_id": "1",
    "entry_no": "1",
    "code": "ABSTRACT",
    "token": "t",
    "relation": "mailing_group",
    "table": "contacts",
    "type": "email",
}
ROLES = [Role.VIEWER, Role.MARKETER, Role.ADMIN]


def app_routes() -> set[tuple[str, str]]:
    """Every route of the app: those of the API's and the web's routers (each carries its
    full path), the OpenAPI document and the static files."""
    found = {("GET", "/api/openapi.json"), ("GET", "/static/{path:path}")}
    for router in (*api.ROUTERS, *web.ROUTERS):
        for route in router.routes:
            assert isinstance(route, APIRoute)
            found.update((method, route.path) for method in route.methods if method != "HEAD")
    return found


def concrete(path: str) -> str:
    return re.sub(r"\{(\w+)(:\w+)?\}", lambda m: PATH_VALUES[m.group(1)], path)


def test_every_route_is_in_the_role_table_and_every_entry_is_a_route():
    routes = app_routes()
    assert routes - ROUTE_ROLES.keys() == set(), "routes missing from server/roles.py"
    assert ROUTE_ROLES.keys() - routes == set(), "role table entries with no route"


PROTECTED = sorted((key, role) for key, role in ROUTE_ROLES.items() if role is not None)


@pytest.mark.parametrize(("route", "least"), PROTECTED, ids=[f"{m} {p}" for (m, p), _ in PROTECTED])
def test_role_matrix(route, least, anonymous, client_as):
    method, path = route
    url = concrete(path)
    answer = anonymous.request(method, url)
    if path.startswith("/api"):
        assert answer.status_code == 401, answer.text
    else:
        assert answer.status_code == 303
        assert answer.headers["location"].startswith("/login")
    for role in ROLES:
        answer = client_as(role.value).request(method, url, json={})
        if role.allows(least):
            assert answer.status_code not in (401, 403), (role, answer.text)
            assert answer.status_code < 500, (role, answer.text)
        else:
            assert answer.status_code == 403, (role, answer.text)
