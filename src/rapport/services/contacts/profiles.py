"""Profile answers (K2): a contact's answers to profile questionnaires.

An answer is an answer line of a questionnaire; it belongs to the question line above it.
A question that does not allow multiple answers keeps one answer per contact, so
answering it again replaces the earlier answer. A questionnaire for companies or for
persons only takes answers from that type of contact.
"""

from __future__ import annotations

import datetime as dt
from typing import Any, cast

from sqlalchemy import Select, delete, insert, select
from sqlalchemy.orm import Session

from rapport.domain.rules import PROFILE_ANSWER, PROFILE_FOR
from rapport.errors import (
    CODE_FIELD,
    LINE_NO_FIELD,
    N_,
    Conflict,
    Invalid,
    NotFound,
    does_not_exist,
)
from rapport.services.contacts import _relations
from rapport.services.contacts._fields import Assigned, find_contact, relation_code
from rapport.services.contacts._relations import PROFILE
from rapport.storage.db import Sessions
from rapport.storage.profile_questions import answer_questions
from rapport.storage.tables import (
    Contact,
    ContactProfileAnswer,
    ProfileQuestionnaire,
    ProfileQuestionnaireLine,
    table_of,
)


def _line_no(value: str | int) -> int:
    try:
        return int(str(value).strip())
    except ValueError as exc:
        raise Invalid(
            N_("{value!r} is not a line number", value=value), field="answer_line"
        ) from exc


def _questionnaire(session: Session, code: str) -> ProfileQuestionnaire:
    """The questionnaire an answer is given to: the assignment's `code` (NotFound naming it,
    the contact being there)."""
    key = relation_code(code, "questionnaire")
    questionnaire = session.get(ProfileQuestionnaire, key)
    if questionnaire is None:
        raise does_not_exist(N_("Profile Questionnaire"), (CODE_FIELD, key), field="code")
    return questionnaire


def _answer_line(
    session: Session, questionnaire: ProfileQuestionnaire, line_no: int
) -> ProfileQuestionnaireLine:
    line = session.get(ProfileQuestionnaireLine, (questionnaire.code, line_no))
    if line is None:
        raise does_not_exist(
            N_("Profile Questionnaire Line"),
            (N_("Profile Questionnaire Code"), questionnaire.code),
            (LINE_NO_FIELD, line_no),
            field="answer_line",
        )
    PROFILE_ANSWER.check(questionnaire.code, line_no, line.type, field="answer_line")
    return line


def _question_of(session: Session, line: ProfileQuestionnaireLine) -> Any:
    """The question the answer line belongs to (`answer_questions`): its line, its
    description, whether it takes multiple answers; None when no question is above it."""
    questions = answer_questions()
    return session.execute(
        select(questions.c.question_line, questions.c.question, questions.c.multiple).where(
            questions.c.questionnaire == line.profile_questionnaire_code,
            questions.c.answer_line == line.line_no,
        )
    ).first()


def _answers_to(code: str, question: int) -> Select[tuple[int]]:
    """The answer lines of the question at line `question` of questionnaire `code`."""
    questions = answer_questions()
    return select(questions.c.answer_line).where(
        questions.c.questionnaire == code, questions.c.question_line == question
    )


def _check_contact_type(questionnaire: ProfileQuestionnaire, contact: Contact) -> None:
    PROFILE_FOR.check(questionnaire.code, questionnaire.contact_type, contact.type)


def answer_profile(
    sessions: Sessions, contact_no: str, *, questionnaire: str, answer_line: str | int
) -> Assigned:
    """K2: record the contact's answer (an answer line of the questionnaire). For a question
    without multiple answers the new answer replaces the contact's earlier one."""
    line_no = _line_no(answer_line)
    with sessions.begin() as session:
        contact = find_contact(session, contact_no, lock=True)
        header = _questionnaire(session, questionnaire)
        _check_contact_type(header, contact)
        line = _answer_line(session, header, line_no)
        question = _question_of(session, line)
        answers = table_of(ContactProfileAnswer)
        mine = (answers.c.contact_id == contact.id) & (
            answers.c.profile_questionnaire_code == header.code
        )
        if session.execute(
            select(answers.c.line_no).where(mine, answers.c.line_no == line_no)
        ).first():
            raise Conflict(
                N_(
                    "Contact {no} already has answer {code} {line_no}.",
                    no=contact.no,
                    code=header.code,
                    line_no=line_no,
                )
            )
        if question is not None and not question.multiple:
            siblings = _answers_to(header.code, question.question_line)
            session.execute(delete(answers).where(mine, answers.c.line_no.in_(siblings)))
        session.execute(
            insert(answers).values(
                contact_id=contact.id,
                profile_questionnaire_code=header.code,
                line_no=line_no,
                last_date_updated=dt.date.today(),
            )
        )
        return Assigned(
            PROFILE,
            header.code,
            line.description,
            {"answer_line": line_no, "question": question.question if question else ""},
        )


def remove_profile_answer(
    sessions: Sessions, contact_no: str, *, questionnaire: str, answer_line: str | int
) -> None:
    """K2: take the contact's answer away; NotFound when it did not give it."""
    line_no = _line_no(answer_line)
    code = relation_code(questionnaire, "questionnaire")
    with sessions.begin() as session:
        contact = find_contact(session, contact_no, lock=True)
        answers = table_of(ContactProfileAnswer)
        done = session.execute(
            delete(answers).where(
                answers.c.contact_id == contact.id,
                answers.c.profile_questionnaire_code == code,
                answers.c.line_no == line_no,
            )
        )
        if not cast(Any, done).rowcount:
            raise NotFound(
                N_(
                    "Contact {no} has no answer {code} {line_no}.",
                    no=contact.no,
                    code=code,
                    line_no=line_no,
                )
            )


def single_answer_questions(session: Session) -> dict[tuple[str, int], int]:
    """(questionnaire, answer line) → the line of its question, for the questions that take
    one answer only (K2)."""
    questions = answer_questions()
    rows = session.execute(
        select(questions.c.questionnaire, questions.c.answer_line, questions.c.question_line).where(
            questions.c.multiple.is_(False)
        )
    ).all()
    return {(code, answer): question for code, answer, question in rows}


def profile_answers(session: Session, contact_id: int) -> tuple[Assigned, ...]:
    """The contact's profile answers, read in the session's transaction."""
    return _relations.profile_answers(session.connection(), contact_id)
