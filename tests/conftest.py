"""Test databases: a fresh SQLite file per test, and a fresh PostgreSQL database per test
cloned from a migrated template on a throwaway server this session starts on loopback,
dropped after its test.

The server's cluster lives in memory (`/dev/shm`) where the machine has it: a database's
clone creates some 1,200 files, and on this machine kind's ext4 each file creation scanned
the inode bitmaps for recently deleted inodes, so a clone took 250–500 ms there and
30–50 ms in memory. Dropping each database after its test keeps that memory to the few
databases in use.

`sessions` is parametrised over both engines; `sqlite_sessions` is SQLite only. In CI (any
non-empty `CI` value, as every CI service sets it) a missing PostgreSQL fails the run instead
of skipping its tests.
"""

from __future__ import annotations

import itertools
import os
import pwd
import shutil
import socket
import subprocess
import tempfile
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.orm import Session, sessionmaker

from rapport.storage.db import make_engine, migrate
from tests.line_counts import assert_lines_counted

pytest_plugins = ["pytester"]


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """The modules holding slow tests run first, each in its own order: on two workers the
    longest tests then start early, instead of one worker running them alone at the end
    (the whole suite ended 2.5 minutes after the other worker had)."""
    slow = {item.nodeid.split("::")[0] for item in items if item.get_closest_marker("slow")}
    items.sort(key=lambda item: item.nodeid.split("::")[0] not in slow)


def running_in_ci(environ: Mapping[str, str]) -> bool:
    """CI services set `CI` to `true`, `1`, `True` or `yes`: any non-empty value counts."""
    return bool(environ.get("CI", "").strip())


IN_CI = running_in_ci(os.environ)
_counter = itertools.count()


def _as_postgres(cmd: list[str]) -> list[str]:
    return ["runuser", "-u", "postgres", "--", *cmd] if os.geteuid() == 0 else cmd


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


# The room a test server's cluster may need in memory: its write-ahead log grows to
# PostgreSQL's max_wal_size (1 GB) between checkpoints, beside the databases in use.
ROOM_IN_MEMORY = 4 * 2**30


def _in_memory() -> str | None:
    """A folder in memory for the test server's cluster, where the machine has one with
    room for it (a container's /dev/shm may hold 64 MB); else the temporary folder."""
    shm = Path("/dev/shm")  # noqa: S108 (mkdtemp makes a private folder in it)
    if not (shm.is_dir() and os.access(shm, os.W_OK | os.X_OK)):
        return None
    free = os.statvfs(shm)
    return str(shm) if free.f_bavail * free.f_frsize >= ROOM_IN_MEMORY else None


def _pg_bindir() -> Path | None:
    try:
        out = subprocess.check_output(["pg_config", "--bindir"], text=True).strip()
    except (OSError, subprocess.CalledProcessError):
        return None
    path = Path(out)
    return path if (path / "initdb").exists() else None


@pytest.fixture(scope="session")
def pg_server() -> Iterator[str]:
    """A PostgreSQL server on loopback for this test session; yields its base URL."""
    bindir = _pg_bindir()
    if bindir is None:
        if IN_CI:
            pytest.fail("PostgreSQL (initdb) is not installed; CI must run the PostgreSQL tests")
        pytest.skip("PostgreSQL is not installed")
    base = Path(tempfile.mkdtemp(prefix="rapport-pg-", dir=_in_memory()))
    if os.geteuid() == 0:
        entry = pwd.getpwnam("postgres")
        os.chown(base, entry.pw_uid, entry.pw_gid)
    data, port = base / "data", _free_port()
    subprocess.run(
        _as_postgres(
            [
                str(bindir / "initdb"),
                "-D",
                str(data),
                "-U",
                "postgres",
                "-A",
                "trust",
                "-E",
                "UTF8",
                "--no-locale",
                "--no-sync",
            ]
        ),
        check=True,
        capture_output=True,
    )
    options = (
        f"-h 127.0.0.1 -p {port} -k {base} -c fsync=off -c synchronous_commit=off "
        "-c full_page_writes=off"
    )
    subprocess.run(
        _as_postgres(
            [
                str(bindir / "pg_ctl"),
                "-D",
                str(data),
                "-l",
                str(base / "log"),
                "-w",
                "-o",
                options,
                "start",
            ]
        ),
        check=True,
        capture_output=True,
    )
    url = f"postgresql+psycopg://postgres@127.0.0.1:{port}"
    try:
        _as_admin(url, "CREATE DATABASE rapport_template")
        template = make_engine(f"{url}/rapport_template")
        migrate(template)
        template.dispose()
        yield url
    finally:
        subprocess.run(
            _as_postgres([str(bindir / "pg_ctl"), "-D", str(data), "-m", "fast", "-w", "stop"]),
            capture_output=True,
            check=False,
        )
        shutil.rmtree(base, ignore_errors=True)


