"""A segment line's segment and contact are kept right by the services, not by foreign keys
(migration 0015, issue 15): the keys' per-row checks were most of a large add on
PostgreSQL. The migration keeps every line and the line indexes; the lines' deletions that
the keys used to cascade are the services' (tests/integration/test_segment_delete.py,
test_contacts.py)."""

from __future__ import annotations

from sqlalchemy import inspect, text

from rapport.storage.db import is_postgresql

MARKED = ("segment_id", "removed_action", "contact_id")  # SQLite's index by segment


def test_s6_segment_lines_carry_no_foreign_keys_on_either_engine(sessions):
    """No keys; the removal mark is indexed on SQLite only (migration 0017), and PostgreSQL
    leaves room on the lines' pages for a marked line's new version."""
    with sessions() as session:
        connection = session.connection()
        found = inspect(connection)
        assert found.get_foreign_keys("segment_lines") == []
        postgresql = is_postgresql(connection)
        by_segment = ("segment_id", "contact_id") if postgresql else MARKED
        assert {tuple(index["column_names"]) for index in found.get_indexes("segment_lines")} == {
            by_segment,
            ("contact_id", "segment_id"),
            ("segment_id", "line_no"),
        }
        if postgresql:
            options = "SELECT reloptions FROM pg_class WHERE relname = 'segment_lines'"
            assert connection.execute(text(options)).scalar() == ["fillfactor=70"]


def test_s6_migration_0015_keeps_every_line(old_database):
    engine = old_database.engine
    rows = "SELECT segment_id, line_no, contact_id, description, removed_action FROM segment_lines"
    with old_database.at("0014") as connection:
        for statement in (
            "INSERT INTO contacts (no, type, name, search_name) VALUES"
            " ('P1', 'person', 'Ann', 'ANN'), ('P2', 'person', 'Bo', 'BO')",
            "INSERT INTO segment_headers (no, description) VALUES ('SEG1', 'Spring')",
            "INSERT INTO segment_lines (segment_id, line_no, contact_id, description,"
            " added_action, removed_action) SELECT h.id, 10000 * c.id, c.id, 'Spring', 1,"
            " CASE WHEN c.no = 'P2' THEN 2 END FROM segment_headers h, contacts c",
        ):
            connection.execute(text(statement))
        before = connection.execute(text(rows + " ORDER BY line_no")).all()
        assert inspect(connection).get_foreign_keys("segment_lines")
    old_database.to("0015")
    with engine.connect() as connection:
        assert connection.execute(text(rows + " ORDER BY line_no")).all() == before
        assert len(before) == 2
        assert inspect(connection).get_foreign_keys("segment_lines") == []
        assert len(inspect(connection).get_indexes("segment_lines")) == 3
