"""X1, issue 11 item 8, on every subject and every text field: a case-insensitive filter
(`@`) compares a stored `str.casefold()` copy, on SQLite as on PostgreSQL — the contacts'
county, e-mail, phone, mobile and job title, a web source's search word, a profile answer,
an interaction log entry's description, subject and contact name, a segment's description
and default subject, a logged segment's and a campaign's description. The copies are kept
by the services, the logging of a segment (inline for a few texts, in batches for many)
and the import; migration 0013 fills them for existing rows. A contact's search name is
its name upper-cased alike by the import and the contact card (BC's Search Name)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

from sqlalchemy import Table, select, text
from sqlalchemy.dialects import sqlite
from sqlalchemy.orm import Session, sessionmaker

from rapport.criteria import CONTACTS, ENTRIES, Criteria
from rapport.criteria.fields import Field, Relation, Subject
from rapport.criteria.subjects import SUBJECTS
from rapport.services.campaigns import cards as campaign_cards
from rapport.services.contacts import cards, relations
from rapport.services.interactions.log import log_segment
from rapport.services.transfer.imports import import_table
from rapport.storage import tables as t
from rapport.storage.folding import INLINE
from tests.factories import build_log_world, make_code, make_person, make_segment

TODAY = dt.date(2026, 3, 15)


def _text_fields(subject: Subject) -> list[tuple[Relation | None, Field]]:
    own: list[tuple[Relation | None, Field]] = [(None, f) for f in subject.fields.values()]
    inner = [(rel, f) for rel in subject.relations.values() for f in rel.fields.values()]
    return [(rel, f) for rel, f in own + inner if f.type.value == "text"]


def _owner(subject: Subject, rel: Relation | None, field: Field) -> Table:
    if rel is None:
        return subject.table
    return rel.lines if rel.lines is not None and field.name == "answer" else rel.table


def test_x1_every_text_field_of_every_subject_has_its_casefolded_copy() -> None:
    """The registry walk: a text field without a copy (or whose `@` still folds through
    lower(), ASCII only on SQLite) fails here, whatever its subject or relation."""
    walked = 0
    for subject in SUBJECTS.values():
        for rel, field in _text_fields(subject):
            where = f"{subject.name} {rel.name + '.' if rel else ''}{field.name}"
            if field.folded_expression is None:
                table = _owner(subject, rel, field)
                assert field.folded in table.c, f"{where} has no casefolded copy"
                assert t.FOLDS[table.name][field.column] == field.folded, where
            leaf = f"{field.name} matches '@é*'"
            criteria = leaf if rel is None else f"{rel.name}({leaf})"
            sql = str(
                Criteria.parse(criteria, subject=subject)
                .condition()
                .compile(dialect=sqlite.dialect())
            )
            assert "lower(" not in sql, f"{where} folds through lower(): {sql}"
            walked += 1
    assert walked >= 17


def _copies_hold(sessions: sessionmaker[Session]) -> None:
    """Every stored copy, in every table that keeps one, is the casefold of its text."""
    with sessions() as session:
        for name, copies in t.FOLDS.items():
            table = t.Base.metadata.tables[name]
            columns = [table.c[c] for c in (*copies, *copies.values())]
            for row in session.execute(select(*columns)):
                half = len(row) // 2
                assert list(row[half:]) == [t.fold(v) for v in row[:half]], (name, row)


def _selected(sessions: sessionmaker[Session], criteria: str, subject: Subject) -> set[Any]:
    parsed = Criteria.parse(criteria, subject=subject)
    with sessions() as session:
        return set(session.scalars(parsed.select_ids(today=TODAY)))


def _contact_nos(sessions: sessionmaker[Session], criteria: str) -> set[str]:
    ids = _selected(sessions, criteria, CONTACTS)
    with sessions() as session:
        return set(session.scalars(select(t.Contact.no).where(t.Contact.id.in_(ids))))


CONTACT_CASES = [
    ("job_title matches '@é*'", {"P1"}),
    ("job_title matches '@*STRASSE*'", {"P2"}),
    ("county matches '@île*'", {"C1", "P1"}),
    ("email matches '@émile@*'", {"P1"}),
    ("phone matches '@*σοφος'", {"P2"}),
    ("mobile matches '@*işık'", {"P1"}),  # I folds to i, the dotless ı stays ı
    ("mobile matches '@*isik'", set()),
    ("web_source(search_word matches '@*ss*')", {"P2"}),
    ("profile(answer matches '@*GROSS*')", {"P1"}),
]


def test_x1_at_folds_every_contact_text_field_and_relation_field(
    sessions: sessionmaker[Session],
) -> None:
    cards.add_contact(sessions, fields={"no": "C1", "name": "Façade NV", "county": "Île-de-France"})
    person = {"type": "person", "company_no": "C1"}
    cards.add_contact(
        sessions,
        fields={"no": "P1", "name": "Émile", **person, "job_title": "Éditeur"}
        | {"email": "Émile@example.com", "mobile": "+90 Işık"},
    )
    cards.add_contact(
        sessions, fields={"no": "P2", "name": "Jan", "type": "person", "county": "Brabant"}
    )
    cards.edit_contact(
        sessions, "P2", fields={"job_title": "Hauptstraße 1", "phone": "ΣΟΦΟΣ"}, by="tester"
    )
    with sessions.begin() as session:
        make_code(session, t.WebSource, "WEB")
        make_code(session, t.ProfileQuestionnaire, "Q1")
        session.add(
            t.ProfileQuestionnaireLine(
                profile_questionnaire_code="Q1", line_no=1, type="answer", description="Große"
            )
        )
    relations.assign(
        sessions, "P2", relation="web_source", code="WEB", values={"search_word": "Maße"}
    )
    relations.assign(sessions, "P1", relation="profile", code="Q1", values={"answer_line": "1"})
    _copies_hold(sessions)
    for criteria, expected in CONTACT_CASES:
        assert _contact_nos(sessions, criteria) == expected, criteria
    # a final sigma (ς) casefolds to the plain one (σ), as the capital Σ does
    assert _contact_nos(sessions, "phone matches '@σοφοσ'") == {"P2"}


def test_x1_at_folds_the_texts_of_segments_logged_segments_entries_and_campaigns(
    sessions: sessionmaker[Session],
) -> None:
    campaign_cards.create_campaign(sessions, description="Été à Ísafjörður")
    with sessions.begin() as session:
        contacts = build_log_world(session)
        emile = make_person(session, "P9", "Émile Maes", company=contacts["ACME"])
        make_segment(
            session,
            "SEG1",
            description="Straße Été",
            subject_default="ΣΟΦΟΣ",
            interaction_template_code="CALL",
            salesperson_code="JO",
            lines=[{"contact": emile, "subject": "Σοφος"}, {"contact": contacts["P1"]}],
        )
    assert _selected(sessions, "description matches '@*strasse*'", SUBJECTS["segments"])
    assert _selected(sessions, "subject_default matches '@σοφοσ'", SUBJECTS["segments"])
    log_segment(sessions, "SEG1", user="ADMIN")
    _copies_hold(sessions)
    entries = SUBJECTS["interaction_log_entries"]
    assert len(_selected(sessions, "description matches '@*été'", entries)) == 2
    assert len(_selected(sessions, "subject matches '@ΣΟΦΟΣ'", entries)) == 1
    assert len(_selected(sessions, "contact_name matches '@émile*'", ENTRIES)) == 1
    assert _selected(sessions, "description matches '@straße*'", SUBJECTS["logged_segments"])
    found = _selected(sessions, "description matches '@été à ísa*'", SUBJECTS["campaigns"])
    assert len(found) == 1


def test_x1_logging_more_texts_than_fold_inline_keeps_every_copy(
    sqlite_sessions: sessionmaker[Session],
) -> None:
    """Lines with more distinct subjects than one CASE folds: the copies are rewritten in
    batches after the insert, each the casefold of its entry's subject."""
    with sqlite_sessions.begin() as session:
        contacts = build_log_world(session)
        people = [make_person(session, f"Q{i}", f"Ölçer {i}") for i in range(INLINE + 1)]
        lines = [{"contact": p, "subject": f"Ärger {i}"} for i, p in enumerate(people)]
        make_segment(
            session,
            "SEG1",
            interaction_template_code="CALL",
            salesperson_code="JO",
            lines=[*lines, {"contact": contacts["P1"]}],
        )
    log_segment(sqlite_sessions, "SEG1", user="ADMIN")
    _copies_hold(sqlite_sessions)
    assert len(_selected(sqlite_sessions, "subject matches '@ärger 1*'", ENTRIES)) == 111


