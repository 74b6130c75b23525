"""A database URL whose scheme names no database Rapport knows, such as a typo (`sqlit://`,
`foo://`), is a user error like any unsupported database (SPEC §6 `--db` and
`RAPPORT_DATABASE_URL`, §10): exit status 1, one line naming the scheme and what to write
instead, nothing created; never an internal error from loading a driver that does not exist.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from rapport.cli.main import run
from rapport.errors import Invalid
from rapport.storage.db import make_engine

TYPOS = [
    ("sqlit:///x.db", "unsupported database 'sqlit'"),
    ("foo://x", "unsupported database 'foo'"),
    ("sqllite:///x.db", "unsupported database 'sqllite'"),
    ("postgresq://bob:s3cret-pw@db.example/sales", "unsupported database 'postgresq'"),
    ("SQLITE:///x.db", "unsupported database 'SQLITE'"),
]
SUPPORTED = "(use sqlite:///FILE or postgresql://USER@HOST:PORT/NAME)"


def assert_one_clear_line(err: str) -> None:
    assert len(err.strip().splitlines()) == 1, err
    for leak in ("internal error", "Traceback", "NoSuchModuleError", "sqlalchemy", "s3cret"):
        assert leak not in err, err


@pytest.fixture
def rapport(capsys, tmp_path, monkeypatch):
    """Run `rapport ARGS…` in an empty folder; returns (exit status, stdout, stderr)."""
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("RAPPORT_DATABASE_URL", raising=False)

    def call(*args: str) -> tuple[int, str, str]:
        capsys.readouterr()
        status = run(list(args))
        out, err = capsys.readouterr()
        return status, out, err

    return call


@pytest.mark.parametrize(("url", "expected"), TYPOS)
def test_db_a_typo_in_the_scheme_is_exit_1_naming_it(rapport, tmp_path, url, expected):
    status, out, err = rapport("--db", url, "segment", "list")
    assert (status, out) == (1, ""), err
    assert f"--db: {expected} {SUPPORTED}" in err
    assert_one_clear_line(err)
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize(("url", "expected"), TYPOS[:2])
def test_db_the_environment_variable_with_a_typo_is_exit_1(
    rapport, tmp_path, monkeypatch, url, expected
):
    monkeypatch.setenv("RAPPORT_DATABASE_URL", url)
    status, out, err = rapport("segment", "list")
    assert (status, out) == (1, ""), err
    assert f"{expected} {SUPPORTED}" in err
    assert_one_clear_line(err)
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize(("url", "expected"), TYPOS)
def test_db_make_engine_refuses_the_scheme_as_bad_input(url, expected):
    with pytest.raises(Invalid) as caught:
        make_engine(url)
    assert caught.value.field == "database_url"
    assert caught.value.message == f"{expected} {SUPPORTED}"


@pytest.mark.parametrize("given", ["option", "environment"])
def test_db_serve_with_a_typo_in_the_url_stops_at_once_with_exit_1(tmp_path: Path, given):
    url = "sqlit:///x.db"
    env = {**os.environ, "RAPPORT_SECRET_KEY": "k"}
    env.pop("RAPPORT_DATABASE_URL", None)
    command = [sys.executable, "-m", "rapport", "serve", "--port", "1"]
    if given == "option":
        command[3:3] = ["--db", url]
    else:
        env["RAPPORT_DATABASE_URL"] = url
    done = subprocess.run(
        command, capture_output=True, text=True, env=env, cwd=tmp_path, timeout=60, check=False
    )
    assert (done.returncode, done.stdout) == (1, ""), done.stderr
    assert f"unsupported database 'sqlit' {SUPPORTED}" in done.stderr
    assert_one_clear_line(done.stderr)
    assert list(tmp_path.iterdir()) == []
