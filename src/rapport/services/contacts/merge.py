"""Merging duplicate contacts (K5): everything kept about OTHER moves to KEEP, then OTHER is
deleted, in one transaction.

Groups, relations, responsibilities, web sources, opt-outs, alternate addresses and profile
answers move unless KEEP has the same key already (then KEEP's row stays, and a value that
differs under that key is listed); an answer to a question that takes one answer stays
KEEP's. Interaction log entries, opportunities, tasks and segment lines move; on a segment
where KEEP has a line of its own, or was removed from by hand (a dynamic segment's
exception), OTHER's line goes. OTHER's exceptions become KEEP's, except on a segment where
KEEP has a line or an exception of its own (the exceptions an action lifted, kept for its
undo, move likewise). A company's persons move to KEEP with their company no. and name.
A company is never merged with a person. Each step is one set-based statement.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import Table, and_, delete, exists, select, update
from sqlalchemy.orm import Session

from rapport.domain.enums import ContactType
from rapport.errors import N_, Conflict, Invalid
from rapport.services.contacts._fields import find_contact
from rapport.services.contacts.profiles import single_answer_questions
from rapport.services.segments.engine import contacts_lines_changed
from rapport.storage.db import Sessions, execute_counted, reading
from rapport.storage.segment_lines import delete_counted
from rapport.storage.tables import (
    Contact,
    ContactAltAddress,
    ContactAltAddressDateRange,
    ContactBusinessRelation,
    ContactIndustryGroup,
    ContactJobResponsibility,
    ContactMailingGroup,
    ContactOptOut,
    ContactProfileAnswer,
    ContactWebSource,
    InteractionLogEntry,
    Opportunity,
    SegmentException,
    SegmentLiftedException,
    SegmentLine,
    Task,
    folded,
    table_of,
)

KEYED = (
    ContactIndustryGroup,
    ContactBusinessRelation,
    ContactMailingGroup,
    ContactJobResponsibility,
    ContactWebSource,
    ContactOptOut,
    ContactAltAddress,
    ContactAltAddressDateRange,
    ContactProfileAnswer,
)
HISTORY = (InteractionLogEntry, Opportunity, Task, SegmentLine)
COMPARED_FIELDS = (
    "name",
    "company_no",
    "address",
    "post_code",
    "city",
    "country",
    "email",
    "phone",
    "mobile",
    "vat_no",
    "salesperson",
    "language",
    "job_title",
)


@dataclass(frozen=True)
class Difference:
    """A value OTHER had under a key KEEP has too; KEEP's value was kept."""

    table: str
    key: str
    field: str
    kept: str
    dropped: str


@dataclass(frozen=True)
class MergeResult:
    """What `merge_contacts` did: the rows it moved, by table, and the differing values."""

    contact_no: str
    merged_no: str
    moved: dict[str, int]
    differences: tuple[Difference, ...]


def _text(value: Any) -> str:
    return "" if value is None else str(value)


def _differences(session: Session, keep: Contact, other: Contact) -> list[Difference]:
    own = {"company_no"} if keep.type == ContactType.COMPANY else set()
    found = [
        Difference(
            "contacts", keep.no, name, _text(getattr(keep, name)), _text(getattr(other, name))
        )
        for name in COMPARED_FIELDS
        if name not in own
        and getattr(other, name) not in ("", None)
        and getattr(other, name) != getattr(keep, name)
    ]
    for model in KEYED:
        table = table_of(model)
        keys = [c for c in table.primary_key.columns if c.name != "contact_id"]
        values = [c for c in table.columns if not c.primary_key]
        mine, theirs = table.alias("mine"), table.alias("theirs")
        rows = session.execute(
            select(*(theirs.c[c.name] for c in keys))
            .add_columns(*(mine.c[c.name] for c in values), *(theirs.c[c.name] for c in values))
            .join(mine, and_(*(mine.c[c.name] == theirs.c[c.name] for c in keys)))
            .where(mine.c.contact_id == keep.id, theirs.c.contact_id == other.id)
        ).all()
        for row in rows:
            key = " ".join(str(value) for value in row[: len(keys)])
            kept, dropped = row[len(keys) : len(keys) + len(values)], row[len(keys) + len(values) :]
            found += [
                Difference(table.name, key, column.name, _text(mine_value), _text(their_value))
                for column, mine_value, their_value in zip(values, kept, dropped, strict=True)
                if mine_value != their_value and column.name != "last_date_updated"
            ]
    return found


def _move_keyed(session: Session, table: Table, keep: Contact, other: Contact) -> int:
    keys = [c for c in table.primary_key.columns if c.name != "contact_id"]
    mine = table.alias("mine")
    taken = exists().where(mine.c.contact_id == keep.id, *(mine.c[c.name] == c for c in keys))
    return execute_counted(
        session,
        update(table)
        .where(table.c.contact_id == other.id, ~taken)
        .values(contact_id=keep.id)
        .execution_options(synchronize_session=False),
    )


