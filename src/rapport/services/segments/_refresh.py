"""The refresh of a dynamic segment inside a use case's transaction (X4): the membership its
definition gives now, applied as a delta, as one recorded action.

Only the contacts marked in the change sequence since the segment's last refresh are
evaluated (a company's mark counts for its persons; with options that follow a company —
expansion, related companies, entire companies — for the whole company), unless the
definition moved on its own: never refreshed, criteria or header changed since, a value
relative to today on another day, or a segment it reads changed; then every contact is.
Lines added by hand are never removed, contacts removed by hand (the exceptions) never
added; a refresh that changes nothing records nothing.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from sqlalchemy import ColumnElement, Select, and_, exists, not_, select, true, union, update
from sqlalchemy.orm import Session

from rapport.domain.enums import SegmentAction
from rapport.services.segments._definition import Definition, definition, membership
from rapport.services.segments._dependencies import changed_references, lines_changed, mark_seen
from rapport.services.segments._lines import contacts, insert_lines, lines
from rapport.services.segments._propagation import no_of_lines
from rapport.services.segments._recording import finish, record_action
from rapport.services.segments.results import AddOptions
from rapport.storage.changes import changed_since, watermark
from rapport.storage.db import execute_counted
from rapport.storage.segment_lines import on_segment
from rapport.storage.tables import SegmentCriteriaLine, SegmentException, SegmentHeader, table_of

exceptions = table_of(SegmentException)
criteria_lines = table_of(SegmentCriteriaLine)
# The refresh's own definition carries consent and exclusion; the insert checks consent again.
REFRESH_OPTIONS = AddOptions(ignore_exclusion=True)


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


def now() -> dt.datetime:
    return dt.datetime.now(dt.UTC).replace(tzinfo=None)


def needs_full(session: Session, header: SegmentHeader, found: Definition) -> bool:
    """Whether the delta cannot be trusted and every contact must be evaluated."""
    if header.refreshed_seq is None or header.refreshed_at is None:
        return True
    if found.dated and header.refreshed_at.date() != dt.date.today():
        return True
    return changed_references(session, header)


def affected(after: int, upto: int, *, by_company: bool) -> Any:
    """The contacts a change since `after` may move: those marked, the persons of a marked
    company and, when membership follows the company, every contact of a marked contact's
    company."""
    marked = changed_since(after, upto)
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


def refresh_segment(session: Session, header: SegmentHeader, *, user: str) -> RefreshResult:
    """Apply the delta between the segment's lines and its definition now (X4)."""
    found = definition(session, header.id)
    upto = watermark(session)
    full = needs_full(session, header, found)
    if not full and upto == header.refreshed_seq:  # nothing changed since: nothing to read
        header.refreshed_at = now()
        return RefreshResult(header.no, None, 0, 0, no_of_lines(session, header.id), full)
    scope = None if full else affected(header.refreshed_seq or 0, upto, by_company=found.by_company)
    member = membership(session, header, found)
    row = record_action(
        session, header, action=SegmentAction.REFRESH, criteria=found.criteria(), user=user
    )
    removed = _remove_leaving(session, header, scope, member, action_no=row.action_no)
    excepted = exists().where(
        exceptions.c.segment_id == header.id, exceptions.c.contact_id == contacts.c.id
    )
    in_scope = [] if scope is None else [contacts.c.id.in_(scope)]
    added = insert_lines(
        session,
        header,
        candidates=and_(*in_scope, member, not_(excepted)),
        action_no=row.action_no,
        options=REFRESH_OPTIONS,
    )
    header.refreshed_seq, header.refreshed_at = upto, now()
    mark_seen(session, header)
    action_no: int | None = row.action_no
    if added or removed:
        row.no_of_lines_added, row.no_of_lines_removed = added, removed
        lines_changed(session, header)
        finish(session, header, rows=added + removed)
    else:
        session.delete(row)
        action_no = None
    session.flush()
    return RefreshResult(
        header.no, action_no, added, removed, no_of_lines(session, header.id), full
    )


def _remove_leaving(
    session: Session,
    header: SegmentHeader,
    scope: Any,
    member: ColumnElement[bool],
    *,
    action_no: int,
) -> int:
    """Mark removed the lines, not added by hand, of contacts in `scope` (None: every
    contact) that the definition no longer holds; the lines are found from the contacts in
    scope, so a small delta reads few lines however large the segment."""
    manual = select(criteria_lines.c.action_no).where(
        criteria_lines.c.segment_id == header.id, criteria_lines.c.manual == true()
    )
    source: Any = lines.join(contacts, contacts.c.id == lines.c.contact_id)
    if scope is not None:
        changed = scope.cte("changed")
        source = changed.join(lines, lines.c.contact_id == changed.c.id).join(
            contacts, contacts.c.id == lines.c.contact_id
        )
    leaving = (
        select(lines.c.id)
        .select_from(source)
        .where(on_segment(header.id), lines.c.added_action.not_in(manual), not_(member))
    )
    return execute_counted(
        session, update(lines).where(lines.c.id.in_(leaving)).values(removed_action=action_no)
    )
