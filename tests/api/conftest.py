"""The server on a fresh database (both engines): an app, its users and signed-in clients.

`users` holds one account per role, each with a password and an API token; `client_as`
gives a TestClient that sends that user's bearer token, `browser_as` one signed in with the
session cookie (as the web UI is), whose CSRF token is at `.csrf`.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import Connection, Engine, event
from sqlalchemy.orm import Session, sessionmaker

from rapport.app import create_app
from rapport.cli.main import run
from rapport.services.users import accounts, tokens
from rapport.settings import Settings
from tests.integration.mailbox import serve
from tests.integration.segment_world import build_world

PASSWORD = "correct horse battery"
ROLES = ("viewer", "marketer", "admin")


@dataclass
class Account:
    name: str
    role: str
    token: str


@pytest.fixture
def users(sessions: sessionmaker[Session]) -> dict[str, Account]:
    made = {}
    for role in ROLES:
        name = f"{role}1"
        accounts.add_user(sessions, name, role=role, by="tests")
        token = tokens.create_token(sessions, name, name="tests", by="tests").token
        made[role] = Account(name, role, token)
    return made


@pytest.fixture
def passwords(sessions: sessionmaker[Session], users: dict[str, Account]) -> str:
    """Gives the three users PASSWORD and returns it, for the tests that sign in with it.
    The other tests' users have none: argon2 takes 30–40 ms a hash, two minutes of the
    1,200 API and web tests' time if every test hashed three."""
    for account in users.values():
        accounts.set_password(sessions, account.name, password=PASSWORD, by="tests")
    return PASSWORD


@pytest.fixture
def settings(database_url: str, tmp_path: Path) -> Settings:
    """The server's settings: the test's database, its own data folder (export files)."""
    return Settings(
        database_url=database_url,
        secret_key="test-secret-key-of-this-session",
        data_dir=str(tmp_path / "data"),
    )


@pytest.fixture
def app(sessions: sessionmaker[Session], settings: Settings, users: dict[str, Account]) -> FastAPI:
    del users
    return create_app(settings, sessions)


@pytest.fixture
def anonymous(app: FastAPI) -> Iterator[TestClient]:
    with TestClient(app, follow_redirects=False) as client:
        yield client


@pytest.fixture
def client_as(app: FastAPI, users: dict[str, Account]) -> Iterator[Callable[[str], TestClient]]:
    clients: list[TestClient] = []

    def make(role: str) -> TestClient:
        client = TestClient(app, follow_redirects=False)
        client.headers["authorization"] = f"Bearer {users[role].token}"
        clients.append(client)
        return client

    yield make
    for client in clients:
        client.close()


class Browser(TestClient):
    csrf: str = ""
    role: str = ""


@pytest.fixture
def browser_as(
    app: FastAPI, sessions: sessionmaker[Session], users: dict[str, Account]
) -> Iterator[Callable[[str], Browser]]:
    """A client signed in with the cookie as a user of the role (given PASSWORD then)."""
    clients: list[Browser] = []

    def make(role: str) -> Browser:
        if not any(client.role == role for client in clients):
            accounts.set_password(sessions, users[role].name, password=PASSWORD, by="tests")
        client = Browser(app, follow_redirects=False)
        client.role = role
        answer = client.post("/api/login", json={"name": users[role].name, "password": PASSWORD})
        assert answer.status_code == 200, answer.text
        client.csrf = answer.json()["csrf_token"]
        clients.append(client)
        return client

    yield make
    for client in clients:
        client.close()


@pytest.fixture
def segment_world(sessions: sessionmaker[Session]) -> None:
    """The contacts of tests/integration/segment_world.py (ACME, BETA, GAMMA, P1–P6)."""
    with sessions.begin() as session:
        build_world(session)


@pytest.fixture
def cli(database_url: str, capsys: pytest.CaptureFixture[str]) -> Iterator[Callable[..., Any]]:
    """Run `rapport --json …` on the app's database as marketer1; its parsed JSON output.
    The engines the commands open are disposed afterwards (a process would just exit)."""
    opened: set[Engine] = set()

    def remember(connection: Connection) -> None:
        opened.add(connection.engine)

    def call(*args: str, user: str = "marketer1") -> Any:
        capsys.readouterr()
        status = run(["--db", database_url, "--json", "--user", user, *args])
        out, err = capsys.readouterr()
        assert status == 0, err
        return json.loads(out)

    event.listen(Engine, "engine_connect", remember)
    yield call
    event.remove(Engine, "engine_connect", remember)
    for engine in opened:
        engine.dispose()


@pytest.fixture
def smtp():
    """A real SMTP server on loopback: (inbox, settings pointing at it)."""
    yield from serve()


@pytest.fixture
def cli_json(database_url: str, capsys: pytest.CaptureFixture[str]) -> Callable[..., Any]:
    """Run `rapport --db URL --json ARGS…` on the test's database and return what it
    printed, parsed: the shapes the API answers with (SPEC §6)."""

    def call(*args: str) -> Any:
        capsys.readouterr()
        status = run(["--db", database_url, "--json", *args])
        out, err = capsys.readouterr()
        assert status == 0, err
        return json.loads(out)

    return call


def problem_of(answer: Any, status: int) -> dict[str, Any]:
    """The RFC 9457 problem document of an answer that must have `status`."""
    assert answer.status_code == status, answer.text
    assert answer.headers["content-type"] == "application/problem+json"
    body: dict[str, Any] = answer.json()
    assert body["status"] == status
    assert body["detail"]
    return body


def walk(client: TestClient, url: str) -> list[list[Any]]:
    """Every page of a list, following `next`: the items of each page."""
    pages: list[list[Any]] = []
    following: str | None = url
    while following is not None:
        answer = client.get(following)
        assert answer.status_code == 200, answer.text
        body = answer.json()
        assert set(body) == {"items", "next"}
        pages.append(body["items"])
        following = body["next"]
    return pages
