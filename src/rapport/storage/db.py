"""Engines and sessions: SQLite (embedded default, WAL, foreign keys) or PostgreSQL (psycopg).

A database is created and migrated to the latest schema on first use. Checking the schema
revision is one cheap query, so Alembic is imported only when a migration is due.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, Executable, create_engine, event, inspect, text
from sqlalchemy.engine import make_url
from sqlalchemy.orm import Session, sessionmaker

from rapport.errors import Invalid

SCHEMA_REVISION = "0003"
READ_ONLY = "rapport_read_only"
MIGRATIONS = Path(__file__).with_name("migrations")

Sessions = sessionmaker[Session]


@contextmanager
def reading(sessions: Sessions) -> Iterator[Session]:
    """A transaction for a use case that only reads: on SQLite it takes no write lock, so a
    long streamed list never holds up writers."""
    engine = sessions.kw["bind"]
    with (
        sessions(bind=engine.execution_options(**{READ_ONLY: True})) as session,
        session.begin(),
    ):
        yield session


def normalize_url(url: str) -> str:
    """Accept `postgresql://` and `postgres://` and use psycopg 3 for them."""
    for prefix in ("postgres://", "postgresql://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix) :]
    return url


def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    # Let SQLAlchemy's begin event open transactions (pysqlite's own handling is off).
    # Temporary tables, and the sorts that spill (CREATE INDEX, a large ORDER BY or GROUP
    # BY), go to temporary files through a 16 MB cache instead of growing in memory with
    # the data: memory stays flat in N (SPEC §9). SQLite allows no switch once a
    # connection has temporary tables, so it is set here, once, for every use.
    dbapi_connection.isolation_level = None
    cursor = dbapi_connection.cursor()
    for pragma in (
        "journal_mode=WAL",
        "foreign_keys=ON",
        "synchronous=NORMAL",
        "busy_timeout=30000",
        "cache_size=-64000",
        "temp_store=FILE",
        "temp.cache_size=-16384",
    ):
        cursor.execute(f"PRAGMA {pragma}")
    cursor.close()


def _sqlite_begin(connection: Any) -> None:
    # IMMEDIATE takes the write lock up front: concurrent writers queue instead of failing
    # on a lock upgrade, which serializes actions on the same segment (SPEC §10). Reading
    # transactions (see `reading`) begin deferred and never block a writer under WAL.
    if connection.get_execution_options().get(READ_ONLY):
        connection.exec_driver_sql("BEGIN")
    else:
        connection.exec_driver_sql("BEGIN IMMEDIATE")


def make_engine(url: str) -> Engine:
    """An engine for `url`; SQLite connections get the pragmas of the embedded default."""
    url = normalize_url(url)
    try:
        parsed = make_url(url)
    except Exception as exc:
        raise Invalid(f"not a database URL: {url!r}", where="--db") from exc
    if parsed.get_backend_name() == "sqlite":
        engine = create_engine(url)
        event.listen(engine, "connect", _sqlite_pragmas)
        event.listen(engine, "begin", _sqlite_begin)
        return engine
    if parsed.get_backend_name() != "postgresql":
        raise Invalid(f"unsupported database {parsed.get_backend_name()!r}", where="--db")
    return create_engine(url, pool_pre_ping=True)


def current_revision(engine: Engine) -> str | None:
    with engine.connect() as connection:
        if not inspect(connection).has_table("alembic_version"):
            return None
        return connection.execute(text("SELECT version_num FROM alembic_version")).scalar()


def migrate(engine: Engine) -> None:
    """Bring the schema to the latest revision (creating it on a new database)."""
    if current_revision(engine) == SCHEMA_REVISION:
        return
    from alembic import command
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    with engine.begin() as connection:
        config.attributes["connection"] = connection
        command.upgrade(config, "head")


def open_database(url: str) -> Sessions:
    """A sessionmaker on a migrated database at `url` (SPEC §6: created on first use)."""
    engine = make_engine(url)
    try:
        migrate(engine)
    except Exception as exc:
        if isinstance(exc, Invalid):
            raise
        raise Invalid(f"cannot open the database: {exc}", where="--db") from exc
    return sessionmaker(engine, expire_on_commit=False)


def execute_counted(session: Session, statement: Executable) -> int:
    """Run an INSERT, UPDATE or DELETE and return the number of rows it touched (SQLAlchemy
    keeps an INSERT … SELECT's row count on PostgreSQL only when asked to)."""
    result = session.execute(statement, execution_options={"preserve_rowcount": True})
    return int(getattr(result, "rowcount", 0) or 0)


def is_postgresql(session_or_engine: Session | Engine) -> bool:
    bind = (
        session_or_engine.get_bind()
        if isinstance(session_or_engine, Session)
        else session_or_engine
    )
    return bind.dialect.name == "postgresql"


BULK_ROWS = 10_000


def analyze(session: Session, *table_names: str, rows: int | None = None) -> None:
    """Refresh planner statistics after a bulk change (SPEC §9: stale statistics on
    PostgreSQL); with `rows`, only when that many rows changed (a few lines more or less do
    not mislead the planner, and ANALYZE has a cost of its own)."""
    if rows is not None and rows < BULK_ROWS:
        return
    if is_postgresql(session):
        for name in table_names:
            session.execute(text(f"ANALYZE {name}"))  # table names come from code, not users
