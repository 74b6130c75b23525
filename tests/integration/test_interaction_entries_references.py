"""An interaction log entry's contact is kept right by the services, not by a foreign key
(migration 0016, issue 15): the key's per-row check was a large part of a log. A contact
with entries still cannot be deleted (tests/integration/test_contacts.py); the migration
keeps every entry, every delivery (whose cascade the SQLite rebuild would otherwise fire)
and the entries' change triggers."""

from __future__ import annotations

from sqlalchemy import inspect, text

ENTRY_INDEXES = {
    ("contact_id", "date"),
    ("logged_segment_entry_no", "contact_id"),
    ("campaign_no", "campaign_entry_no"),
    ("interaction_template_code", "date"),
}


def test_l2_interaction_log_entries_carry_no_contact_key_on_either_engine(sessions):
    with sessions() as session:
        found = inspect(session.connection())
        assert found.get_foreign_keys("interaction_log_entries") == []
        indexes = found.get_indexes("interaction_log_entries")
        assert {tuple(index["column_names"]) for index in indexes} == ENTRY_INDEXES
        assert [key["referred_table"] for key in found.get_foreign_keys("deliveries")] == [
            "interaction_log_entries"
        ]


SETUP = (
    "INSERT INTO contacts (no, type, name, search_name) VALUES"
    " ('P1', 'person', 'Ann', 'ANN'), ('P2', 'person', 'Bo', 'BO')",
    "INSERT INTO interaction_log_entries (entry_no, contact_id, description, subject)"
    " SELECT 10 * id, id, 'Spring ' || no, 'Hello' FROM contacts",
    "INSERT INTO deliveries (entry_no, channel, recipient, status, attempts)"
    " SELECT entry_no, 'email', 'x@example.com', 'failed', 2 FROM interaction_log_entries",
)
ENTRIES = "SELECT * FROM interaction_log_entries ORDER BY entry_no"
DELIVERIES = "SELECT * FROM deliveries ORDER BY entry_no"
TRIGGERS = (
    "SELECT name, sql FROM sqlite_master WHERE type = 'trigger'"
    " AND tbl_name = 'interaction_log_entries' ORDER BY name"
)


def test_l2_migration_0016_keeps_every_entry_delivery_and_trigger(old_database):
    engine = old_database.engine
    old_database.to("0015")
    with engine.begin() as connection:
        for statement in SETUP:
            connection.execute(text(statement))
        before = [connection.execute(text(q)).all() for q in (ENTRIES, DELIVERIES, TRIGGERS)]
        assert inspect(connection).get_foreign_keys("interaction_log_entries")
    assert [len(rows) for rows in before] == [2, 2, 3]
    old_database.to("0016")
    with engine.connect() as connection:
        after = [connection.execute(text(q)).all() for q in (ENTRIES, DELIVERIES, TRIGGERS)]
        assert after == before
        found = inspect(connection)
        assert found.get_foreign_keys("interaction_log_entries") == []
        indexes = found.get_indexes("interaction_log_entries")
        assert {tuple(index["column_names"]) for index in indexes} == ENTRY_INDEXES
        assert connection.execute(text("PRAGMA foreign_key_check")).all() == []
    with engine.begin() as connection:  # the triggers still record a change
        connection.execute(
            text("INSERT INTO change_readers (watermark, seen_at) VALUES (0, '2026-12-05')")
        )
        connection.execute(
            text("UPDATE interaction_log_entries SET description = 'x' WHERE entry_no = 10")
        )
        marked = connection.execute(text("SELECT contact_id FROM contact_changes")).scalars()
        assert list(marked) == [1]
    old_database.to("0015", down=True)  # and back: the key again, nothing lost
    with engine.connect() as connection:
        again = [connection.execute(text(q)).all() for q in (ENTRIES, DELIVERIES, TRIGGERS)]
        assert [len(rows) for rows in again] == [2, 2, 3]
        assert again[1:] == before[1:]
        assert inspect(connection).get_foreign_keys("interaction_log_entries")
