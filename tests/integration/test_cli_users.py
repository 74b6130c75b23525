"""`rapport user …`, `token …`, `audit list` and `serve`'s refusal without an admin
(SPEC §6, §7, §10): exit statuses, the token alone on stdout, JSON shapes."""

from __future__ import annotations

import io
import json
import os
import subprocess
import sys

import pytest

from rapport.cli.main import run
from rapport.services.users import accounts, tokens
from rapport.storage.db import open_database


@pytest.fixture
def rapport(sqlite_url, capsys, monkeypatch):
    """Run `rapport --db URL ARGS…` with `stdin` as standard input."""

    def call(*args: str, stdin: str = "") -> tuple[int, str, str]:
        monkeypatch.setattr(sys, "stdin", io.StringIO(stdin))
        capsys.readouterr()
        status = run(["--db", sqlite_url, *args])
        out, err = capsys.readouterr()
        return status, out, err

    return call


def test_user_add_reads_the_password_from_stdin_and_it_signs_in(rapport, sqlite_url):
    status, out, _ = rapport(
        "--json", "user", "add", "Ada", "--role", "admin", "--password-stdin", stdin="s3cret-pass\n"
    )
    assert status == 0
    assert json.loads(out)["role"] == "admin"
    assert json.loads(out)["has_password"] is True
    sessions = open_database(sqlite_url)
    assert accounts.sign_in(sessions, "ada", password="s3cret-pass").name == "Ada"


def test_user_add_refuses_a_bad_role_a_short_password_and_a_duplicate(rapport):
    assert rapport("user", "add", "bob", "--role", "boss")[0] == 1
    status, _, err = rapport(
        "user", "add", "bob", "--role", "viewer", "--password-stdin", stdin="short\n"
    )
    assert status == 1
    assert "at least 8 characters" in err
    assert rapport("user", "add", "bob", "--role", "viewer")[0] == 0
    status, _, err = rapport("user", "add", "BOB", "--role", "viewer")
    assert status == 1
    assert "already a user" in err


def test_token_create_prints_the_token_alone_and_json_gives_its_fields(rapport, sqlite_url):
    rapport("user", "add", "script", "--role", "marketer")
    status, out, _ = rapport("token", "create", "script", "--name", "nightly")
    assert status == 0
    token = out.strip()
    assert token.startswith("rap_")
    assert "\n" not in token
    sessions = open_database(sqlite_url)
    assert tokens.user_for_token(sessions, token).name == "script"
    status, out, _ = rapport("--json", "token", "create", "script", "--name", "second")
    assert set(json.loads(out)) == {"id", "name", "user", "token"}


def test_token_revoke_and_the_audit_log_record_who_did_what(rapport, sqlite_url):
    rapport("user", "add", "script", "--role", "marketer")
    made = json.loads(rapport("--json", "token", "create", "script", "--name", "n")[1])
    assert rapport("token", "revoke", str(made["id"]))[0] == 0
    assert tokens.user_for_token(open_database(sqlite_url), made["token"]) is None
    status, out, _ = rapport("--json", "audit", "list")
    actions = [row["action"] for row in json.loads(out)]
    assert status == 0
    assert actions[:3] == ["token.revoked", "token.created", "user.added"]
    assert rapport("token", "revoke", "999")[0] == 1


def test_the_last_admin_keeps_the_role(rapport):
    rapport("user", "add", "root", "--role", "admin")
    status, _, err = rapport("user", "set-role", "root", "viewer")
    assert status == 1
    assert "last active admin" in err
    rapport("user", "add", "second", "--role", "admin")
    assert rapport("user", "set-role", "root", "viewer")[0] == 0


def test_serve_refuses_a_database_without_an_admin_and_says_how_to_make_one(sqlite_url):
    env = {**os.environ, "RAPPORT_SECRET_KEY": "k"}
    done = subprocess.run(
        [sys.executable, "-m", "rapport", "--db", sqlite_url, "serve", "--port", "1"],
        capture_output=True,
        text=True,
        env=env,
        timeout=60,
        check=False,
    )
    assert done.returncode == 1
    assert "rapport user add NAME --role admin --password-stdin" in done.stderr
    assert "Traceback" not in done.stderr
