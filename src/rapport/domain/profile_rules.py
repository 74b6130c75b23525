"""The domain rules on a contact's profile answers (K2), declared here and listed with the
others in `rules.RULES` (domain/rules.py), which the service and the import both apply."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from rapport.errors import N_, Invalid, Text


@dataclass(frozen=True)
class AnswerLine:
    """In `table`, the line `field` of the questionnaire `questionnaire` is an answer line,
    not a question (BC: a Contact Profile Answer's line is of type Answer)."""

    table: str
    field: str
    questionnaire: str
    lines: str
    line_type: str = "answer"

    def broken(self, line_type: str) -> bool:
        return line_type != self.line_type

    def message(self, questionnaire: str, line_no: int) -> Text:
        return N_(
            "line {line_no} of Profile Questionnaire {questionnaire} is a question, not an answer",
            line_no=line_no,
            questionnaire=questionnaire,
        )

    def check(self, questionnaire: str, line_no: int, line_type: str, *, field: str) -> None:
        if self.broken(line_type):
            raise Invalid(self.message(questionnaire, line_no), field=field)


@dataclass(frozen=True)
class QuestionnaireFor:
    """In `table`, the contact `field` answers the questionnaire `questionnaire` only when
    the questionnaire's Contact Type (in `questionnaires`) lets its type answer: one that
    begins with a prefix of `FOR` is for that type of contact only, any other for all."""

    table: str
    field: str
    questionnaire: str
    questionnaires: str
    FOR = (("compan", "company"), ("person", "person"), ("people", "person"))

    def wanted(self, contact_type: str) -> str | None:
        """The one type of contact a questionnaire of this Contact Type is for, if any."""
        text = contact_type.strip().lower()
        return next((kind for prefix, kind in self.FOR if text.startswith(prefix)), None)

    def message(self, questionnaire: str, wanted: str) -> Text:
        if wanted == "company":
            return N_(
                "Profile Questionnaire {questionnaire} is for companies only",
                questionnaire=questionnaire,
            )
        return N_(
            "Profile Questionnaire {questionnaire} is for persons only",
            questionnaire=questionnaire,
        )

    def check(self, questionnaire: str, for_type: str, contact_type: str) -> None:
        wanted = self.wanted(for_type)
        if wanted is not None and contact_type != wanted:
            raise Invalid(self.message(questionnaire, wanted))


@dataclass(frozen=True)
class OneAnswer:
    """In `table`, the contact `contact` gives at most one answer to a question of the
    questionnaire `questionnaire` whose `multiple` flag (in `lines`) is off (BC: Multiple
    Answers). An answer line belongs to the nearest question line above it in the same
    questionnaire (`question_of`; storage/profile_questions.py renders the same in SQL for
    the service and the import). The service replaces a contact's earlier answer to such a
    question; an import refuses a file answering it twice for a contact, and a row whose
    contact already gave another answer unless it imports with update, which replaces it."""

    table: str
    field: str
    questionnaire: str
    contact: str
    lines: str
    question_type: str = "question"
    multiple: str = "multiple_answers"

    def question_of(self, lines: Sequence[tuple[int, str]], line_no: int) -> int | None:
        """The line of the question that the line `line_no` of a questionnaire whose
        `lines` are (line no., type) belongs to; None when no question is above it."""
        above = [no for no, kind in lines if kind == self.question_type and no < line_no]
        return max(above, default=None)

    def in_file(self, contact: str, questionnaire: str, question: int, line: int) -> Text:
        """The message on a row that answers the question again, `line` the file's first."""
        return N_(
            "contact {contact} answers question {question} of Profile Questionnaire "
            "{questionnaire} on line {line} already, and that question takes one answer",
            contact=contact,
            question=question,
            questionnaire=questionnaire,
            line=line,
        )

    def existing(self, contact: str, questionnaire: str, question: int, answer: int) -> Text:
        """The message on a row whose contact gave answer line `answer` in the database."""
        return N_(
            "contact {contact} already gave answer {answer} to question {question} of Profile "
            "Questionnaire {questionnaire}, which takes one answer (import with update to replace "
            "it)",
            contact=contact,
            answer=answer,
            question=question,
            questionnaire=questionnaire,
        )
