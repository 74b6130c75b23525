"""K2 in K4: `rapport import contact_profile_answers` keeps one answer per contact to a
question whose Multiple Answers is off, as the service and Business Central do. A file that
answers such a question twice for a contact is refused on the later line; a row whose
contact gave another answer in the database is refused naming it (as a row whose key exists
is), and with update it replaces that answer; a question with multiple answers takes
several. A file with one bad row changes nothing."""

from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy import select

from rapport.domain.rules import ONE_ANSWER
from rapport.services.contacts import profiles
from rapport.services.transfer import imports
from rapport.services.transfer._bad_rows import BadRow
from rapport.storage import tables as t
from rapport.storage.profile_questions import answer_questions
from tests.factories import make_person
from tests.integration.import_world import build_world, write_file

HEADER = ["contact_no", "profile_questionnaire_code", "line_no"]
# CUSTOMER (import_world): 10 Size (one answer) → 20, 30; 40 Topics (multiple) → 50, 60
LINES = [
    (30, "answer", False),
    (40, "question", True),
    (50, "answer", False),
    (60, "answer", False),
]


@pytest.fixture
def world(sessions: Any) -> Any:
    with sessions.begin() as session:
        build_world(session)
        company = session.scalars(select(t.Contact).where(t.Contact.no == "C1")).one()
        make_person(session, "P2", "Bob", company=company)
        session.add_all(
            t.ProfileQuestionnaireLine(
                profile_questionnaire_code="CUSTOMER",
                line_no=no,
                type=kind,
                description=f"line {no}",
                multiple_answers=multiple,
            )
            for no, kind, multiple in LINES
        )
    return sessions


def answers(sessions: Any) -> list[tuple[str, str, int]]:
    """Every contact's answers: (contact no., questionnaire, line)."""
    given = t.ContactProfileAnswer
    with sessions.begin() as session:
        rows = session.execute(
            select(t.Contact.no, given.profile_questionnaire_code, given.line_no).join(
                t.Contact, t.Contact.id == given.contact_id
            )
        ).all()
    return sorted((no, code, line) for no, code, line in rows)


def answer_file(tmp_path: Any, *rows: tuple[str, int]) -> Any:
    cells = [[no, "CUSTOMER", str(line)] for no, line in rows]
    return write_file(tmp_path / "answers.csv", [HEADER, *cells])


def test_k2_k4_two_answers_to_a_one_answer_question_in_a_file_are_refused(world, tmp_path):
    path = answer_file(tmp_path, ("P1", 20), ("P2", 20), ("P1", 30), ("P2", 50))
    with pytest.raises(imports.BadFile) as raised:
        imports.import_table(world, "contact_profile_answers", path, by="tester")
    assert raised.value.bad_rows == (
        BadRow(4, "line_no", ONE_ANSWER.in_file("P1", "CUSTOMER", 10, 2)),
    )
    assert str(raised.value.bad_rows[0]) == (
        "line 4, column line_no: contact P1 answers question 10 of Profile Questionnaire "
        "CUSTOMER on line 2 already, and that question takes one answer"
    )
    assert answers(world) == []


def test_k2_k4_each_later_answer_names_the_first_line_and_a_repeated_one_is_a_repeated_key(
    world, tmp_path
):
    path = answer_file(tmp_path, ("P1", 30), ("P1", 20), ("P1", 30), ("P1", 20))
    with pytest.raises(imports.BadFile) as raised:
        imports.import_table(world, "contact_profile_answers", path, by="tester")
    assert [(bad.line, bad.column, str(bad.reason)) for bad in raised.value.bad_rows] == [
        (3, "line_no", str(ONE_ANSWER.in_file("P1", "CUSTOMER", 10, 2))),
        (4, "contact_no", "the same contact_no, profile_questionnaire_code, line_no as line 2"),
        (5, "contact_no", "the same contact_no, profile_questionnaire_code, line_no as line 3"),
        (5, "line_no", str(ONE_ANSWER.in_file("P1", "CUSTOMER", 10, 2))),
    ]
    assert answers(world) == []