@pytest.fixture(scope="session")
def sqlite_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("template") / "template.db"
    engine = make_engine(f"sqlite:///{path}")
    migrate(engine)
    engine.dispose()  # the last connection to close checkpoints the WAL into the file
    return path


def _sqlite_url(template: Path, tmp_path: Path) -> str:
    path = tmp_path / f"rapport-{next(_counter)}.db"
    shutil.copyfile(template, path)
    return f"sqlite:///{path}"


def _as_admin(server: str, statement: str) -> None:
    """Run `statement` (our own text) on the test server outside a transaction."""
    admin = create_engine(f"{server}/postgres", isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(statement))
    admin.dispose()


def _pg_url(server: str) -> str:
    name = f"rapport_{os.getpid()}_{next(_counter)}"
    _as_admin(server, f'CREATE DATABASE "{name}" TEMPLATE rapport_template')
    return f"{server}/{name}"


def _drop_pg(url: str) -> None:
    """Drop the database of `url` (a test's, from `_pg_url`), closing what still uses it."""
    server, name = url.rsplit("/", 1)
    _as_admin(server, f'DROP DATABASE "{name}" WITH (FORCE)')


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def database_url(
    request: pytest.FixtureRequest, sqlite_template: Path, tmp_path: Path
) -> Iterator[str]:
    """The URL of a fresh, migrated database on each engine; after the test, every segment's
    header must count its lines (then the PostgreSQL database is dropped)."""
    if request.param == "sqlite":
        url = _sqlite_url(sqlite_template, tmp_path)
        yield url
        assert_lines_counted(url)
        return
    url = _pg_url(request.getfixturevalue("pg_server"))
    try:
        yield url
        assert_lines_counted(url)
    finally:
        _drop_pg(url)


@pytest.fixture
def sqlite_url(sqlite_template: Path, tmp_path: Path) -> Iterator[str]:
    url = _sqlite_url(sqlite_template, tmp_path)
    yield url
    assert_lines_counted(url)


def _sessions(url: str) -> Iterator[sessionmaker[Session]]:
    engine = make_engine(url)
    yield sessionmaker(engine, expire_on_commit=False)
    engine.dispose()


@pytest.fixture
def sessions(database_url: str) -> Iterator[sessionmaker[Session]]:
    """A sessionmaker on a fresh database, once on SQLite and once on PostgreSQL."""
    yield from _sessions(database_url)


@pytest.fixture
def sqlite_sessions(sqlite_url: str) -> Iterator[sessionmaker[Session]]:
    """A sessionmaker on a fresh SQLite database (for tests that need no second engine)."""
    yield from _sessions(sqlite_url)


@pytest.fixture(scope="session")
def spark() -> Iterator[Any]:
    """One Spark session on `local[1]` for the whole test run (issue 16). In CI a missing
    Java runtime or `rapport[spark]` extra fails the run instead of skipping its tests."""
    from rapport.errors import Invalid
    from rapport.storage.spark import require_spark, start

    try:
        require_spark()
    except Invalid as exc:
        if IN_CI:
            pytest.fail(f"{exc.message}; CI must run the Spark tests")
        pytest.skip(exc.message)
    started = start("local[1]", partitions=1, memory="1g")
    yield started.session
    started.session.stop()
