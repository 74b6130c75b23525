"""The app's routes (SPEC §7, §8, §10): every route of the API and the web UI runs the role
check and the NUL refusal first, and an app holds the routers' own routes, built once in the
process, so that an app's first request does not build them again (a server's first page,
and every test's app)."""

from __future__ import annotations

from fastapi.routing import APIRoute
from fastapi.testclient import TestClient

from rapport import api, web
from rapport.app import create_app
from rapport.server.guard import authorize
from rapport.server.text_input import refuse_nul
from rapport.services.users import accounts, tokens
from rapport.settings import Settings
from rapport.storage.db import open_database

ROUTES = [route for router in (*api.ROUTERS, *web.ROUTERS) for route in router.routes]


def test_x9_every_route_runs_the_role_check_and_the_nul_refusal_first():
    assert ROUTES
    for route in ROUTES:
        assert isinstance(route, APIRoute)
        first = [dependency.call for dependency in route.dependant.dependencies[:2]]
        assert first == [authorize, refuse_nul], route.path


def test_x9_only_the_api_is_in_the_openapi_document():
    for route in ROUTES:
        if route.path.startswith("/api"):
            assert route.include_in_schema == (route.path != "/api/docs"), route.path
        else:
            assert not route.include_in_schema, route.path


def test_every_app_holds_the_routers_own_routes_not_copies(sessions, settings):
    first, second = create_app(settings, sessions), create_app(settings, sessions)
    for app in (first, second):
        held = {id(route) for route in app.router.routes}
        assert all(id(route) in held for route in ROUTES)


def test_two_apps_on_two_databases_each_answer_from_their_own(client_as, tmp_path):
    """The routes two apps share hold no state: a segment created through one app is on its
    database only, and a token of one database is not known to the other."""
    marketer = client_as("marketer")
    assert marketer.post("/api/segments", json={"description": "Here"}).status_code == 201
    url = f"sqlite:///{tmp_path / 'other.db'}"
    other_sessions = open_database(url)
    accounts.add_user(other_sessions, "viewer9", role="viewer", by="tests")  # tokens only
    token = tokens.create_token(other_sessions, "viewer9", name="tests", by="tests").token
    other = create_app(
        Settings(
            database_url=url,
            secret_key="another-secret-key-of-tests",
            data_dir=str(tmp_path / "data"),
        ),
        other_sessions,
    )
    with TestClient(other) as client:
        client.headers["authorization"] = marketer.headers["authorization"]
        assert client.get("/api/segments").status_code == 401
        client.headers["authorization"] = f"Bearer {token}"
        assert client.get("/api/segments").json()["items"] == []
    assert [s["description"] for s in marketer.get("/api/segments").json()["items"]] == ["Here"]
    other_sessions.kw["bind"].dispose()
