"""K4: an import's staging table lives as long as the import: after a good import, a bad
one (nothing imported) and an update, no connection of the pool holds it (on SQLite the
import's connection leaves with it instead of dropping a million rows page by page), and
the next import stages afresh."""

from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy import func, select, text

from rapport.services.transfer import imports
from rapport.services.transfer.imports import BadFile
from rapport.storage import schema
from tests.integration.import_world import write_file

STAGING = "import_staging"


def staging_tables(sessions: Any) -> list[int]:
    """For every connection the pool holds, how many staging tables it sees (all checked
    out at once, so each is a different connection)."""
    engine = sessions.kw["bind"]
    held = [engine.connect() for _ in range(max(engine.pool.checkedin(), 1))]
    try:
        if engine.dialect.name == "sqlite":
            query = text("SELECT count(*) FROM sqlite_temp_master WHERE name = :name")
        else:
            query = text("SELECT count(*) FROM pg_tables WHERE tablename = :name")
        return [int(connection.scalar(query, {"name": STAGING}) or 0) for connection in held]
    finally:
        for connection in held:
            connection.close()


def contacts_file(tmp_path: Any, name: str, rows: list[list[str]]) -> Any:
    return write_file(tmp_path / name, [["no", "type", "name"], *rows])


def count_contacts(sessions: Any) -> int:
    with sessions() as session:
        return int(session.scalar(select(func.count()).select_from(schema.contacts)) or 0)


def test_k4_no_connection_keeps_the_staging_table_after_an_import(sessions, tmp_path):
    before = count_contacts(sessions)
    good = contacts_file(tmp_path, "good.csv", [["ST1", "company", "Staged One"]])
    assert imports.import_table(sessions, "contacts", good, by="tester").inserted == 1
    assert set(staging_tables(sessions)) == {0}

    bad = contacts_file(
        tmp_path, "bad.csv", [["ST2", "company", "Staged Two"], ["ST3", "persoon", "Bad"]]
    )
    with pytest.raises(BadFile):
        imports.import_table(sessions, "contacts", bad, by="tester")
    assert set(staging_tables(sessions)) == {0}
    assert count_contacts(sessions) == before + 1

    renamed = contacts_file(tmp_path, "renamed.csv", [["ST1", "company", "Staged Again"]])
    assert (
        imports.import_table(sessions, "contacts", renamed, update=True, by="tester").updated == 1
    )
    assert set(staging_tables(sessions)) == {0}
    with sessions() as session:
        name = session.scalar(select(schema.contacts.c.name).where(schema.contacts.c.no == "ST1"))
        assert name == "Staged Again"