def test_x1_the_import_gives_the_search_name_the_contact_card_gives(
    sessions: sessionmaker[Session], tmp_path: Path
) -> None:
    """BC's Search Name is the name upper-cased: "Émile Straße" gives "ÉMILE STRASSE" from
    the import as from `contacts add`, on both engines (SQL upper() would give "éMILE …"
    on SQLite). The import keeps the copies of every table it writes (campaigns here,
    inserted and updated)."""
    cards.add_contact(sessions, fields={"no": "CLI", "name": "Émile Straße"})
    path = tmp_path / "contacts.csv"
    path.write_text("no,name,job_title\nIMP,Émile Straße,Ölçer\n", encoding="utf-8")
    import_table(sessions, "contacts", path, by="tester")
    with sessions() as session:
        names = dict(session.execute(select(t.Contact.no, t.Contact.search_name)).all())
    assert names == {"CLI": "ÉMILE STRASSE", "IMP": "ÉMILE STRASSE"}
    assert _contact_nos(sessions, "job_title matches '@ÖLÇ*'") == {"IMP"}
    campaigns = tmp_path / "campaigns.csv"
    campaigns.write_text("no,description\nCP1,Été\nCP2,Straße\n", encoding="utf-8")
    import_table(sessions, "campaigns", campaigns, by="tester")
    campaigns.write_text("no,description\nCP2,ΣΟΦΟΣ\n", encoding="utf-8")
    import_table(sessions, "campaigns", campaigns, update=True, by="tester")
    _copies_hold(sessions)
    assert _selected(sessions, "description matches '@été|@σοφος'", SUBJECTS["campaigns"]) == {
        "CP1",
        "CP2",
    }


