"""Opening a database that is not one (SPEC §6 `--db`, §10): the user reads what is wrong in
their words, exit status 1, nothing is created or changed, and never a driver's text, a
link to its docs or the URL's password (issue 11, item 6)."""

from __future__ import annotations

import socket
import sqlite3
from pathlib import Path

import pytest

from rapport.cli.main import run
from rapport.storage.db import open_database


@pytest.fixture
def rapport(capsys):
    def call(url: str) -> tuple[int, str]:
        capsys.readouterr()
        status = run(["--db", url, "segment", "list"])
        out, err = capsys.readouterr()
        assert out == ""
        return status, err

    return call


def assert_one_clear_line(err: str) -> None:
    assert len(err.strip().splitlines()) == 1, err
    for leak in ("Traceback", "sqlalche", "sqlite3.", "psycopg", "OperationalError", "Errno"):
        assert leak not in err


@pytest.mark.parametrize(
    ("content", "kind"),
    [(b"name,city\nAcme,Gent\n", "text"), (bytes(range(256)) * 8, "binary")],
)
def test_db_a_file_that_is_not_a_database_is_named(rapport, tmp_path, monkeypatch, content, kind):
    monkeypatch.chdir(tmp_path)
    Path("sales.db").write_bytes(content)
    status, err = rapport("sqlite:///sales.db")
    assert status == 1
    assert "sales.db is not a Rapport database" in err, kind
    assert_one_clear_line(err)
    assert Path("sales.db").read_bytes() == content
    assert sorted(p.name for p in tmp_path.iterdir()) == ["sales.db"]


def test_db_an_sqlite_database_of_another_program_is_not_migrated(rapport, tmp_path):
    path = tmp_path / "other.db"
    with sqlite3.connect(path) as connection:
        connection.execute("CREATE TABLE customers (name TEXT)")
    status, err = rapport(f"sqlite:///{path}")
    assert (status, f"{path} is not a Rapport database" in err) == (1, True)
    assert_one_clear_line(err)
    with sqlite3.connect(path) as connection:
        names = connection.execute("SELECT name FROM sqlite_master WHERE type = 'table'")
        assert [name for (name,) in names] == ["customers"]


def test_db_a_folder_is_not_a_database_file(rapport, tmp_path):
    (tmp_path / "sales.db").mkdir()
    status, err = rapport(f"sqlite:///{tmp_path}/sales.db")
    assert (status, "sales.db is a folder, not a database file" in err) == (1, True)
    assert_one_clear_line(err)
    assert list((tmp_path / "sales.db").iterdir()) == []


def test_db_a_path_under_a_plain_file_or_a_missing_folder(rapport, tmp_path):
    (tmp_path / "notes.txt").write_text("notes\n")
    status, err = rapport(f"sqlite:///{tmp_path}/notes.txt/sales.db")
    assert (status, "notes.txt is a file, not a folder" in err) == (1, True)
    assert_one_clear_line(err)
    status, err = rapport(f"sqlite:///{tmp_path}/missing/sales.db")
    assert (status, f"folder {tmp_path}/missing does not exist" in err) == (1, True)
    assert_one_clear_line(err)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["notes.txt"]


def _closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def test_db_a_postgresql_server_that_refuses_is_named_without_the_password(rapport):
    port = _closed_port()
    status, err = rapport(f"postgresql://bob:s3cret-pw@127.0.0.1:{port}/sales")
    assert status == 1
    assert f"cannot connect to PostgreSQL at 127.0.0.1:{port}: connection refused" in err
    assert "s3cret-pw" not in err
    assert_one_clear_line(err)


@pytest.mark.postgres
def test_db_a_postgresql_database_that_does_not_exist(rapport, pg_server):
    status, err = rapport(f"{pg_server}/no_such_db")
    assert (status, 'database "no_such_db" does not exist' in err) == (1, True)
    assert_one_clear_line(err)


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("mysql://bob:s3cret-pw@db.example/sales", "unsupported database 'mysql'"),
        ("postgresql+asyncpg://bob:s3cret-pw@db.example/sales", "'postgresql+asyncpg'"),
        ("sqlite+pysqlcipher://:s3cret-pw@/sales.db", "'sqlite+pysqlcipher'"),
        ("bob:s3cret-pw at db.example", "not a database URL"),
    ],
)
def test_db_an_unknown_driver_or_url_is_refused_by_name(rapport, url, expected):
    status, err = rapport(url)
    assert (status, expected in err) == (1, True), err
    assert "s3cret-pw" not in err
    assert_one_clear_line(err)


def test_db_a_database_of_a_newer_version_is_refused_unchanged(rapport, tmp_path):
    path = tmp_path / "sales.db"
    open_database(f"sqlite:///{path}").kw["bind"].dispose()
    with sqlite3.connect(path) as connection:
        connection.execute("UPDATE alembic_version SET version_num = '9999'")
    status, err = rapport(f"sqlite:///{path}")
    assert status == 1
    assert f"{path} has schema revision '9999', which this version of Rapport does not know" in err
    assert_one_clear_line(err)
    with sqlite3.connect(path) as connection:
        assert connection.execute("SELECT version_num FROM alembic_version").fetchall() == [
            ("9999",)
        ]
