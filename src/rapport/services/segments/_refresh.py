"""The refresh of a dynamic segment inside a use case's transaction (X4): the membership its
definition gives now, applied as a delta, as one recorded action.

Only the contacts marked in the change sequence since the segment's last refresh are
evaluated (a company's mark counts for its persons when the definition reads a relation kept
on the company; with options that follow a company — expansion, related companies, entire
companies — for the whole company), each once, into a small temporary table that the
removal of the leaving lines and the insert of the joining ones then read, unless the
definition moved on its own: never refreshed, criteria or header changed since, a value
relative to today on another day, or a segment it reads changed; then every contact is.
Lines added by hand are never removed, contacts removed by hand (the exceptions) never
added; a refresh that changes nothing records nothing.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from sqlalchemy import (
    Boolean,
    Column,
    ColumnElement,
    Integer,
    MetaData,
    Select,
    Table,
    and_,
    exists,
    false,
    insert,
    not_,
    select,
    true,
    union,
    update,
)
from sqlalchemy.orm import Session

from rapport.domain.enums import SegmentAction
from rapport.errors import N_, Conflict
from rapport.services.segments._after import finish
from rapport.services.segments._definition import Definition, Picked, definition, membership
from rapport.services.segments._dependencies import changed_references, lines_changed, mark_seen
from rapport.services.segments._lines import contacts, insert_lines, lines
from rapport.services.segments._reading import no_of_lines
from rapport.services.segments._recording import count_action, forget_action, record_action
from rapport.services.segments.results import AddOptions
from rapport.storage.changes import changed_since, watermark
from rapport.storage.db import analyze, execute_counted
from rapport.storage.segment_lines import lines_moved, on_segment
from rapport.storage.tables import SegmentCriteriaLine, SegmentException, SegmentHeader, table_of

exceptions = table_of(SegmentException)
criteria_lines = table_of(SegmentCriteriaLine)
# The refresh's own definition carries consent and exclusion; the insert checks consent again.
REFRESH_OPTIONS = AddOptions(ignore_exclusion=True)
# The contacts a refresh by delta evaluates (`stage_scope`); one definition, so that the
# statements reading it are compiled once.
REFRESH_SCOPE = Table(
    "refresh_scope",
    MetaData(),
    Column("id", Integer, primary_key=True, autoincrement=False),
    Column("member", Boolean, nullable=False),
    prefixes=["TEMPORARY"],
)


@dataclass(frozen=True)
class RefreshResult:
    """What a refresh did (X4): `action_no` is None when nothing changed (nothing recorded);
    `full` says whether every contact was evaluated or only those changed since."""

    segment: str
    action_no: int | None
    added: int
    removed: int
    no_of_lines: int
    full: bool


def require_dynamic(header: SegmentHeader) -> None:
    """Only a dynamic segment refreshes."""
    if not header.dynamic:
        raise Conflict(
            N_(
                "Segment {no} is not dynamic: make it so with `segment set {no} dynamic=true`.",
                no=header.no,
            )
        )


def now() -> dt.datetime:
    return dt.datetime.now(dt.UTC).replace(tzinfo=None)


def needs_full(session: Session, header: SegmentHeader, found: Definition) -> bool:
    """Whether the delta cannot be trusted and every contact must be evaluated."""
    if header.refreshed_seq is None or header.refreshed_at is None:
        return True
    if found.dated and header.refreshed_at.date() != dt.date.today():
        return True
    return changed_references(session, header)


def affected(after: int, upto: int, *, by_company: bool, reads_companies: bool) -> Any:
    """The contacts a change since `after` may move: those marked; when the definition reads
    a company's rows for its persons, the persons of a marked company; and when membership
    follows the company, every contact of a marked contact's company."""
    marked = changed_since(after, upto)
    if not (by_company or reads_companies):
        return marked
    companies: Any = marked
    parts: list[Select[Any]] = [marked]
    if by_company:
        company_of = select(contacts.c.company_id).where(
            contacts.c.id.in_(marked), contacts.c.company_id.is_not(None)
        )
        parts.append(company_of)
        companies = union(marked, company_of)
    parts.append(select(contacts.c.id).where(contacts.c.company_id.in_(companies)))
    return union(*parts)


