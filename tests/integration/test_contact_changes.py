"""The change sequence (X4): every write path marks the contacts it changes — nothing can
bypass it because database triggers keep it. The table of triggers is checked against the
criteria registry (a new relation without triggers fails here), and each path of the product
that changes what the criteria read is shown to mark its contacts: the contact card (CLI and
API call it), relations, opt-outs, profile answers and their texts, imports, logged
interactions, and plain SQL. Nothing is recorded while no segment is dynamic."""

from __future__ import annotations

import pytest
from sqlalchemy import inspect, select, text, update

from rapport.criteria.fields import RELATIONS
from rapport.services.contacts import cards, consent, relations
from rapport.services.interactions.log import log_segment
from rapport.services.segments import header as segments
from rapport.services.segments.actions import add_contacts
from rapport.services.transfer import imports
from rapport.settings import Settings
from rapport.storage import tables as t
from tests.factories import make_profile_answer
from tests.integration.import_world import from_dicts
from tests.integration.segment_world import build_world


@pytest.fixture
def world(sessions):
    with sessions.begin() as session:
        build_world(session)
    segments.create_segment(sessions, description="Live", user="U", values=[("dynamic", "true")])
    return sessions


def marked(sessions) -> set[str]:
    """The nos. of the contacts marked so far (and forget them)."""
    changes, contacts = t.ContactChange.__table__, t.Contact.__table__
    with sessions.begin() as session:
        found = set(
            session.scalars(
                select(contacts.c.no).join(changes, changes.c.contact_id == contacts.c.id)
            )
        )
        session.execute(changes.delete())
    return found


def test_x4_every_table_the_criteria_read_has_its_change_triggers(sessions):
    watched = {"contacts", "profile_questionnaire_lines"} | {
        relation.table.name for relation in RELATIONS.values()
    }
    with sessions.begin() as session:
        if session.get_bind().dialect.name == "sqlite":
            rows = session.execute(
                text("SELECT tbl_name, name FROM sqlite_master WHERE type = 'trigger'")
            )
        else:
            rows = session.execute(
                text("SELECT event_object_table, trigger_name FROM information_schema.triggers")
            )
        triggers = {(table, name) for table, name in rows}
    tables = set(inspect(sessions.kw["bind"]).get_table_names())
    assert watched <= tables
    for table in watched - {"profile_questionnaire_lines"}:
        for event in ("insert", "update", "delete"):
            assert (table, f"{table}_mark_{event}") in triggers, (table, event)
    assert ("profile_questionnaire_lines", "profile_questionnaire_lines_mark_update") in triggers


def test_x4_the_contact_card_marks_the_contact_and_the_persons_it_reaches(world):
    marked(world)
    cards.edit_contact(world, "P6", fields={"country": "NL"}, by="tester")
    assert marked(world) == {"P6"}
    cards.edit_contact(world, "ACME", fields={"name": "Acme Two"}, by="tester")
    assert {"ACME", "P1", "P2"} <= marked(world)
    cards.add_contact(world, fields={"no": "P9", "name": "New", "type": "person"})
    assert marked(world) == {"P9"}


def test_x4_relations_opt_outs_and_profile_answers_mark_their_contact(world):
    marked(world)
    relations.assign(world, "P2", relation="mailing_group", code="NEWSLETTER")
    relations.unassign(world, "P1", relation="mailing_group", code="NEWSLETTER")
    assert marked(world) == {"P1", "P2"}
    relations.assign(world, "BETA", relation="industry_group", code="RETAIL")
    assert marked(world) == {"BETA"}
    consent.opt_out(world, "P3", correspondence_type="email", by="tester")
    assert marked(world) == {"P3"}
    consent.opt_in(world, "P3", correspondence_type="email", by="tester")
    assert marked(world) == {"P3"}


def test_x4_an_answer_text_changed_marks_the_contacts_holding_it(world):
    with world.begin() as session:
        ann = session.scalars(select(t.Contact).where(t.Contact.no == "P1")).one()
        answer = make_profile_answer(session, ann, "SIZE", 10000)
    marked(world)
    lines = t.ProfileQuestionnaireLine.__table__
    with world.begin() as session:
        session.execute(
            update(lines)
            .where(
                lines.c.profile_questionnaire_code == answer.profile_questionnaire_code,
                lines.c.line_no == answer.line_no,
            )
            .values(description="Renamed answer")
        )
    assert marked(world) == {"P1"}


def test_x4_an_import_marks_the_contacts_it_writes(world, tmp_path):
    marked(world)
    rows = [
        {"no": "C77", "type": "company", "name": "Seven"},
        {"no": "P77", "type": "person", "name": "Ann Seven", "company_no": "C77"},
    ]
    imports.import_table(world, "contacts", from_dicts(tmp_path / "c.csv", rows), by="tester")
    assert marked(world) == {"C77", "P77"}


def test_x4_logging_marks_the_contacts_given_an_interaction(world):
    values = [("interaction_template_code", "ABSTRACT"), ("salesperson_code", "JO")]
    no = segments.create_segment(world, description="Mail", user="U", values=values).no
    add_contacts(world, no, criteria="no in (P1, P6)", user="U")
    marked(world)
    log_segment(world, no, user="U", settings=Settings())
    assert marked(world) == {"P1", "P6"}


def test_x4_nothing_is_recorded_while_no_segment_is_dynamic(sessions):
    with sessions.begin() as session:
        build_world(session)
    cards.edit_contact(sessions, "P6", fields={"country": "NL"}, by="tester")
    assert marked(sessions) == set()
