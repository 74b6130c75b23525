"""Which segment lines are on their segment: the one predicate every query uses, and the
count of them each segment's header keeps.

A line leaves its segment when an action removes it (`removed_action` is set to that action)
and comes back when the action is undone, so that undo restores it exactly; a removed line
is history, not membership (SPEC S8, X5).

The header's `no_of_lines` is the number of lines on the segment. Every statement that adds
lines, marks them removed, restores them or deletes them moves it by the lines it moved
(`lines_moved`, `empty_segment`, `delete_counted`), in the same transaction: an action, its
preview and the segment list read it instead of counting the segment's lines, which on
PostgreSQL reads the table (the removal mark is in no index there, migration 0017): 0.14–
0.17 s of a reduce at 1M contacts (SPEC §9).
"""

from __future__ import annotations

from collections import Counter
from typing import TYPE_CHECKING, Any

from sqlalchemy import ColumnElement, FromClause, and_, delete, func, select, update

from rapport.storage.db import execute_counted, is_postgresql
from rapport.storage.schema import segment_headers
from rapport.storage.schema import segment_lines as segment_lines

if TYPE_CHECKING:
    from rapport.storage.db import Db


def on_segment(segment: Any = None, *, lines: FromClause = segment_lines) -> ColumnElement[bool]:
    """The lines still on their segment; with `segment` (an id or a column), on that one.
    `lines` may be an alias of the segment lines."""
    still = lines.c.removed_action.is_(None)
    return still if segment is None else and_(lines.c.segment_id == segment, still)


def delete_lines(session: Db, *where: ColumnElement[bool]) -> int:
    """Delete the lines matching `where` (a segment's, or some of them); the lines deleted.

    On SQLite, those on their segment, then the removed ones: each statement walks the
    (segment, removed action, contact) index, in the order an add writes its lines (by
    contact id), so the table's pages are read in order. With the segment alone in its
    condition, SQLite walked the (segment, line no.) index instead, in line order, to rows
    scattered across the table: 100,000 lines took 0.40–0.48 s to delete, against
    0.22–0.23 s (an undo), and 0.30–0.34 s against 0.13 s (a log's, on a segment copied in
    line order). PostgreSQL's index is (segment, contact), without the removal mark
    (migration 0017): one statement reads the segment's lines once."""
    lines = segment_lines
    if is_postgresql(session):
        return execute_counted(session, delete(lines).where(*where))
    return sum(
        execute_counted(session, delete(lines).where(*where, state))
        for state in (lines.c.removed_action.is_(None), lines.c.removed_action.is_not(None))
    )


def lines_moved(session: Db, segment_id: int, *, by: int) -> None:
    """`by` lines came onto the segment (negative: left it)."""
    if by:
        session.execute(
            update(segment_headers)
            .where(segment_headers.c.id == segment_id)
            .values(no_of_lines=segment_headers.c.no_of_lines + by)
        )


def empty_segment(session: Db, segment_id: int) -> int:
    """Delete every line of the segment, removed ones too (an undo back before the first
    action, a criteria reset, a log, a deletion), its count then 0; the lines deleted."""
    deleted = delete_lines(session, segment_lines.c.segment_id == segment_id)
    session.execute(
        update(segment_headers).where(segment_headers.c.id == segment_id).values(no_of_lines=0)
    )
    return deleted


def delete_counted(session: Db, *where: ColumnElement[bool]) -> int:
    """Delete the lines matching `where`, of any segment (a contact's, when it is deleted or
    merged into another), each segment counting off those that were on it: the statement
    returns them, so a line another transaction put on a segment meanwhile is counted off
    as it goes. The lines deleted (a contact's few)."""
    # The removal mark itself: SQLite 3.40 answered `removed_action IS NULL` with 0 for a
    # line it found through the (contact, segment) index, which does not hold the mark.
    gone = session.execute(
        delete(segment_lines)
        .where(*where)
        .returning(segment_lines.c.segment_id, segment_lines.c.removed_action)
    ).all()
    for segment_id, on_it in Counter(s for s, mark in gone if mark is None).items():
        lines_moved(session, segment_id, by=-on_it)
    return len(gone)


def counted_lines(session: Db, segment_id: int, *where: ColumnElement[bool]) -> int:
    """The lines on the segment that match `where`, counted from the lines themselves (not
    read from the header)."""
    counted = select(func.count()).select_from(segment_lines)
    return int(session.scalar(counted.where(on_segment(segment_id), *where)) or 0)
