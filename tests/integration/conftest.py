"""Fixtures shared by the integration tests."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from alembic import command
from alembic.config import Config
from sqlalchemy import Connection, Engine

from rapport.storage.db import MIGRATIONS, Sessions, make_engine
from tests.integration.command_line import CommandLine, command_line
from tests.integration.lake_world import demo_lake
from tests.integration.mailbox import serve
from tests.integration.segment_world import build_world


@dataclass
class OldDatabase:
    """An SQLite file migrated step by step, for a test of a migration on existing rows."""

    engine: Engine
    config: Config

    @contextmanager
    def at(self, revision: str, *, down: bool = False) -> Iterator[Connection]:
        """A transaction that first migrates the database up (`down`: down) to `revision`."""
        with self.engine.begin() as connection:
            self.config.attributes["connection"] = connection
            (command.downgrade if down else command.upgrade)(self.config, revision)
            yield connection

    def to(self, revision: str, *, down: bool = False) -> None:
        """Migrate the database to `revision` in a transaction of its own."""
        with self.at(revision, down=down):
            pass


@pytest.fixture
def old_database(tmp_path: Path) -> Iterator[OldDatabase]:
    """An empty SQLite file and Alembic's configuration on it, for a test that upgrades a
    database from an older revision."""
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    engine = make_engine(f"sqlite:///{tmp_path / 'old.db'}")
    yield OldDatabase(engine, config)
    engine.dispose()


@pytest.fixture
def world(sessions):
    """The segment engine's small world (segment_world.py) in the test's database."""
    with sessions.begin() as session:
        build_world(session)
    return sessions


@pytest.fixture
def smtp():
    """A real SMTP server on loopback: (inbox, settings pointing at it)."""
    yield from serve()


@pytest.fixture
def lake_demo(sqlite_url: str, tmp_path: Path, spark: Any) -> Iterator[tuple[Sessions, Path]]:
    """The demo company in a fresh SQLite database and exported as a lake (issue 16)."""
    yield from demo_lake(sqlite_url, tmp_path)


@pytest.fixture
def lake_demo_on_both(
    database_url: str, tmp_path: Path, spark: Any
) -> Iterator[tuple[Sessions, Path]]:
    """The same on SQLite and on PostgreSQL (the staging COPY)."""
    yield from demo_lake(database_url, tmp_path)


@pytest.fixture
def rapport(sqlite_url: str, capsys: Any) -> CommandLine:
    """`rapport --db URL ARGS…` on the test's SQLite database: (exit status, stdout, stderr)."""
    return command_line(sqlite_url, capsys)
