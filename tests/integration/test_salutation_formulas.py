"""Salutation formulas (L3; BC's Salutation Formula and `Contact.GetSalutation(Formal,
Language Code)`): a letter greets its contact with the formula of the interaction's
language, else with the salutation's own greeting; the formulas are a code table of
`rapport codes` keyed by salutation and language, and go with their salutation; migration
0019 adds the table and takes it away again. On SQLite and PostgreSQL."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from alembic import command
from alembic.config import Config
from sqlalchemy import inspect, select, update

from rapport.cli.main import run
from rapport.errors import Conflict, Invalid, NotFound
from rapport.services.delivery import preview
from rapport.services.delivery import queue as delivery
from rapport.services.setup import codes
from rapport.settings import Settings
from rapport.storage import tables as t
from rapport.storage.db import MIGRATIONS, make_engine
from tests.factories import (
    make_code,
    make_person,
    make_queued_interaction,
    make_salesperson,
    make_segment,
    make_stored_attachment,
)

NOW = dt.datetime(2026, 3, 2, 9, 0, 0)
BODY = b"<p>{{ contact.salutation }},</p>"
SEM, LUC, TOM, ANN, UTE = 10000, 20000, 30000, 40000, 50000


@pytest.fixture
def world(sessions):
    """Salutation MR ("Dear Mr.") with formulas in Dutch ("Geachte heer"), without a language
    ("Hello") and in German with no greeting; the setup's default salutation MR. Segment
    SEG1's lines: Sem (MR, NLB), Luc (MR, FRB: no formula), Tom (MR, no language), Ann (no
    salutation of her own, NLB), Ute (MR, DEU: a blank formula). Logged segment 1 has an
    e-mail to Sem in Dutch and one to Luc in French."""
    with sessions.begin() as session:
        make_salesperson(session, "JO", "Jo Smith")
        make_code(session, t.InteractionGroup, "LETTER")
        session.add(t.InteractionTemplate(code="MAIL", interaction_group_code="LETTER"))
        for language in ("NLB", "FRB", "DEU"):
            make_code(session, t.Language, language)
        session.add(t.Salutation(code="MR", description="Mister", formal_greeting="Dear Mr."))
        session.flush()
        session.add_all(
            t.SalutationFormula(salutation_code="MR", language_code=language, formal_greeting=text)
            for language, text in (("NLB", "Geachte heer"), ("", "Hello"), ("DEU", ""))
        )
        session.execute(update(t.MarketingSetup).values(default_salutation_code="MR"))
        body = make_stored_attachment(session, BODY)
        people = {
            name: make_person(
                session, no, name, email=f"{name.lower()}@example.test", salutation=salutation
            )
            for no, name, salutation in (
                ("P1", "Sem", "MR"),
                ("P2", "Luc", "MR"),
                ("P3", "Tom", "MR"),
                ("P4", "Ann", ""),
                ("P5", "Ute", "MR"),
            )
        }
        email = {"correspondence_type": "email", "attachment_no": body.no, "subject": "Hi"}
        make_segment(
            session,
            "SEG1",
            interaction_template_code="MAIL",
            lines=[
                {"contact": people[name], "language_code": language, **email}
                for name, language in (
                    ("Sem", "NLB"),
                    ("Luc", "FRB"),
                    ("Tom", ""),
                    ("Ann", "NLB"),
                    ("Ute", "DEU"),
                )
            ],
        )
        for name, language in (("Sem", "NLB"), ("Luc", "FRB")):
            make_queued_interaction(
                session, people[name], attachment=body, interaction_language_code=language
            )
    return sessions


def greeting(sessions, line_no: int) -> str:
    return preview.preview_letter(sessions, "SEG1", line_no, settings=Settings()).preview.body


def test_l3_a_letter_greets_with_the_salutation_formula_of_its_language(world):
    assert greeting(world, SEM) == "<p>Geachte heer Sem,</p>"
    # a contact without a salutation takes the setup's default, in the letter's language
    assert greeting(world, ANN) == "<p>Geachte heer Ann,</p>"
    # a letter without a language takes the formula without one
    assert greeting(world, TOM) == "<p>Hello Tom,</p>"


def test_l3_without_a_formula_for_the_language_the_salutations_own_greeting_is_used(world):
    """Business Central stops the merge (Contact Text021); Rapport's letter goes out
    greeting as the salutation does, and the merge of the other lines is unchanged."""
    assert greeting(world, LUC) == "<p>Dear Mr. Luc,</p>"
    assert greeting(world, UTE) == "<p>Dear Mr. Ute,</p>"  # a formula without a greeting


def test_l3_a_delivered_email_greets_in_the_language_of_its_interaction(world, smtp):
    inbox, settings = smtp
    result = delivery.deliver(
        world, logged_segment_entry_no=1, settings=settings, now=NOW, sleep=lambda _: None
    )
    assert (result.sent, result.failed) == (2, 0)
    [sem], [luc] = inbox.to("sem@example.test"), inbox.to("luc@example.test")
    assert "Geachte heer Sem," in str(sem.get_body(("html",)).get_content())
    assert "Dear Mr. Luc," in str(luc.get_body(("html",)).get_content())


def test_a_formula_is_added_changed_and_deleted_as_a_code_by_its_key_fields(world):
    added = codes.add_code(
        world, "salutation_formulas", "mr, frb ", values=[("formal_greeting", "Monsieur")]
    )
    assert added == {
        "code": "MR,FRB",
        "salutation_code": "MR",
        "language_code": "FRB",
        "formal_greeting": "Monsieur",
    }
    assert greeting(world, LUC) == "<p>Monsieur Luc,</p>"
    changed = codes.set_code(
        world, "salutation_formulas", "MR,FRB", values=[("formal_greeting", "Cher Monsieur")]
    )
    assert changed["formal_greeting"] == "Cher Monsieur"
    listed = codes.get_all(world, "salutation_formulas")
    assert listed.columns == ("salutation_code", "language_code", "formal_greeting")
    assert [row["code"] for row in listed.rows] == ["MR", "MR,DEU", "MR,FRB", "MR,NLB"]
    assert codes.get_code(world, "salutation_formulas", "MR").value["formal_greeting"] == "Hello"
    with pytest.raises(Conflict, match="MR,FRB already exists"):
        codes.add_code(world, "salutation_formulas", "MR,FRB")
    with pytest.raises(NotFound, match="'XX'"):  # the key's codes must exist, as on import
        codes.add_code(world, "salutation_formulas", "MR,XX")
    with pytest.raises(NotFound, match="'MRS'"):
        codes.add_code(world, "salutation_formulas", "MRS,NLB")
    with pytest.raises(Invalid, match="more fields"):
        codes.get_code(world, "salutation_formulas", "MR,NLB,X")
    with pytest.raises(Invalid, match="cannot hold a comma"):
        codes.code_of("salutation_formulas", {"salutation_code": "MR,X", "language_code": ""})
    with pytest.raises(Conflict, match="used by 1 salutation_formulas"):
        codes.delete_code(world, "languages", "DEU")
    assert codes.delete_code(world, "salutation_formulas", "MR,FRB")["code"] == "MR,FRB"
    assert greeting(world, LUC) == "<p>Dear Mr. Luc,</p>"


def test_x9_a_code_that_is_not_there_is_said_in_business_centrals_words(world):
    """A code table's row the setup names that is not there, and a key field naming no
    record, say Business Central's sentence: the record's caption and each field of its
    key (a formula's two), as every other missing record says it."""
    with pytest.raises(NotFound) as formula:
        codes.get_code(world, "salutation_formulas", "MR,FRB")
    assert (formula.value.field, formula.value.message) == (
        None,
        "The Salutation Formula does not exist. Identification fields and values: "
        "Salutation Code='MR',Language Code='FRB'",
    )
    with pytest.raises(NotFound) as code:
        codes.set_code(world, "mailing_groups", "nope", values=[("description", "x")])
    assert code.value.message == (
        "The Mailing Group does not exist. Identification fields and values: Code='NOPE'"
    )
    with pytest.raises(NotFound) as key:
        codes.add_code(world, "salutation_formulas", "MR,XX")
    assert (key.value.field, key.value.message) == (
        "language_code",
        "The Language does not exist. Identification fields and values: Code='XX'",
    )


def test_a_salutations_formulas_are_deleted_with_it(world):
    """As Business Central's Salutation.OnDelete deletes its Salutation Formulas; a
    salutation a contact uses is still refused."""
    with pytest.raises(Conflict, match="used by 4 contacts"):
        codes.delete_code(world, "salutations", "MR")
    codes.add_code(world, "salutations", "MS", values=[("formal_greeting", "Dear Ms.")])
    codes.add_code(world, "salutation_formulas", "MS,NLB", values=[("formal_greeting", "Mevrouw")])
    codes.delete_code(world, "salutations", "MS")
    with world() as session:
        formulas = session.scalars(select(t.SalutationFormula.salutation_code)).all()
    assert set(formulas) == {"MR"}


def test_codes_add_set_list_and_delete_a_formula_from_the_command_line(world, database_url, capsys):
    def cli(*args: str) -> tuple[int, object]:
        status = run(["--db", database_url, "--json", "--user", "admin", "codes", *args])
        out, err = capsys.readouterr()
        return status, (json.loads(out) if out.strip() else err)

    table = "salutation_formulas"
    status, added = cli("add", table, "MR,FRB", "formal_greeting=Cher Monsieur")
    assert (status, added["code"], added["formal_greeting"]) == (0, "MR,FRB", "Cher Monsieur")
    status, changed = cli("set", table, "mr,frb", "formal_greeting=Monsieur")
    assert (status, changed["formal_greeting"]) == (0, "Monsieur")
    status, refused = cli("set", table, "MR,FRB", "language_code=NLB")
    assert status == 1
    assert "no field 'language_code' to set" in refused
    status, listed = cli("list", table)
    assert [row["code"] for row in listed] == ["MR", "MR,DEU", "MR,FRB", "MR,NLB"]
    assert cli("delete", table, "MR,FRB")[0] == 0
    assert [row["code"] for row in cli("list", table)[1]] == ["MR", "MR,DEU", "MR,NLB"]


def test_migration_0019_adds_the_salutation_formulas_and_takes_them_away(database_url):
    """Down to 0018 and up again on each engine: the table, its key and its cascade."""
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    engine = make_engine(database_url)
    try:
        with engine.begin() as connection:
            config.attributes["connection"] = connection
            command.downgrade(config, "0018")
            assert not inspect(connection).has_table("salutation_formulas")
            command.upgrade(config, "0019")
            found = inspect(connection)
            assert found.get_pk_constraint("salutation_formulas")["constrained_columns"] == [
                "salutation_code",
                "language_code",
            ]
            [key] = found.get_foreign_keys("salutation_formulas")
            assert (key["referred_table"], key["options"].get("ondelete")) == (
                "salutations",
                "CASCADE",
            )
    finally:
        engine.dispose()