def refresh_segment(
    session: Session, header: SegmentHeader, *, user: str, picked: Picked | None = None
) -> RefreshResult:
    """Apply the delta between the segment's lines and its definition now (X4). With
    `picked` (each step's contacts computed on Spark over a lake, issue 16) every contact is
    evaluated, and the next refresh in the database evaluates in full again: the lake's
    data is not what the database's change sequence follows."""
    found = definition(session, header.id)
    upto = watermark(session)
    full = picked is not None or needs_full(session, header, found)
    if not full and upto == header.refreshed_seq:  # nothing changed since: nothing to read
        return _done(session, header, None, 0, 0, full=full)
    action_no = record_action(
        session, header, action=SegmentAction.REFRESH, criteria=found.criteria(), user=user
    )
    after = None if full else header.refreshed_seq or 0
    added, removed = _apply_delta(
        session, header, found, after=after, upto=upto, picked=picked, action_no=action_no
    )
    header.refreshed_seq = upto if picked is None else None
    mark_seen(session, header)
    if not (added or removed):
        forget_action(session, header.id, action_no)
        return _done(session, header, None, 0, 0, full=full)
    count_action(session, header.id, action_no, added=added, removed=removed)
    lines_changed(session, header)
    finish(session, header, came_on=added)
    return _done(session, header, action_no, added, removed, full=full)


def _done(
    session: Session,
    header: SegmentHeader,
    action_no: int | None,
    added: int,
    removed: int,
    *,
    full: bool,
) -> RefreshResult:
    """The result, with the lines on the segment as its header keeps them."""
    header.refreshed_at = now()
    session.flush()
    return RefreshResult(
        header.no, action_no, added, removed, no_of_lines(session, header.id), full
    )


def _apply_delta(
    session: Session,
    header: SegmentHeader,
    found: Definition,
    *,
    after: int | None,
    upto: int,
    picked: Picked | None,
    action_no: int,
) -> tuple[int, int]:
    """Mark removed the lines of the contacts that leave and add those that join, evaluating
    every contact (`after` None) or those changed after `after`; (added, removed)."""
    member = membership(session, header, found, picked=picked)
    leaving = select(contacts.c.id).where(not_(member))
    staged = None
    if after is not None:
        scope = affected(
            after, upto, by_company=found.by_company, reads_companies=found.reads_companies
        )
        staged = stage_scope(session, scope, member)
        member = contacts.c.id.in_(select(staged.c.id).where(staged.c.member == true()))
        leaving = select(staged.c.id).where(staged.c.member == false())
    removed = _remove_leaving(session, header, leaving, action_no=action_no)
    excepted = exists().where(
        exceptions.c.segment_id == header.id, exceptions.c.contact_id == contacts.c.id
    )
    added = insert_lines(
        session,
        header,
        candidates=and_(member, not_(excepted)),
        action_no=action_no,
        options=REFRESH_OPTIONS,
    )
    if staged is not None:
        staged.drop(session.connection())
    return added, removed


def stage_scope(session: Session, scope: Any, member: ColumnElement[bool]) -> Table:
    """The contacts a refresh by delta evaluates, each with whether the definition holds it
    now, in a temporary table: the definition is evaluated once, then the removal and the
    insert read this small table instead of evaluating it again on the wide contact rows."""
    staged = REFRESH_SCOPE
    connection = session.connection()
    staged.drop(connection, checkfirst=True)
    staged.create(connection)
    chosen = select(contacts.c.id, member.label("member")).where(contacts.c.id.in_(scope))
    staged_rows = execute_counted(session, insert(staged).from_select(["id", "member"], chosen))
    # A new temporary table has no statistics: PostgreSQL would plan the removal and the
    # insert for a couple of thousand rows whatever the delta (SPEC §9).
    analyze(session, staged.name, rows=staged_rows)
    return staged


def _remove_leaving(
    session: Session, header: SegmentHeader, leaving: Select[Any], *, action_no: int
) -> int:
    """Mark removed the lines, not added by hand, of the contacts `leaving` selects; the
    lines are found from those contacts through the (segment, removed action, contact)
    index ((segment, contact) on PostgreSQL), so a small delta reads few lines however
    large the segment."""
    manual = select(criteria_lines.c.action_no).where(
        criteria_lines.c.segment_id == header.id, criteria_lines.c.manual == true()
    )
    removed = execute_counted(
        session,
        update(lines)
        .where(
            on_segment(header.id),
            lines.c.contact_id.in_(leaving),
            lines.c.added_action.not_in(manual),
        )
        .values(removed_action=action_no),
    )
    lines_moved(session, header.id, by=-removed)
    return removed
