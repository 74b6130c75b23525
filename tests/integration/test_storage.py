"""The schema migrates on both engines and a new database starts with its setup (SPEC §6.1)."""

from __future__ import annotations

from sqlalchemy import inspect, select

from rapport.storage.db import SCHEMA_REVISION, current_revision
from rapport.storage.number_series import next_no
from rapport.storage.tables import Base, Campaign, MarketingSetup, Opportunity, SegmentHeader, Task


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
        context = MigrationContext.configure(session.connection(), opts={"compare_type": True})
        assert compare_metadata(context, Base.metadata) == []
