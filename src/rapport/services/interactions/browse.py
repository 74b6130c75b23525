"""Browsing interaction log entries (L6) and logged segments (L5) a page at a time: the
criteria filter of each list's registry and a plain search, read by keyset on the entry no.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import ColumnElement, and_, func, or_, true

from rapport.criteria import ENTRIES, Criteria, Subject
from rapport.services._criteria import optional_criteria
from rapport.services.interactions import entries, logged
from rapport.storage.db import Sessions, reading


@dataclass(frozen=True)
class EntryPage:
    """One page of entries (the rows of `interactions list`); `next_after` continues it."""

    items: tuple[entries.EntryRead, ...]
    next_after: int | None


@dataclass(frozen=True)
class LoggedPage:
    items: tuple[logged.LoggedSegmentRead, ...]
    next_after: int | None


def contains(columns: Sequence[Any], text: str) -> ColumnElement[bool]:
    """Any of `columns` contains `text`, in any case (LIKE wildcards in `text` are literal)."""
    escaped = text.strip().lower()
    for special in ("\\", "%", "_"):
        escaped = escaped.replace(special, "\\" + special)
    pattern = f"%{escaped}%"
    return or_(*(func.lower(column).like(pattern, escape="\\") for column in columns))


def _checked(
    sessions: Sessions, criteria: Criteria | None, subject: Subject
) -> list[ColumnElement[bool]]:
    checked = optional_criteria(criteria, database=sessions, subject=subject)
    return [] if checked is None else [checked.condition()]


def entry_page(
    sessions: Sessions,
    *,
    criteria: Criteria | None = None,
    search: str = "",
    after: int | None = None,
    size: int = 50,
) -> EntryPage:
    """L6: the entries after entry no. `after` matching the criteria and the search (in the
    contact's no. and name, the template, the description and the segment no.)."""
    where = _checked(sessions, criteria, ENTRIES)
    if search.strip():
        columns = (
            entries.contacts.c.no,
            entries.contacts.c.name,
            entries.entries.c.interaction_template_code,
            entries.entries.c.description,
            entries.entries.c.segment_no,
        )
        where.append(contains(columns, search))
    if after is not None:
        where.append(entries.entries.c.entry_no > after)
    query = entries.listing(and_(true(), *where))
    query = query.order_by(entries.entries.c.entry_no).limit(size + 1)
    with reading(sessions) as session:
        found = tuple(entries.EntryRead(**row._mapping) for row in session.execute(query))
    following = found[size - 1].entry_no if len(found) > size else None
    return EntryPage(found[:size], following)


def logged_page(
    sessions: Sessions,
    *,
    criteria: Criteria | None = None,
    search: str = "",
    after: int | None = None,
    size: int = 50,
) -> LoggedPage:
    """L5: the logged segments after entry no. `after` matching the criteria and the search
    (in the segment no., the description and the user)."""
    where = logged.selected(sessions, where=criteria, search=search)
    if after is not None:
        where.append(logged.logged.c.entry_no > after)
    query = logged.with_counts().where(*where).limit(size + 1)
    with reading(sessions) as session:
        found = tuple(logged.LoggedSegmentRead(**row._mapping) for row in session.execute(query))
    following = found[size - 1].entry_no if len(found) > size else None
    return LoggedPage(found[:size], following)
