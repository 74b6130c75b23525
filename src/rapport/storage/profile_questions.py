"""The question each answer line of a profile questionnaire belongs to, in SQL (K2).

`domain.rules.OneAnswer` declares the rule: an answer line belongs to the nearest question
line above it in the same questionnaire, and a question whose Multiple Answers is off keeps
one answer per contact. `answer_questions` renders "the question of an answer line" once,
as a select over the questionnaire lines (a few hundred rows), so that the service that
replaces an answer, the merge of two contacts and the import's set-based checks all join
to the same definition instead of each walking the lines in Python.
"""

from __future__ import annotations

from sqlalchemy import Subquery, func, select

from rapport.domain.rules import ONE_ANSWER, OneAnswer
from rapport.storage.schema import metadata


def answer_questions(rule: OneAnswer = ONE_ANSWER, *, name: str = "answer_question") -> Subquery:
    """One row per answer line that has a question above it: `questionnaire`,
    `answer_line`, `question_line`, the question's `multiple` flag and its `question`
    (description)."""
    lines = metadata.tables[rule.lines]
    answer = lines.alias(f"{name}_answer")
    above = lines.alias(f"{name}_above")
    question = lines.alias(f"{name}_question")
    code = rule.questionnaire
    nearest = (
        select(func.max(above.c.line_no))
        .where(
            above.c[code] == answer.c[code],
            above.c.type == rule.question_type,
            above.c.line_no < answer.c.line_no,
        )
        .scalar_subquery()
    )
    return (
        select(
            answer.c[code].label("questionnaire"),
            answer.c.line_no.label("answer_line"),
            question.c.line_no.label("question_line"),
            question.c[rule.multiple].label("multiple"),
            question.c.description.label("question"),
        )
        .join_from(
            answer,
            question,
            (question.c[code] == answer.c[code]) & (question.c.line_no == nearest),
        )
        .where(answer.c.type != rule.question_type)
        .subquery(name)
    )
