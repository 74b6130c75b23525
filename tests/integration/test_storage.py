"""The schema migrates on both engines and a new database starts with its setup (SPEC §6.1)."""

from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy import Connection, func, inspect, select, text
from sqlalchemy.schema import CreateIndex

from rapport.storage import schema
from rapport.storage.db import SCHEMA_REVISION, current_revision, make_engine
from rapport.storage.number_series import next_no
from rapport.storage.tables import Base, Campaign, MarketingSetup, Opportunity, SegmentHeader, Task
from tests.conftest import _pg_url


def test_a_new_database_has_every_table_and_the_latest_revision(sessions):
    with sessions() as session:
        bind = session.get_bind()
        tables = set(inspect(bind).get_table_names())
        assert set(Base.metadata.tables) <= tables
        assert current_revision(bind) == SCHEMA_REVISION


def test_a_new_database_starts_with_marketing_setup_and_number_series(sessions):
    with sessions.begin() as session:
        setup = session.scalars(select(MarketingSetup)).one()
        assert (setup.segment_nos, setup.default_language_code) == ("SEG", "")
        assert setup.default_correspondence_type == ""
        seg = SegmentHeader.no
        assert [next_no(session, "SEG", seg) for _ in range(2)] == ["SEG00001", "SEG00002"]
        assert next_no(session, "CAMP", Campaign.no) == "CP00001"
        assert next_no(session, "OPP", Opportunity.no) == "OP00001"
        assert next_no(session, "TASK", Task.no) == "TD00001"


def test_the_migrations_create_exactly_the_tables_of_the_model(sessions):
    """Alembic's comparison of the migrated database with the models finds nothing to add."""
    from alembic.autogenerate import compare_metadata
    from alembic.migration import MigrationContext

    from rapport.storage.tables import Base

    with sessions() as session:
        connection = session.connection()
        dialect = connection.dialect.name

        def for_this_engine(item: Any, _name: Any, kind: str, reflected: bool, _other: Any) -> bool:
            """An index the model declares for the other engine only (`ddl_if`) is not
            expected here."""
            only = getattr(item, "_ddl_if", None)
            return reflected or kind != "index" or only is None or only.dialect == dialect

        opts = {"compare_type": True, "include_object": for_this_engine}
        context = MigrationContext.configure(connection, opts=opts)
        assert compare_metadata(context, Base.metadata) == []


def partial_conditions(connection: Connection) -> tuple[dict[str, str], dict[str, str]]:
    """The condition of each partial index of `contacts`: as the schema compiles it for
    the connection's engine, and as the database keeps it."""
    option = f"{connection.dialect.name}_where"
    declared = {
        str(index.name): str(CreateIndex(index).compile(connection)).partition(" WHERE ")[2]
        for index in schema.contacts.indexes
        if index.info.get(schema.PARTIAL)
    }
    kept = {
        str(index["name"]): str(index["dialect_options"][option])
        for index in inspect(connection).get_indexes("contacts")
        if option in index.get("dialect_options", {})
    }
    return declared, kept


def test_x7_the_partial_indexes_keep_the_conditions_the_schema_declares(sessions):
    """The migrations and the schema agree on the partial indexes' conditions, which
    Alembic's comparison does not look at; the schema writes them in each engine's words
    without the dialects' own options (SPEC §9: start-up)."""
    with sessions() as session:
        declared, kept = partial_conditions(session.connection())
    assert set(declared) == {"ix_contacts_privacy_blocked", "ix_contacts_excluded"}
    assert declared == kept
    sqlite = session.get_bind().dialect.name == "sqlite"
    assert declared["ix_contacts_excluded"] == ("excluded = 1" if sqlite else "excluded")


@pytest.mark.postgres
def test_x10_postgresql_connections_run_without_jit(pg_server):
    """SPEC §9: every connection of Rapport's engine on PostgreSQL runs with JIT
    compilation off (it cost more than it saved on the segment statements), from its first
    statement on and after a transaction rolled back."""
    engine = make_engine(_pg_url(pg_server))
    try:
        with engine.connect() as connection:
            assert connection.scalar(text("SHOW jit")) == "off"
            connection.rollback()
            assert connection.scalar(text("SHOW jit")) == "off"
        with engine.begin() as connection:
            assert connection.scalar(text("SHOW jit")) == "off"
    finally:
        engine.dispose()


@pytest.mark.parametrize("through", ["session", "connection"])
def test_x2_a_reading_transaction_reads_one_snapshot(sessions, through):
    """A use case that only reads sees the database as it was at its first statement: a
    preview's count and its first contacts, or a card's lists, agree with each other even
    when another user commits between two of them (REPEATABLE READ on PostgreSQL; SQLite's
    WAL gives it a snapshot too). A reading transaction after the commit sees it."""
    from rapport.services.contacts.cards import add_contact
    from rapport.storage.db import reading, reading_connection

    count = select(func.count()).select_from(schema.contacts)
    opened = reading(sessions) if through == "session" else reading_connection(sessions)
    with opened as reader:
        before = reader.execute(count).scalar_one()
        add_contact(sessions, fields={"no": "SNAP0001", "name": "Committed meanwhile"})
        assert reader.execute(count).scalar_one() == before
    with reading_connection(sessions) as reader:
        assert reader.execute(count).scalar_one() == before + 1
