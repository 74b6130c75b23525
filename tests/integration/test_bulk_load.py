"""Bulk loads (`storage.bulk`; K4's first load, SPEC §9's synthetic contacts): the tables
they fill get their secondary indexes, and on PostgreSQL their foreign keys, after the
rows, in the load's own transaction. Afterwards the database has every index and key it
had before, on both engines; a load that breaks a key is refused and changes nothing."""

from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy import func, insert, inspect, select
from sqlalchemy.exc import IntegrityError

from rapport.cli.main import run
from rapport.demo import company, synthetic
from rapport.demo.bulk import TABLES
from rapport.storage.bulk import built_after
from rapport.storage.db import Sessions


def schema_of(sessions: Sessions, names: tuple[str, ...]) -> dict[str, Any]:
    """Each table's indexes (with their partial conditions) and foreign keys, as the
    database has them."""
    with sessions.begin() as session:
        found = inspect(session.connection())
        return {
            name: (
                sorted(
                    (ix["name"], ix["column_names"], ix["unique"], _options(ix))
                    for ix in found.get_indexes(name)
                ),
                sorted(
                    (key["name"], key["constrained_columns"], key["referred_table"])
                    for key in found.get_foreign_keys(name)
                ),
            )
            for name in names
        }


def _options(index: Any) -> dict[str, str]:
    """An index's dialect options (a partial index's condition) as text."""
    return {key: str(value) for key, value in index.get("dialect_options", {}).items()}


def test_k1_synthetic_contacts_that_double_the_contacts_leave_every_index_and_key(sessions):
    """SPEC §9: 300 synthetic contacts on the demo's 260 are a bulk load (the indexes and
    keys of the tables they fill built after the rows), 100 more on 560 are not; after
    either, the tables have the indexes and keys they had, and the keys hold."""
    company.load_demo(sessions)
    before = schema_of(sessions, synthetic.SYNTHETIC_TABLES)
    assert any(indexes for indexes, _ in before.values())
    for count in (300, 100):
        company.load(sessions, contacts=count)
        assert schema_of(sessions, synthetic.SYNTHETIC_TABLES) == before, count
    groups = TABLES["contact_mailing_groups"]
    with pytest.raises(IntegrityError), sessions.begin() as session:
        session.execute(insert(groups).values(contact_id=999_999, mailing_group_code="NEWS"))


def test_k4_a_bulk_load_that_breaks_a_foreign_key_is_refused_and_changes_nothing(sessions):
    """A row naming no contact: SQLite refuses it as it goes in, PostgreSQL when the key
    is added again after the load; either way the transaction rolls back, with the drop
    of the indexes and keys."""
    company.load_demo(sessions)
    groups = TABLES["contact_mailing_groups"]
    names = ("contacts", "contact_mailing_groups")
    before = schema_of(sessions, names)
    with sessions.begin() as session:
        rows = session.execute(select(func.count()).select_from(groups)).scalar_one()
    tables = [TABLES[name] for name in names]
    with (
        pytest.raises(IntegrityError),
        sessions.begin() as session,
        built_after(session, tables),
    ):
        session.execute(insert(groups).values(contact_id=999_999, mailing_group_code="NEWS"))
    assert schema_of(sessions, names) == before
    with sessions.begin() as session:
        assert session.execute(select(func.count()).select_from(groups)).scalar_one() == rows


def test_k1_the_demo_command_says_when_it_builds_the_indexes(sqlite_url, capsys):
    """`rapport demo --contacts N` reports the build after its last chunk, which takes a
    while at a million contacts (38 s of a 163 s run on SQLite), and only when it builds."""
    assert run(["--db", sqlite_url, "demo", "--contacts", "300"]) == 0
    assert "building the indexes of the synthetic contacts" in capsys.readouterr().err
    assert run(["--db", sqlite_url, "demo", "--contacts", "100"]) == 0
    assert "building the indexes" not in capsys.readouterr().err
