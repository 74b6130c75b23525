"""Segments page by page, for screens: the segment list searched by a plain word and the
lines of one segment filtered by criteria, both paged by keyset (S7, SPEC §7, §8). The
list is read by the statement of the API's and the command line's (`overview.get_all`).

A page is read with `limit + 1` rows so that whether another page follows is known without
counting; nothing here counts all the lines of a segment (the header's count is the one
the card shows).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import func, select

from rapport.criteria import condition, parse
from rapport.services.segments import overview
from rapport.services.segments._fields import LINE_FIELDS
from rapport.services.segments._lines import contacts, lines
from rapport.services.segments._propagation import get_header
from rapport.services.segments._reading import key
from rapport.services.segments.overview import SegmentFilter
from rapport.services.segments.results import SegmentRead
from rapport.storage.db import Sessions, reading

MAX_PAGE = 200


@dataclass(frozen=True)
class SegmentPage:
    items: list[SegmentRead]
    next_after: str | None


@dataclass(frozen=True)
class LinePage:
    items: list[dict[str, Any]]
    next_after: int | None


def _limit(limit: int) -> int:
    return max(1, min(limit, MAX_PAGE))


def get_page(sessions: Sessions, *, q: str = "", after: str = "", limit: int = 25) -> SegmentPage:
    """S1: the segments after segment no. `after` in number order whose no. or description
    contains `q` (any case, its `%` and `_` as themselves), with their counts: the list's
    one statement (`overview.get_all`) with one row more than the page, to tell whether
    another page follows."""
    size = _limit(limit)
    found = overview.get_all(
        sessions,
        filters=SegmentFilter(q=q),
        after=key(after) if after.strip() else None,
        limit=size + 1,
    )
    items = found[:size]
    return SegmentPage(items=items, next_after=items[-1].no if len(found) > size else None)


def get_lines_page(
    sessions: Sessions, no: str, *, criteria: str = "", after: int = 0, limit: int = 50
) -> LinePage:
    """The lines on segment `no` after line `after` in line order, those whose contact
    matches `criteria` when given, with the contact's no., name and company name."""
    size = _limit(limit)
    company = contacts.alias("company")
    matches = condition(parse(criteria)) if criteria.strip() else None
    with reading(sessions) as session:
        header = get_header(session, no)
        query = (
            select(
                lines.c.line_no,
                contacts.c.no.label("contact_no"),
                contacts.c.name.label("contact_name"),
                contacts.c.type.label("contact_type"),
                lines.c.contact_company_no,
                func.coalesce(company.c.name, "").label("contact_company_name"),
                *(lines.c[name] for name in LINE_FIELDS),
            )
            .select_from(
                lines.outerjoin(contacts, contacts.c.id == lines.c.contact_id).outerjoin(
                    company, company.c.no == lines.c.contact_company_no
                )
            )
            .where(
                lines.c.segment_id == header.id,
                lines.c.removed_action.is_(None),
                lines.c.line_no > after,
            )
            .order_by(lines.c.line_no)
            .limit(size + 1)
        )
        if matches is not None:
            query = query.where(matches)
        rows = [dict(row._mapping) for row in session.execute(query)]
    items = rows[:size]
    for item in items:
        item["contact_no"] = item["contact_no"] or ""
    return LinePage(items=items, next_after=items[-1]["line_no"] if len(rows) > size else None)
