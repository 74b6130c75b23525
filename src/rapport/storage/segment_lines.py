"""Which segment lines are on their segment: the one predicate every query uses.

A line leaves its segment when an action removes it (`removed_action` is set to that action)
and comes back when the action is undone, so that undo restores it exactly; a removed line
is history, not membership (SPEC S8, X5).
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import ColumnElement, FromClause, and_

from rapport.storage.schema import segment_lines as segment_lines


def on_segment(segment: Any = None, *, lines: FromClause = segment_lines) -> ColumnElement[bool]:
    """The lines still on their segment; with `segment` (an id or a column), on that one.
    `lines` may be an alias of the segment lines."""
    still = lines.c.removed_action.is_(None)
    return still if segment is None else and_(lines.c.segment_id == segment, still)