def test_k2_k4_skipping_bad_rows_imports_the_first_answer_only(world, tmp_path):
    path = answer_file(tmp_path, ("P1", 30), ("P1", 20), ("P2", 20))
    result = imports.import_table(
        world, "contact_profile_answers", path, skip_bad_rows=True, by="tester"
    )
    assert (result.inserted, [bad.line for bad in result.bad_rows]) == (2, [3])
    assert answers(world) == [("P1", "CUSTOMER", 30), ("P2", "CUSTOMER", 20)]


def test_k2_k4_an_answer_the_contact_gave_otherwise_is_refused_naming_it(world, tmp_path):
    profiles.answer_profile(world, "P1", questionnaire="CUSTOMER", answer_line=20)
    before = answers(world)
    path = answer_file(tmp_path, ("P2", 30), ("P1", 30), ("P1", 50))
    with pytest.raises(imports.BadFile) as raised:
        imports.import_table(world, "contact_profile_answers", path, by="tester")
    assert raised.value.bad_rows == (
        BadRow(3, "line_no", ONE_ANSWER.existing("P1", "CUSTOMER", 10, 20)),
    )
    assert "contact P1 already gave answer 20 to question 10" in str(raised.value)
    assert "(import with update to replace it)" in str(raised.value)
    assert answers(world) == before


def test_k2_k4_with_update_an_answer_replaces_the_one_the_contact_gave(world, tmp_path):
    for contact, line in (("P1", 20), ("P1", 50), ("P2", 20)):
        profiles.answer_profile(world, contact, questionnaire="CUSTOMER", answer_line=line)
    path = answer_file(tmp_path, ("P1", 30), ("P1", 60), ("P2", 20))
    result = imports.import_table(world, "contact_profile_answers", path, update=True, by="tester")
    assert (result.inserted, result.bad_rows) == (2, ())
    assert answers(world) == [
        ("P1", "CUSTOMER", 30),
        ("P1", "CUSTOMER", 50),
        ("P1", "CUSTOMER", 60),
        ("P2", "CUSTOMER", 20),
    ]


def test_k2_k4_a_multiple_answer_question_takes_several_answers(world, tmp_path):
    profiles.answer_profile(world, "P1", questionnaire="CUSTOMER", answer_line=50)
    path = answer_file(tmp_path, ("P1", 60), ("P2", 50), ("P2", 60), ("P2", 30))
    result = imports.import_table(world, "contact_profile_answers", path, by="tester")
    assert (result.inserted, result.bad_rows) == (4, ())
    assert answers(world) == [
        ("P1", "CUSTOMER", 50),
        ("P1", "CUSTOMER", 60),
        ("P2", "CUSTOMER", 30),
        ("P2", "CUSTOMER", 50),
        ("P2", "CUSTOMER", 60),
    ]


def test_k2_k4_a_file_with_one_bad_row_changes_nothing(world, tmp_path):
    profiles.answer_profile(world, "P2", questionnaire="CUSTOMER", answer_line=30)
    before = answers(world)
    rows = [("P1", 20), ("P1", 50), ("P1", 60), ("P2", 50), ("C1", 20), ("C1", 60), ("P2", 20)]
    with pytest.raises(imports.BadFile) as raised:
        imports.import_table(
            world, "contact_profile_answers", answer_file(tmp_path, *rows), by="tester"
        )
    assert [bad.line for bad in raised.value.bad_rows] == [8]
    assert "nothing imported" in str(raised.value)
    assert answers(world) == before


def test_k2_the_question_of_an_answer_line_in_sql_is_the_rules(world):
    """One definition: the SQL the service and the import join to gives, for every answer
    line, the question `OneAnswer.question_of` finds above it (none above line 5)."""
    with world.begin() as session:
        session.add(
            t.ProfileQuestionnaireLine(
                profile_questionnaire_code="CUSTOMER", line_no=5, type="answer", description="x"
            )
        )
        session.flush()
        lines = session.execute(
            select(t.ProfileQuestionnaireLine.line_no, t.ProfileQuestionnaireLine.type).order_by(
                t.ProfileQuestionnaireLine.line_no
            )
        ).all()
        questions = answer_questions()
        found = session.execute(select(questions.c.answer_line, questions.c.question_line)).all()
    expected = {
        no: ONE_ANSWER.question_of([(n, k) for n, k in lines], no)
        for no, kind in lines
        if kind == "answer"
    }
    assert expected == {5: None, 20: 10, 30: 10, 50: 40, 60: 40}
    assert dict(found) == {no: q for no, q in expected.items() if q is not None}