def test_x1_migration_0013_fills_the_copies_of_existing_rows(old_database: Any) -> None:
    engine = old_database.engine
    with old_database.at("0012") as connection:
        for statement in (
            "INSERT INTO contacts (no, type, name, search_name, job_title, county) "
            "VALUES ('P1', 'person', 'Émile', 'éMILE', 'Éditeur', 'ÎLE'), "
            "('P2', 'person', 'Jan', 'JANSSENS', 'Straße', '')",
            "INSERT INTO web_sources (code) VALUES ('WEB')",
            "INSERT INTO contact_web_sources (contact_id, web_source_code, search_word) "
            "SELECT id, 'WEB', 'Maße' FROM contacts",
            "INSERT INTO campaigns (no, description) VALUES ('CP1', 'Été'), ('CP2', 'ΣΟΦΟΣ')",
        ):
            connection.execute(text(statement))
    old_database.to("0013")
    with engine.connect() as connection:
        contacts = connection.execute(
            text("SELECT search_name, job_title_folded, county_folded FROM contacts ORDER BY no")
        ).all()
        words = connection.scalars(text("SELECT search_word_folded FROM contact_web_sources"))
        campaigns = connection.scalars(text("SELECT description_folded FROM campaigns ORDER BY no"))
        assert [tuple(row) for row in contacts] == [
            ("ÉMILE", "éditeur", "île"),
            ("JANSSENS", "strasse", ""),  # a search name of its own stays
        ]
        assert list(words) == ["masse", "masse"]
        assert list(campaigns) == ["été", "σοφοσ"]


def test_x1_the_demo_and_its_synthetic_contacts_keep_every_copy(
    sqlite_sessions: sessionmaker[Session],
) -> None:
    """The demo company's rows (bulk inserts) and the synthetic workload's interactions
    (an INSERT … SELECT over the templates' descriptions) carry their copies."""
    from rapport.demo import company

    company.load(sqlite_sessions, contacts=300)
    _copies_hold(sqlite_sessions)
    with sqlite_sessions() as session:
        synthetic = select(t.InteractionLogEntry.description_folded).where(
            t.InteractionLogEntry.description_folded != ""
        )
        assert session.execute(synthetic.limit(1)).first() is not None
