"""X1, issue 11 item 8: a case-insensitive filter (`@`) folds Unicode the same on SQLite as
on PostgreSQL: `name matches '@é*'` finds "Émile" on both, through the indexed casefolded
copies of the contact's text fields. Every write keeps the copies: the contact services
(add, edit, a company's new name reaching its persons), the import (set-based, persons of a
company in the same file or already stored) and the demo; migration 0006 fills them for
the contacts of an existing database."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import select, text
from sqlalchemy.orm import Session, sessionmaker

from rapport.criteria import Criteria
from rapport.demo.company import load_demo
from rapport.services.contacts import cards
from rapport.services.transfer.imports import import_table
from rapport.storage import tables as t

CASES = [
    ("name matches '@é*'", ["P1"]),
    ("name matches '@ÉMILE*'", ["P1"]),
    ("name matches '@*STRASSE*'", ["P2"]),
    ("name matches 'é*'", []),
    ("company_name matches '@*ÇA*'", ["C1", "P1", "P2"]),
    ("city matches '@łódź'", ["P2"]),
    ("city matches '@gent|@ŁÓDŹ'", ["C1", "P1", "P2"]),
    ("name matches '@émile..émilf'", ["P1"]),
]


def _copies_hold(sessions: sessionmaker[Session]) -> None:
    """Every contact's copies are the casefold of its fields."""
    columns = [t.Contact.no, *(getattr(t.Contact, n) for n in (*t.FOLDED, *t.FOLDED.values()))]
    with sessions() as session:
        for no, *values in session.execute(select(*columns)):
            half = len(values) // 2
            assert values[half:] == [t.fold(value) for value in values[:half]], no


def _selected(sessions: sessionmaker[Session], criteria: str) -> list[str]:
    query = select(t.Contact.no).where(Criteria.parse(criteria).condition()).order_by("no")
    with sessions() as session:
        return list(session.scalars(query))


def test_x1_at_folds_unicode_on_both_engines_through_the_service_path(
    sessions: sessionmaker[Session],
) -> None:
    cards.add_contact(sessions, fields={"no": "C1", "name": "Façade BV", "city": "gent"})
    cards.add_contact(
        sessions, fields={"no": "P1", "name": "émile", "type": "person", "company_no": "C1"}
    )
    cards.add_contact(
        sessions, fields={"no": "P2", "name": "Jan Hauptstraße", "type": "person", "city": "x"}
    )
    cards.edit_contact(
        sessions, "P1", fields={"name": "Émile Peeters", "city": "Gent"}, by="tester"
    )
    cards.edit_contact(sessions, "P2", fields={"company_no": "C1", "city": "Łódź"}, by="tester")
    cards.edit_contact(
        sessions, "C1", fields={"name": "Façade NV"}, by="tester"
    )  # reaches its persons
    _copies_hold(sessions)
    for criteria, expected in CASES:
        assert _selected(sessions, criteria) == expected, criteria


def test_x1_the_import_keeps_the_copies_set_based(
    sessions: sessionmaker[Session], tmp_path: Path
) -> None:
    cards.add_contact(sessions, fields={"no": "OLD", "name": "Ökonomie GmbH"})
    path = tmp_path / "contacts.csv"
    path.write_text(
        "no,type,name,company_no,city\n"
        "C1,company,Façade NV,,Gent\n"
        "P1,person,Émile Peeters,C1,gent\n"
        "P2,person,Jan Hauptstraße,OLD,Łódź\n",
        encoding="utf-8",
    )
    import_table(sessions, "contacts", path, by="tester")
    _copies_hold(sessions)
    assert _selected(sessions, "company_name matches '@ök*'") == ["OLD", "P2"]
    assert _selected(sessions, "name matches '@é*' and company_name matches '@FAÇ*'") == ["P1"]
    path.write_text("no,name\nOLD,Über AG\n", encoding="utf-8")
    import_table(sessions, "contacts", path, update=True, by="tester")
    _copies_hold(sessions)
    assert _selected(sessions, "company_name matches '@über*'") == ["OLD", "P2"]


def test_x1_the_demo_keeps_the_copies(sessions: sessionmaker[Session]) -> None:
    load_demo(sessions)
    _copies_hold(sessions)


def test_x1_migration_0006_fills_the_copies_of_existing_contacts(old_database) -> None:
    engine = old_database.engine
    with old_database.at("0005") as connection:
        connection.execute(
            text(
                "INSERT INTO contacts (no, type, name, company_name, city) "
                "VALUES ('P1', 'person', 'Émile', 'Ça', 'X')"
            )
        )
    old_database.to("0006")
    with engine.connect() as connection:
        row = connection.execute(
            text("SELECT name_folded, company_name_folded, city_folded FROM contacts")
        ).one()
    assert tuple(row) == ("émile", "ça", "x")
