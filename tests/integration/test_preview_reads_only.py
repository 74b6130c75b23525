"""X2 previews and read-only use cases take no write lock: on SQLite they run while another
connection holds it (a writer's BEGIN IMMEDIATE), so a preview never waits for a long log
or import, and never holds one up."""

from __future__ import annotations

import sqlite3
import time

from rapport.services.segments import header as segments
from rapport.services.segments.actions import add_contacts, reduce, refine
from rapport.services.segments.explain import explain
from rapport.services.segments.history import criteria
from tests.integration.segment_world import build_world


def test_x2_previews_and_reads_run_while_another_connection_holds_the_write_lock(
    sqlite_sessions, sqlite_url
):
    with sqlite_sessions.begin() as session:
        build_world(session)
    no = segments.create_segment(sqlite_sessions, description="Mailing", user="ADMIN").no
    add_contacts(sqlite_sessions, no, criteria="country = BE", user="ADMIN")
    writer = sqlite3.connect(sqlite_url.removeprefix("sqlite:///"), isolation_level=None)
    writer.execute("PRAGMA busy_timeout=0")
    writer.execute("BEGIN IMMEDIATE")
    try:
        started = time.monotonic()
        added = add_contacts(sqlite_sessions, no, criteria="type = person", user="A", preview=True)
        reduced = reduce(sqlite_sessions, no, criteria="no = P1", user="A", preview=True)
        refined = refine(sqlite_sessions, no, criteria="no = P1", user="A", preview=True)
        header = segments.get(sqlite_sessions, no)
        lines = list(segments.get_lines(sqlite_sessions, no))
        actions = criteria(sqlite_sessions, no)
        why = explain(sqlite_sessions, no, "P1")
        # The connection's busy timeout is 30 s: a use case that wanted the lock would wait.
        assert time.monotonic() - started < 10
    finally:
        writer.execute("ROLLBACK")
        writer.close()
    assert (added.preview, reduced.preview, refined.preview) == (True, True, True)
    assert reduced.removed == 1
    assert refined.removed == header.no_of_lines - 1
    assert len(lines) == header.no_of_lines
    assert len(actions) == 1
    assert why.on_segment
