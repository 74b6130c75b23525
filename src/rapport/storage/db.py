"""Engines and sessions: SQLite (embedded default, WAL, foreign keys) or PostgreSQL (psycopg).

A database is created and migrated to the latest schema on first use. Checking the schema
revision is one cheap query, so Alembic is imported only when a migration is due.

`connect_database` opens the engine alone and `reading_connection` reads through SQLAlchemy
Core: a command that only reads (`rapport contacts show`) never imports the ORM, which
`open_database` (a sessionmaker for the use cases that write) loads (SPEC §9);
`writing_connection` is the same for a use case that writes through Core alone (an undo).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sqlalchemy import (
    URL,
    Connection,
    Engine,
    Executable,
    Table,
    create_engine,
    event,
    inspect,
    literal,
    select,
    text,
)
from sqlalchemy.engine import make_url
from sqlalchemy.exc import DBAPIError

from rapport.errors import Invalid

if TYPE_CHECKING:
    from sqlalchemy.orm import Session, sessionmaker

    Sessions = sessionmaker[Session]
    # What a statement runs on: the session of a use case that writes through the ORM, or
    # a Core connection (a preview run by the command line, which never imports the ORM).
    Db = Session | Connection

SCHEMA_REVISION = "0019"
READ_ONLY = "rapport_read_only"
MIGRATIONS = Path(__file__).with_name("migrations")


def __getattr__(name: str) -> Any:
    """`Sessions`, the sessionmaker type the use cases take, imported on first use: the ORM
    loads only with a module that uses it."""
    if name == "Sessions":
        from sqlalchemy.orm import Session, sessionmaker

        return sessionmaker[Session]
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


@contextmanager
def reading(sessions: Sessions) -> Iterator[Session]:
    """A transaction for a use case that only reads: on SQLite it takes no write lock, so a
    long streamed list never holds up writers."""
    with sessions(bind=_reading(sessions.kw["bind"])) as session, session.begin():
        yield session


@contextmanager
def reading_connection(database: Sessions | Engine) -> Iterator[Connection]:
    """A reading transaction (as `reading`) on a Core connection, from the sessionmaker the
    API and the web hold or the engine of `connect_database`, without the ORM."""
    with _reading(_engine_of(database)).begin() as connection:
        yield connection


def _reading(engine: Engine) -> Engine:
    """`engine` for a reading transaction; on PostgreSQL at REPEATABLE READ, so that all its
    statements read one snapshot (a preview's count and its first contacts, a card's lists)."""
    level = {"isolation_level": "REPEATABLE READ"} if is_postgresql(engine) else {}
    return engine.execution_options(**{READ_ONLY: True}, **level)


@contextmanager
def writing_connection(database: Sessions | Engine) -> Iterator[Connection]:
    """A writing transaction on a Core connection (as `sessions.begin()`, the write lock
    taken at its start on SQLite), for a use case that writes through Core alone: the
    command line runs it on its engine without importing the ORM."""
    with _engine_of(database).begin() as connection:
        yield connection


def _engine_of(database: Sessions | Engine) -> Engine:
    return database if isinstance(database, Engine) else database.kw["bind"]


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


SUPPORTED = "use sqlite:///FILE or postgresql://USER@HOST:PORT/NAME"
SQLITE_HEADER = b"SQLite format 3\x00"


def _parse(url: str) -> URL:
    try:
        return make_url(url)
    except Exception as exc:  # the URL is not echoed: it may hold a password
        raise Invalid(f"not a database URL ({SUPPORTED})", field="database_url") from exc


def make_engine(url: str) -> Engine:
    """An engine for `url`; SQLite connections get the pragmas of the embedded default,
    PostgreSQL ones JIT off. Only the drivers Rapport ships with are accepted (pysqlite,
    psycopg 3)."""
    parsed = _parse(normalize_url(url))
    # By name: SQLAlchemy would load a dialect first, failing on a typo such as `sqlit://`.
    if parsed.drivername in ("sqlite", "sqlite+pysqlite"):
        engine = create_engine(parsed)
        event.listen(engine, "connect", _sqlite_pragmas)
        event.listen(engine, "begin", _sqlite_begin)
        return engine
    if parsed.drivername != "postgresql+psycopg":
        raise Invalid(
            f"unsupported database {parsed.drivername!r} ({SUPPORTED})", field="database_url"
        )
    # No hstore column: the dialect would look its type up as each command starts (3.9 ms).
    engine = create_engine(
        parsed, pool_pre_ping=True, use_native_hstore=False, connect_args={"connect_timeout": 10}
    )
    event.listen(engine, "connect", _postgresql_settings)
    return engine


def _postgresql_settings(dbapi_connection: Any, _record: Any) -> None:
    # No JIT compilation: PostgreSQL compiles a statement whose estimated cost passes
    # jit_above_cost (most statements over a segment or the contacts at 1M), 15-160 ms each,
    # which did not pay back on Rapport's statements (docs/benchmarks.md). Committed, so a
    # rolled-back transaction keeps it. Behind a pooler in transaction mode a session
    # setting does not follow the transactions: set it on the database there.
    with dbapi_connection.cursor() as cursor:
        cursor.execute("SET jit = off")
    dbapi_connection.commit()


def current_revision(engine: Engine) -> str | None:
    with engine.connect() as connection:  # one statement on a database that has a revision
        try:
            return connection.execute(text("SELECT version_num FROM alembic_version")).scalar()
        except DBAPIError:
            connection.rollback()
            if inspect(connection).has_table("alembic_version"):  # another error: raised again
                raise
    return None


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


def known_revisions() -> set[str]:
    """The schema revisions this version can open (and migrate to the latest): the numbers
    that name the migration files."""
    return {path.name.split("_")[0] for path in (MIGRATIONS / "versions").glob("[0-9]*_*.py")}


def open_database(url: str) -> Sessions:
    """A sessionmaker on the migrated database at `url` (see `connect_database`)."""
    return sessions_of(connect_database(url))


def sessions_of(database: Sessions | Engine) -> Sessions:
    """The sessionmaker of `database`: itself, or one on the engine (which imports the ORM),
    for what a use case run through Core does after its commit with sessions."""
    if not isinstance(database, Engine):
        return database
    from sqlalchemy.orm import sessionmaker

    return sessionmaker(database, expire_on_commit=False)


def connect_database(url: str) -> Engine:
    """An engine on a migrated database at `url` (SPEC §6: created on first use).

    What stands in the way is said in the user's words, naming the file or the server and
    never the URL's password: a path that is a folder or lies under a file, a file that is
    not a Rapport database, a server that refuses the connection."""
    engine = make_engine(url)
    name = _display_name(engine.url)
    if engine.dialect.name == "sqlite":
        _check_sqlite_file(engine.url.database)
    try:
        revision = current_revision(engine)
        if revision is None and inspect(engine).get_table_names():
            raise Invalid(f"{name} is not a Rapport database", field="database_url")
        if revision is not None and revision not in known_revisions():
            raise Invalid(
                f"{name} has schema revision {revision!r}, which this version of Rapport does "
                "not know (made by a newer version?)",
                field="database_url",
            )
        if revision != SCHEMA_REVISION:
            migrate(engine)
    except DBAPIError as exc:
        engine.dispose()
        raise Invalid(_reason(engine.url, exc), field="database_url") from exc
    except Invalid:
        engine.dispose()
        raise
    return engine


def _display_name(url: URL) -> str:
    if url.get_backend_name() == "sqlite":
        return url.database or "the in-memory database"
    return (
        f"PostgreSQL database {url.database or ''} at {url.host or 'localhost'}:{url.port or 5432}"
    )


def _check_sqlite_file(database: str | None) -> None:
    """The file an SQLite URL names is a database file or can become one."""
    if not database or database == ":memory:" or database.startswith("file:"):
        return
    path = Path(database)
    if path.is_dir():
        raise Invalid(f"{database} is a folder, not a database file", field="database_url")
    if path.is_file():
        try:
            with path.open("rb") as handle:
                head = handle.read(len(SQLITE_HEADER))
        except OSError as exc:
            raise Invalid(
                f"cannot read {database}: {_os_reason(exc)}", field="database_url"
            ) from exc
        if head and head != SQLITE_HEADER:
            raise Invalid(f"{database} is not a Rapport database", field="database_url")
        return
    existing = next(folder for folder in path.parents if folder.exists())
    if not existing.is_dir():
        raise Invalid(
            f"cannot create {database}: {existing} is a file, not a folder", field="database_url"
        )
    if existing != path.parent:
        raise Invalid(
            f"cannot create {database}: folder {path.parent} does not exist", field="database_url"
        )


def _os_reason(exc: OSError) -> str:
    return (exc.strerror or type(exc).__name__).lower()


def _reason(url: URL, exc: DBAPIError) -> str:
    """A driver's refusal in the user's words: the file or server, and why."""
    detail = str(exc.orig).strip()
    name = _display_name(url)
    if url.get_backend_name() == "sqlite":
        known = {
            "file is not a database": f"{name} is not a Rapport database",
            "database is locked": f"{name} is locked by another program",
            "readonly database": f"{name} is read-only",
            "unable to open database file": f"cannot open {name} (check its folder's permissions)",
        }
        return next((text for key, text in known.items() if key in detail), f"cannot open {name}")
    # libpq: 'connection to server at "H", port P failed: FATAL:  why' — keep the why.
    why = detail.splitlines()[0].rsplit("failed: ", 1)[-1].removeprefix("FATAL:").strip()
    why = re.sub(r"\[Errno -?\d+\] ", "", why)
    why = why[:1].lower() + why[1:]
    where = f"PostgreSQL at {url.host or 'localhost'}:{url.port or 5432}"
    return f"cannot connect to {where}: {why}" if why else f"cannot connect to {where}"


def execute_counted(session: Db, statement: Executable) -> int:
    """Run an INSERT, UPDATE or DELETE and return the number of rows it touched (SQLAlchemy
    keeps an INSERT … SELECT's row count on PostgreSQL only when asked to)."""
    result = session.execute(statement, execution_options={"preserve_rowcount": True})
    count = int(getattr(result, "rowcount", 0) or 0)
    if count < 0:  # pysqlite counts no statement that opens with WITH; SQLite itself does
        count = int(session.execute(text("SELECT changes()")).scalar() or 0)
    return count


def has_rows(session: Db, table: Table) -> bool:
    """Whether `table` holds a row: a condition on a table that is empty (no opt-outs, no
    alternate addresses, no activated campaign) is left out of a statement."""
    return session.scalar(select(literal(1)).select_from(table).limit(1)) is not None


def is_postgresql(session_or_engine: Db | Engine) -> bool:
    bind = session_or_engine
    if not isinstance(bind, Engine | Connection):
        bind = bind.get_bind()
    return bind.dialect.name == "postgresql"


BULK_ROWS = 10_000
# The columns whose statistics a bulk change makes wrong enough to mislead the planner, for
# the tables that have many others: a segment's lines are found by segment, contact and
# the actions that added and removed them. ANALYZE of these four took 150–185 ms where the
# whole of `segment_lines` took 340–390 ms (1.5M lines); the other columns keep their
# statistics until autovacuum's next ANALYZE (after a tenth of the table changed).
ANALYZED_COLUMNS = {"segment_lines": ("segment_id", "contact_id", "removed_action", "added_action")}


def analyze(session: Db, *table_names: str, rows: int | None = None, share: float = 0.0) -> None:
    """Refresh planner statistics after a bulk change (SPEC §9: stale statistics on
    PostgreSQL); with `rows`, only when that many rows changed (a few lines more or less do
    not mislead the planner, and ANALYZE has a cost of its own), and with `share`, only the
    tables those rows make at least that share of (by the planner's own estimate of their
    size): ANALYZE reads a sample of 30,000 rows wherever they lie, over a second for a
    table of millions, while a tenth or less leaves its statistics nearly as they were
    (and autovacuum analyzes a table once a tenth of it has changed)."""
    if rows is not None and rows < BULK_ROWS:
        return
    if not is_postgresql(session):
        return
    for name in table_names:
        if share and rows is not None and rows < share * estimated_rows(session, name):
            continue
        columns = ANALYZED_COLUMNS.get(name)
        listed = f" ({', '.join(columns)})" if columns else ""
        # Table and column names come from code, not from users.
        session.execute(text(f"ANALYZE {name}{listed}"))


def estimated_rows(session: Db, table_name: str) -> float:
    """PostgreSQL's estimate of a table's rows (pg_class.reltuples; -1 before its first
    ANALYZE or VACUUM, which counts as empty)."""
    found = session.execute(
        text("SELECT reltuples FROM pg_class WHERE oid = CAST(:name AS regclass)"),
        {"name": table_name},
    ).scalar()
    return max(float(found or 0), 0.0)


SMALL_CACHE_KIB = 2_000


@contextmanager
def small_page_cache(session: Session, kib: int = SMALL_CACHE_KIB) -> Iterator[None]:
    """On SQLite, a small page cache (`kib`) on the session's connection for a use case
    that reads each page once or seldom (a whole table streamed, then rows picked across
    it): a big cache would only hold memory, 64 MB at a million contacts. The connection's
    own cache is back after. Nothing changes on PostgreSQL, whose cache is the server's."""
    if session.get_bind().dialect.name != "sqlite":
        yield
        return
    connection = session.connection()
    size = connection.exec_driver_sql("PRAGMA cache_size").scalar_one()
    connection.exec_driver_sql(f"PRAGMA cache_size=-{kib}")
    try:
        yield
    finally:
        connection.exec_driver_sql(f"PRAGMA cache_size={int(size)}")
