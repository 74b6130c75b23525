"""X4 and K4: a bulk insert (an import's first load of contacts, the synthetic contacts of
`rapport demo --contacts N`) marks the contacts it writes in the change sequence as the
row triggers would, though on SQLite it sets those triggers aside and marks the contacts
by one statement: a dynamic segment refreshed after a first load finds every new contact
that qualifies, a registered reader's changes hold them, nothing is recorded while no
segment is dynamic and no reader is registered, and the triggers are there again after
the insert, as they were, whether it succeeded or was refused. On both engines."""

from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy import insert, select, text

from rapport.demo import company, synthetic
from rapport.services.segments import dynamic
from rapport.services.segments import header as segments
from rapport.services.segments.actions import add_contacts
from rapport.services.transfer import imports
from rapport.services.transfer.imports import BadFile
from rapport.storage import schema
from rapport.storage.changes import register_reader
from tests.integration.import_world import write_file

contacts, changes = schema.contacts, schema.contact_changes
HEADER = ["no", "type", "name", "company_no", "country"]
ROWS = [
    ["C01", "company", "Acme", "", "BE"],
    ["P01", "person", "Ann", "C01", "BE"],
    ["P02", "person", "Bob", "C01", "NL"],
    ["C02", "company", "Beta", "", "NL"],
    ["P03", "person", "Cas", "C02", "BE"],
]


def triggers(sessions: Any) -> set[tuple[str, ...]]:
    """The database's triggers: on SQLite each with its SQL, on PostgreSQL with its table."""
    with sessions() as session:
        if session.get_bind().dialect.name == "sqlite":
            query = "SELECT name, sql FROM sqlite_master WHERE type = 'trigger'"
        else:
            query = "SELECT trigger_name, event_object_table FROM information_schema.triggers"
        return {tuple(row) for row in session.execute(text(query))}


def marked(sessions: Any) -> list[str]:
    """The nos. of the contacts in the change sequence, one per mark, sorted."""
    with sessions() as session:
        query = select(contacts.c.no).join(changes, changes.c.contact_id == contacts.c.id)
        return sorted(session.scalars(query))


def countries(sessions: Any) -> None:
    with sessions.begin() as session:
        session.execute(insert(schema.countries), [{"code": "BE"}, {"code": "NL"}])


def first_load(sessions: Any, tmp_path: Any, rows: list[list[str]] = ROWS) -> int:
    path = write_file(tmp_path / "contacts.csv", [HEADER, *rows])
    return imports.import_table(sessions, "contacts", path, by="tester").inserted


def live_segment(sessions: Any, criteria: str) -> str:
    """A dynamic segment of the contacts `criteria` selects, refreshed once (in full)."""
    values = [("dynamic", "true")]
    no = segments.create_segment(sessions, description="Live", user="U", values=values).no
    add_contacts(sessions, no, criteria=criteria, user="U")
    dynamic.refresh(sessions, no, user="U")
    return no


def test_x4_a_dynamic_segment_refreshed_after_a_first_load_finds_its_new_contacts(
    sessions, tmp_path
):
    countries(sessions)
    no = live_segment(sessions, "country = BE")
    before = triggers(sessions)
    assert first_load(sessions, tmp_path) == 5
    assert triggers(sessions) == before
    assert marked(sessions) == ["C01", "C02", "P01", "P02", "P03"]
    result = dynamic.refresh(sessions, no, user="U")
    assert (result.added, result.removed, result.full) == (3, 0, False)
    assert sorted(line.contact_no for line in segments.get_lines(sessions, no)) == [
        "C01",
        "P01",
        "P03",
    ]


def test_x4_imports_mark_their_contacts_for_a_registered_reader(sessions, tmp_path):
    countries(sessions)
    with sessions.begin() as session:
        register_reader(session)
    before = triggers(sessions)
    assert first_load(sessions, tmp_path) == 5
    assert marked(sessions) == ["C01", "C02", "P01", "P02", "P03"]
    with sessions.begin() as session:
        session.execute(changes.delete())
    more = [["C03", "company", "Gamma", "", "NL"], ["P04", "person", "Dee", "C01", "BE"]]
    assert first_load(sessions, tmp_path, more) == 2  # into a table that has rows now
    assert marked(sessions) == ["C03", "P04"]
    assert triggers(sessions) == before


def test_x4_a_first_load_records_nothing_while_nothing_reads_the_changes(sessions, tmp_path):
    countries(sessions)
    before = triggers(sessions)
    assert first_load(sessions, tmp_path) == 5
    assert marked(sessions) == []
    assert triggers(sessions) == before


def test_k4_a_refused_first_load_leaves_the_triggers_and_marks_nothing(sessions, tmp_path):
    countries(sessions)
    segments.create_segment(sessions, description="Live", user="U", values=[("dynamic", "true")])
    before = triggers(sessions)
    with pytest.raises(BadFile):
        first_load(sessions, tmp_path, [*ROWS, ["P04", "person", "Dee", "C01", "XX"]])
    assert triggers(sessions) == before
    assert marked(sessions) == []
    with sessions.begin() as session:  # the triggers mark again
        session.execute(insert(contacts).values(no="P05", name="Eve", type="person"))
    assert marked(sessions) == ["P05"]


@pytest.mark.slow
def test_x4_synthetic_contacts_are_marked_and_the_triggers_come_back(sessions):
    company.load_demo(sessions)
    segments.create_segment(sessions, description="Live", user="U", values=[("dynamic", "true")])
    with sessions.begin() as session:
        session.execute(changes.delete())
        demo = set(session.scalars(select(contacts.c.no)))
    before = triggers(sessions)
    result = synthetic.generate_contacts(sessions, count=200)
    assert triggers(sessions) == before
    with sessions() as session:
        new = set(session.scalars(select(contacts.c.no))) - demo
    assert len(new) == result.contacts == 200
    assert set(marked(sessions)) == new


def test_x4_an_import_of_relations_marks_their_contacts_and_keeps_the_triggers(sessions, tmp_path):
    countries(sessions)
    first_load(sessions, tmp_path)
    with sessions.begin() as session:
        session.execute(insert(schema.mailing_groups), [{"code": "NEWS"}, {"code": "EVENTS"}])
    no = live_segment(sessions, "mailing_group = NEWS")
    before = triggers(sessions)
    rows = [["contact_no", "mailing_group_code"], ["P01", "NEWS"], ["P03", "NEWS"]]
    rows.append(["C02", "EVENTS"])
    path = write_file(tmp_path / "groups.csv", rows)
    assert imports.import_table(sessions, "contact_mailing_groups", path, by="tester").inserted == 3
    assert triggers(sessions) == before
    assert marked(sessions) == ["C02", "P01", "P03"]
    result = dynamic.refresh(sessions, no, user="U")
    assert (result.added, result.full) == (2, False)