def _single_answers_taken(
    session: Session, keep: Contact, other: Contact, *, drop: bool = True
) -> list[Difference]:
    """OTHER's answers to one-answer questions KEEP answered differently: they stay out
    (deleted with `drop`; only listed without)."""
    answers = table_of(ContactProfileAnswer)
    questions = single_answer_questions(session)
    rows = session.execute(
        select(answers.c.contact_id, answers.c.profile_questionnaire_code, answers.c.line_no)
        .where(answers.c.contact_id.in_((keep.id, other.id)))
        .order_by(answers.c.contact_id)
    ).all()
    kept: dict[tuple[str, int], int] = {}
    dropped: list[Difference] = []
    for contact_id, code, line_no in rows:
        question = questions.get((code, line_no))
        if question is None:
            continue
        if contact_id == keep.id:
            kept[(code, question)] = line_no
        elif (code, question) in kept and kept[(code, question)] != line_no:
            key = f"{code} question {question}"
            dropped.append(
                Difference(answers.name, key, "line_no", str(kept[(code, question)]), str(line_no))
            )
            if not drop:
                continue
            session.execute(
                delete(answers).where(
                    answers.c.contact_id == other.id,
                    answers.c.profile_questionnaire_code == code,
                    answers.c.line_no == line_no,
                )
            )
    return dropped


def _move_history(session: Session, keep: Contact, other: Contact) -> dict[str, int]:
    moved: dict[str, int] = {}
    contacts_lines_changed(session, [keep.id, other.id])
    lines = table_of(SegmentLine)
    mine = lines.alias("mine")
    both = exists().where(
        mine.c.contact_id == keep.id,
        mine.c.segment_id == lines.c.segment_id,
        mine.c.removed_action.is_(None),
    )
    exceptions = table_of(SegmentException)
    excepted = exists().where(
        exceptions.c.contact_id == keep.id, exceptions.c.segment_id == lines.c.segment_id
    )
    delete_counted(
        session, lines.c.contact_id == other.id, lines.c.removed_action.is_(None), both | excepted
    )
    for model in HISTORY:
        table = table_of(model)
        values: dict[str, Any] = {"contact_id": keep.id}
        if model is not InteractionLogEntry:
            values["contact_company_no"] = keep.company_no
        moved[table.name] = execute_counted(
            session, update(table).where(table.c.contact_id == other.id).values(**values)
        )
    return moved


def _move_exceptions(session: Session, keep: Contact, other: Contact) -> dict[str, int]:
    """OTHER stays out of the dynamic segments it was removed from by hand, as KEEP,
    unless KEEP is on that segment (its line stays) or excepted there already."""
    exceptions, lines = table_of(SegmentException), table_of(SegmentLine)
    keeps_line = exists().where(
        lines.c.contact_id == keep.id,
        lines.c.segment_id == exceptions.c.segment_id,
        lines.c.removed_action.is_(None),
    )
    session.execute(delete(exceptions).where(exceptions.c.contact_id == other.id, keeps_line))
    lifted = table_of(SegmentLiftedException)
    return {
        exceptions.name: _move_keyed(session, exceptions, keep, other),
        lifted.name: _move_keyed(session, lifted, keep, other),
    }


def _move_persons(session: Session, keep: Contact, other: Contact) -> int:
    """OTHER's persons, and the lines, opportunities and tasks that name it as their
    company, go to KEEP."""
    for model in (SegmentLine, Opportunity, Task):
        table = table_of(model)
        session.execute(
            update(table)
            .where(table.c.contact_company_no == other.no)
            .values(contact_company_no=keep.no)
        )
    contacts = table_of(Contact)
    return execute_counted(
        session,
        update(contacts)
        .where(contacts.c.company_id == other.id, contacts.c.id != other.id)
        .values(
            company_id=keep.id,
            company_no=keep.no,
            company_name=keep.name,
            **folded({"company_name": keep.name}),
        ),
    )


def _check_pair(keep: Contact, other: Contact) -> None:
    if keep.id == other.id:
        raise Invalid(N_("a contact cannot be merged with itself"), field="other_no")
    if keep.type != other.type:
        raise Conflict(
            N_(
                "You cannot merge {other_type} {other} into {keep_type} {keep}: a company is "
                "merged only with a company, a person with a person.",
                other_type=other.type,
                other=other.no,
                keep_type=keep.type,
                keep=keep.no,
            )
        )


def differences(sessions: Sessions, keep_no: str, *, other_no: str) -> tuple[Difference, ...]:
    """K5: what merging `other_no` into `keep_no` would keep of KEEP's and leave of OTHER's
    (the values that differ under one key), asked before the merge; changes nothing and
    refuses what `merge_contacts` refuses."""
    with reading(sessions) as session:
        keep = find_contact(session, keep_no)
        other = find_contact(session, other_no, field="other_no")
        _check_pair(keep, other)
        found = _differences(session, keep, other)
        found += _single_answers_taken(session, keep, other, drop=False)
        return tuple(found)


def merge_contacts(sessions: Sessions, keep_no: str, *, other_no: str) -> MergeResult:
    """K5: merge contact `other_no` into `keep_no` (BC's merge of duplicates): what is kept
    about OTHER moves to KEEP, what both have under one key stays KEEP's (the differing
    values are listed), and OTHER is deleted; one transaction."""
    with sessions.begin() as session:
        keep = find_contact(session, keep_no, lock=True)
        other = find_contact(session, other_no, lock=True, field="other_no")
        _check_pair(keep, other)
        differences = _differences(session, keep, other)
        differences += _single_answers_taken(session, keep, other)
        moved = {
            table_of(model).name: _move_keyed(session, table_of(model), keep, other)
            for model in KEYED
        }
        moved.update(_move_exceptions(session, keep, other))
        moved.update(_move_history(session, keep, other))
        if other.type == ContactType.COMPANY:
            moved["persons"] = _move_persons(session, keep, other)
        contacts = table_of(Contact)
        session.execute(delete(contacts).where(contacts.c.id == other.id))
        return MergeResult(keep.no, other.no, moved, tuple(differences))
