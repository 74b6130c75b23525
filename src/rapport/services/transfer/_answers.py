"""The import's checks of the rule "a question without multiple answers keeps one answer per
contact" (K2 in K4; domain/rules.py, `OneAnswer`), set-based over the staging table.

Each staged row is joined to the question its answer line belongs to, from the one SQL
definition the service uses too (storage/profile_questions.py). A file answering such a
question twice for a contact is refused on the later line, naming the first; a row whose
contact gave another answer to it in the database is refused naming that answer, as a row
whose key exists is, unless the import updates: then the row replaces that answer, as
answering again through the service does (`answered_otherwise`, one DELETE in `_writes`).
"""

from __future__ import annotations

from sqlalchemy import ColumnElement, FromClause, Subquery, Table, and_, func, select
from sqlalchemy.orm import Session

from rapport.domain.rules import OneAnswer, rules_of
from rapport.services.transfer._bad_rows import BadRow
from rapport.services.transfer.tables import TableSpec
from rapport.storage.profile_questions import answer_questions


def single_answers(staging: FromClause, rule: OneAnswer, name: str = "single") -> Subquery:
    """The staged rows that answer a question taking one answer (`answer_questions`):
    line, contact_id, contact_no, questionnaire, answer (its line) and question_line."""
    code, questions = staging.c[rule.questionnaire], answer_questions(rule, name=f"{name}_q")
    return (
        select(
            staging.c.line,
            staging.c.contact_id,
            staging.c[rule.contact].label("contact_no"),
            code.label("questionnaire"),
            staging.c[rule.field].label("answer"),
            questions.c.question_line,
        )
        .join_from(
            staging,
            questions,
            (questions.c.questionnaire == code)
            & (questions.c.answer_line == staging.c[rule.field]),
        )
        .where(questions.c.multiple.is_(False), staging.c.contact_id.is_not(None))
        .subquery(name)
    )


def one_answer(
    session: Session, staging: FromClause, names: set[str], rule: OneAnswer
) -> list[BadRow]:
    """Rows answering a one-answer question that an earlier row of the file answers for the
    same contact with another answer; each names the first such line."""
    if not {rule.questionnaire, rule.field, "contact_id"} <= names:
        return []
    rows, earlier = single_answers(staging, rule), single_answers(staging, rule, "earlier")
    group = [rows.c.contact_id, rows.c.questionnaire, rows.c.question_line]
    first = (
        select(*group, func.min(rows.c.line).label("first"))
        .group_by(*group)
        .having(func.count(func.distinct(rows.c.answer)) > 1)
        .subquery("first")
    )
    query = (
        select(rows.c.line, rows.c.contact_no, rows.c.questionnaire, rows.c.question_line)
        .add_columns(first.c.first)
        .join_from(rows, first, and_(*(first.c[c.name] == c for c in group)))
        .join(earlier, earlier.c.line == first.c.first)
        .where(rows.c.answer != earlier.c.answer)
        .order_by(rows.c.line)
    )
    return [
        BadRow(line, rule.field, rule.in_file(contact, code, question, other))
        for line, contact, code, question, other in session.execute(query)
    ]


def answered_before(session: Session, spec: TableSpec, staging: FromClause) -> list[BadRow]:
    """Rows answering a one-answer question that their contact answered otherwise in the
    database (an import without update; with it, `_writes` replaces that answer)."""
    found: list[BadRow] = []
    names = set(staging.c.keys())
    for rule in rules_of(spec.name):
        if isinstance(rule, OneAnswer) and {rule.questionnaire, rule.field} <= names:
            if session.execute(select(spec.table).limit(1)).first() is None:
                return []  # into an empty table: no pass over the staging rows
            rows = single_answers(staging, rule)
            given = (
                select(func.min(spec.table.c.line_no))
                .where(answered_otherwise(spec.table, rule, rows))
                .scalar_subquery()
            )
            query = select(
                rows.c.line, rows.c.contact_no, rows.c.questionnaire, rows.c.question_line, given
            ).where(given.is_not(None))
            found += [
                BadRow(line, rule.field, rule.existing(contact, code, question, answer))
                for line, contact, code, question, answer in session.execute(
                    query.order_by(rows.c.line)
                )
            ]
    return found


def answered_otherwise(answers: Table, rule: OneAnswer, rows: Subquery) -> ColumnElement[bool]:
    """An answer of `answers` that the contact of a staged row of `rows` (`single_answers`)
    gave to the row's question with another answer line."""
    theirs = answer_questions(rule, name="their_question")
    return and_(
        theirs.c.questionnaire == answers.c[rule.questionnaire],
        theirs.c.answer_line == answers.c.line_no,
        answers.c.contact_id == rows.c.contact_id,
        answers.c[rule.questionnaire] == rows.c.questionnaire,
        theirs.c.question_line == rows.c.question_line,
        answers.c.line_no != rows.c.answer,
    )
