"""Automatic profile ratings (K3): Business Central's *Rating* (table 5111) and its *Update
Contact Classification* for a question whose *Contact Class. Field* is Rating.

A rating question is a question line that ratings point at. Each rating gives an answer
line of another question a number of points; a contact's score for the rating question is
the sum of the points of the answers it has, and its answer to the rating question is the
first answer line (in line order) whose `from_value`..`to_value` holds that score (a blank
bound is open). A contact none of whose answers carries points gets no rating, and a
questionnaire for companies or persons only rates that type of contact. As in BC the
ratings are not kept up to date by themselves: `update_ratings` recomputes them.

A rating question may be rated from the answers of another rating question (a customer's
priority from its value rating): the rating questions are computed in dependency order,
those another one reads first, so one update gives every chained rating its right value;
ratings that read each other in a circle are refused, naming the circle (`_order`).

The work is set-based: per level of that order, the new rating answers of every contact are
computed by one `INSERT … SELECT` into a temporary table, then one `DELETE` takes away the
rating answers that changed and one `INSERT … SELECT` adds the new ones, so a contact whose
rating stays the same is not written at all (and is not marked changed for dynamic segments).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import asdict, dataclass
from decimal import Decimal
from typing import Any

from sqlalchemy import (
    Column,
    Integer,
    MetaData,
    Numeric,
    String,
    Table,
    and_,
    delete,
    distinct,
    exists,
    func,
    insert,
    literal,
    or_,
    select,
)
from sqlalchemy.orm import Session

from rapport.domain.enums import ContactType, ProfileLineType
from rapport.errors import CODE_FIELD, N_, Invalid, does_not_exist
from rapport.storage.db import Sessions, analyze, execute_counted
from rapport.storage.tables import (
    SHORT_CODE,
    Contact,
    ContactProfileAnswer,
    ProfileQuestionnaire,
    ProfileQuestionnaireLine,
    Rating,
    table_of,
)

COMPANY_WORDS = ("company", "companies")
PERSON_WORDS = ("person", "persons", "people")


@dataclass(frozen=True)
class RatingsResult:
    """What `update_ratings` did: the rating questions it computed, the contacts that have a
    rating now, and the rating answers it added and took away."""

    questionnaire: str | None
    rating_questions: int
    contacts_rated: int
    answers_added: int
    answers_removed: int


@dataclass(frozen=True)
class AnswerRange:
    """An answer line of a rating question and the scores it stands for."""

    profile_questionnaire_code: str
    question_line_no: int
    line_no: int
    from_value: Decimal | None
    to_value: Decimal | None


def _ranges_table() -> Table:
    return Table(
        "rating_answer_ranges",
        MetaData(),
        Column("profile_questionnaire_code", String(SHORT_CODE)),
        Column("question_line_no", Integer),
        Column("line_no", Integer),
        Column("from_value", Numeric(18, 2)),
        Column("to_value", Numeric(18, 2)),
        Column("level", Integer),
        prefixes=["TEMPORARY"],
    )


def _rated_table() -> Table:
    return Table(
        "rated_answers",
        MetaData(),
        Column("contact_id", Integer, primary_key=True),
        Column("profile_questionnaire_code", String(SHORT_CODE), primary_key=True),
        Column("line_no", Integer, primary_key=True),
        Column("level", Integer),
        prefixes=["TEMPORARY"],
    )


def _rating_questions(session: Session, questionnaire: str | None) -> list[tuple[str, int]]:
    ratings = table_of(Rating)
    query = (
        select(ratings.c.profile_questionnaire_code, ratings.c.profile_question_line_no)
        .distinct()
        .order_by(ratings.c.profile_questionnaire_code, ratings.c.profile_question_line_no)
    )
    if questionnaire is not None:
        query = query.where(ratings.c.profile_questionnaire_code == questionnaire)
    return [(row[0], row[1]) for row in session.execute(query)]


def answer_ranges(session: Session, questions: Sequence[tuple[str, int]]) -> list[AnswerRange]:
    """The answer lines of each rating question (the answers below it, up to the next
    question); Invalid when a rating points at a line that is not a question."""
    lines = table_of(ProfileQuestionnaireLine)
    codes = sorted({code for code, _ in questions})
    rows = session.execute(
        select(lines.c.profile_questionnaire_code, lines.c.line_no, lines.c.type)
        .add_columns(lines.c.from_value, lines.c.to_value)
        .where(lines.c.profile_questionnaire_code.in_(codes))
        .order_by(lines.c.profile_questionnaire_code, lines.c.line_no)
    ).all()
    wanted = set(questions)
    found: list[AnswerRange] = []
    question: tuple[str, int] | None = None
    for code, line_no, kind, low, high in rows:
        if kind == ProfileLineType.QUESTION:
            question = (code, line_no)
        elif question is not None and question[0] == code and question in wanted:
            found.append(AnswerRange(code, question[1], line_no, low, high))
        if (code, line_no) in wanted and kind != ProfileLineType.QUESTION:
            raise Invalid(
                N_(
                    "line {line_no} of Profile Questionnaire {code} is an answer; ratings belong "
                    "to a question line",
                    line_no=line_no,
                    code=code,
                ),
                field="profile_question_line_no",
            )
    return found


def _fits(questionnaire_type: Any, contact_type: Any) -> Any:
    """The questionnaire's contact type allows the contact's (blank: any contact)."""
    kind = func.lower(func.trim(questionnaire_type))
    return or_(
        kind == "",
        and_(contact_type == ContactType.COMPANY, kind.in_(COMPANY_WORDS)),
        and_(contact_type == ContactType.PERSON, kind.in_(PERSON_WORDS)),
    )


def _new_answers(ranges: Table, questionnaire: str | None, level: int) -> Any:
    """contact_id, questionnaire, answer line, level: each contact's answer to each rating
    question of `level`, from the points of the answers it has."""
    ratings, answers = table_of(Rating), table_of(ContactProfileAnswer)
    contacts, headers = table_of(Contact), table_of(ProfileQuestionnaire)
    scores = (
        select(
            answers.c.contact_id,
            ratings.c.profile_questionnaire_code.label("code"),
            ratings.c.profile_question_line_no.label("question"),
            func.sum(ratings.c.points).label("score"),
        )
        .join(
            answers,
            and_(
                answers.c.profile_questionnaire_code == ratings.c.rating_profile_questionnaire_code,
                answers.c.line_no == ratings.c.rating_profile_question_line_no,
            ),
        )
        .join(contacts, contacts.c.id == answers.c.contact_id)
        .join(headers, headers.c.code == ratings.c.profile_questionnaire_code)
        .where(_fits(headers.c.contact_type, contacts.c.type))
        .group_by(
            answers.c.contact_id,
            ratings.c.profile_questionnaire_code,
            ratings.c.profile_question_line_no,
        )
    )
    if questionnaire is not None:
        scores = scores.where(ratings.c.profile_questionnaire_code == questionnaire)
    score = scores.subquery("scores")
    holds = and_(
        ranges.c.level == level,
        ranges.c.profile_questionnaire_code == score.c.code,
        ranges.c.question_line_no == score.c.question,
        or_(ranges.c.from_value.is_(None), ranges.c.from_value <= score.c.score),
        or_(ranges.c.to_value.is_(None), score.c.score <= ranges.c.to_value),
    )
    return (
        select(score.c.contact_id, score.c.code, func.min(ranges.c.line_no), literal(level))
        .join(ranges, holds)
        .group_by(score.c.contact_id, score.c.code, score.c.question)
    )


def _apply(session: Session, ranges: Table, rated: Table, level: int) -> tuple[int, int]:
    """Take away the rating answers of `level` that are no longer right, add the new ones."""
    answers = table_of(ContactProfileAnswer)
    same_line = and_(
        ranges.c.level == level,
        ranges.c.profile_questionnaire_code == answers.c.profile_questionnaire_code,
        ranges.c.line_no == answers.c.line_no,
    )
    kept = and_(
        rated.c.contact_id == answers.c.contact_id,
        rated.c.profile_questionnaire_code == answers.c.profile_questionnaire_code,
        rated.c.line_no == answers.c.line_no,
    )
    removed = execute_counted(
        session, delete(answers).where(exists().where(same_line), ~exists().where(kept))
    )
    added = execute_counted(
        session,
        insert(answers).from_select(
            ["contact_id", "profile_questionnaire_code", "line_no", "last_date_updated"],
            select(
                rated.c.contact_id,
                rated.c.profile_questionnaire_code,
                rated.c.line_no,
                literal(dt.date.today()),
            ).where(rated.c.level == level, ~exists().where(kept)),
        ),
    )
    return added, removed


def update_ratings(sessions: Sessions, *, questionnaire: str | None = None) -> RatingsResult:
    """K3: recompute every contact's answers to the rating questions (of `questionnaire`,
    or of all questionnaires) from the points of the answers it has, as BC's *Update
    Contact Classification* does for *Contact Class. Field* = Rating, a rating read by
    another first; one transaction."""
    code = questionnaire.strip().upper() if questionnaire is not None else None
    with sessions.begin() as session:
        if code is not None and session.get(ProfileQuestionnaire, code) is None:
            raise does_not_exist(
                N_("Profile Questionnaire"), (CODE_FIELD, code), field="questionnaire"
            )
        questions = _rating_questions(session, code)
        found = answer_ranges(session, questions)
        levels = _order(session, questions, found)
        ranges, rated = _ranges_table(), _rated_table()
        # Temporary tables go with a rollback on both engines, so an error leaves none.
        connection = session.connection()
        for table in (ranges, rated):
            table.create(connection)
        if found:
            rows = [asdict(row) for row in found]
            for row in rows:
                row["level"] = levels[(row["profile_questionnaire_code"], row["question_line_no"])]
            session.execute(insert(ranges), rows)
        added = removed = 0
        for level in range(max(levels.values(), default=-1) + 1):
            session.execute(
                insert(rated).from_select(
                    ["contact_id", "profile_questionnaire_code", "line_no", "level"],
                    _new_answers(ranges, code, level),
                )
            )
            analyze(session, rated.name)
            more, fewer = _apply(session, ranges, rated, level)
            added, removed = added + more, removed + fewer
        analyze(session, "contact_profile_answers", rows=added + removed)
        contacts = session.execute(select(func.count(distinct(rated.c.contact_id)))).scalar_one()
        for table in (rated, ranges):
            table.drop(connection)
        return RatingsResult(code, len(questions), contacts, added, removed)


Question = tuple[str, int]


def _order(
    session: Session, questions: Sequence[Question], found: Sequence[AnswerRange]
) -> dict[Question, int]:
    """Each rating question's level: 0 when its points come from no rating question's
    answers, else one more than the rating questions it reads. Invalid naming the circle
    when ratings read each other round."""
    ratings = table_of(Rating)
    question_of = {
        (row.profile_questionnaire_code, row.line_no): (
            row.profile_questionnaire_code,
            row.question_line_no,
        )
        for row in found
    }
    reads: dict[Question, set[Question]] = {question: set() for question in questions}
    for code, line_no, source_code, source_line in session.execute(
        select(
            ratings.c.profile_questionnaire_code,
            ratings.c.profile_question_line_no,
            ratings.c.rating_profile_questionnaire_code,
            ratings.c.rating_profile_question_line_no,
        )
    ):
        source = question_of.get((source_code, source_line))
        if (code, line_no) in reads and source is not None:
            reads[(code, line_no)].add(source)
    levels: dict[Question, int] = {}
    for question in sorted(reads):
        _place(question, reads, levels, [])
    return levels


def _place(
    question: Question,
    reads: dict[Question, set[Question]],
    levels: dict[Question, int],
    trail: list[Question],
) -> int:
    """The level of `question`, placing the questions it reads first (`trail`: the path
    here, to name a circle)."""
    if question in levels:
        return levels[question]
    if question in trail:
        circle = [*trail[trail.index(question) :], question]
        path = " → ".join(f"{code} line {line_no}" for code, line_no in circle)
        raise Invalid(
            N_(
                "the ratings of Profile Questionnaire {code} line {line_no} read their own answers "
                "through a circle of rating questions: {path}",
                code=question[0],
                line_no=question[1],
                path=path,
            ),
            field="rating_profile_question_line_no",
        )
    below = [
        _place(source, reads, levels, [*trail, question]) for source in sorted(reads[question])
    ]
    levels[question] = max(below, default=-1) + 1
    return levels[question]
