"""Planner statistics after a bulk write (SPEC §9, L2): on PostgreSQL a table is analyzed
when the rows written make a tenth or more of it, and left to autovacuum otherwise (a log
of 100,000 lines into 3,000,000 entries spent more on ANALYZE than on its checks)."""

from __future__ import annotations

import pytest
from sqlalchemy import text
from sqlalchemy.orm import Session

from rapport.storage.db import analyze, make_engine
from tests.conftest import _pg_url


def reltuples(session: Session) -> float:
    return float(
        session.execute(text("SELECT reltuples FROM pg_class WHERE relname = 'scratch'")).scalar()
        or 0
    )


@pytest.mark.postgres
def test_s9_a_table_is_analyzed_only_when_the_rows_written_are_a_tenth_of_it(pg_server):
    engine = make_engine(_pg_url(pg_server))
    try:
        with Session(engine) as session, session.begin():
            session.execute(text("CREATE TEMPORARY TABLE scratch (x integer)"))
            session.execute(text("INSERT INTO scratch SELECT generate_series(1, 150000)"))
            session.execute(text("ANALYZE scratch"))
            assert reltuples(session) == 150_000
            session.execute(text("INSERT INTO scratch SELECT generate_series(1, 30000)"))
            analyze(session, "scratch", rows=14_999, share=0.1)
            assert reltuples(session) == 150_000  # under a tenth: left as it was
            analyze(session, "scratch", rows=15_000, share=0.1)
            assert reltuples(session) == 180_000
            session.execute(text("INSERT INTO scratch SELECT generate_series(1, 20000)"))
            analyze(session, "scratch", rows=9_999)  # under BULK_ROWS, whatever the share
            assert reltuples(session) == 180_000
            analyze(session, "scratch", rows=10_000)  # no share given: every bulk change
            assert reltuples(session) == 200_000
    finally:
        engine.dispose()
