"""Planner statistics of segment lines on PostgreSQL (SPEC §9): refreshed when many lines
come on a segment (an add, an undo that restores removed lines), not when lines only leave
it (a reduce, an undo of an add): stale statistics that overestimate a segment plan safely,
and ANALYZE was most of an undo of a 500k-line add."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from sqlalchemy import text
from sqlalchemy.orm import Session

from rapport.services.segments.actions import AddOptions, add_contacts, reduce
from rapport.services.segments.header import create_segment
from rapport.services.segments.history import go_back
from rapport.storage.db import Sessions, open_database
from tests.conftest import _pg_url

CONTACTS = 24_000
USER = "STATS"


@pytest.fixture
def big(pg_server: str) -> Iterator[Sessions]:
    sessions = open_database(_pg_url(pg_server))
    with sessions.begin() as session:
        # Autovacuum would refresh the statistics on its own schedule.
        session.execute(text("ALTER TABLE segment_lines SET (autovacuum_enabled = false)"))
        session.execute(
            text(
                "INSERT INTO contacts (no, type) SELECT 'ST' || lpad(g::text, 6, '0'), 'person'"
                " FROM generate_series(1, :n) g"
            ),
            {"n": CONTACTS},
        )
    yield sessions
    sessions.kw["bind"].dispose()


def statistics(session: Session) -> tuple[float, float]:
    """segment_lines' row count and share of active lines, as the planner last saw them."""
    rows = session.execute(
        text("SELECT reltuples FROM pg_class WHERE relname = 'segment_lines'")
    ).scalar_one()
    active = session.execute(
        text(
            "SELECT null_frac FROM pg_stats"
            " WHERE tablename = 'segment_lines' AND attname = 'removed_action'"
        )
    ).scalar_one()
    return float(rows), float(active)


@pytest.mark.postgres
def test_s9_lines_coming_on_refresh_the_statistics_lines_leaving_do_not(big: Sessions) -> None:
    no = create_segment(big, description="Statistics", user=USER).no
    every = AddOptions(ignore_exclusion=True)
    add_contacts(big, no, criteria="no matches 'ST*'", options=every, user=USER)
    with big.begin() as session:
        assert statistics(session) == (CONTACTS, 1.0)  # the add analyzed

    reduce(big, no, criteria="no matches '..ST012000'", user=USER)
    with big.begin() as session:
        assert statistics(session) == (CONTACTS, 1.0)  # half left: not analyzed
        session.execute(text("ANALYZE segment_lines"))
        assert statistics(session)[1] == pytest.approx(0.5, abs=0.05)

    go_back(big, no, user=USER)  # the reduce undone: its lines come back
    with big.begin() as session:
        assert statistics(session) == (CONTACTS, 1.0)

    go_back(big, no, to=0, user=USER)  # the add undone: every line leaves
    with big.begin() as session:
        assert statistics(session)[0] == CONTACTS  # not analyzed
        assert session.execute(text("SELECT count(*) FROM segment_lines")).scalar_one() == 0
