"""A segment's lines a page at a time, and one header or line with its version (SPEC §7):
keyset pages (the line no.) that cost the same on the first and on the thousandth page,
the criteria language on the lines' contacts, and the version a later change names
(`versions`). The segment list is `overview.get_all`.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Generic, TypeVar

from sqlalchemy import Select, func, select
from sqlalchemy.orm import Session

from rapport.services._criteria import CriteriaSource, optional_criteria
from rapport.services.segments._fields import LINE_FIELDS
from rapport.services.segments._lines import contacts, lines
from rapport.services.segments._propagation import SegmentRead, get_header, read
from rapport.services.segments._reading import missing_line
from rapport.services.segments.line_edits import _get_line
from rapport.services.segments.results import SegmentLine
from rapport.services.segments.versions import Versioned, version_of
from rapport.storage.db import Sessions, reading
from rapport.storage.segment_lines import on_segment
from rapport.storage.tables import SegmentHeader

T = TypeVar("T")


@dataclass(frozen=True)
class Chunk(Generic[T]):
    """One page of a list: its rows, and whether rows follow the last one."""

    items: list[T]
    more: bool


# The lines' company, aliased once: an alias's columns are gathered on first use, which
# costs more than the rest of a page's statement.
_company = contacts.alias("company")


def lines_select(segment_id: int) -> Select[Any]:
    """The lines on a segment in line order, with the contact's no. and names (the shape of
    `segment show --json`'s lines)."""
    return (
        select(
            lines.c.line_no,
            contacts.c.no.label("contact_no"),
            contacts.c.name.label("contact_name"),
            contacts.c.type.label("contact_type"),
            lines.c.contact_company_no,
            func.coalesce(_company.c.name, "").label("contact_company_name"),
            *(lines.c[name] for name in LINE_FIELDS),
        )
        .select_from(
            lines.outerjoin(contacts, contacts.c.id == lines.c.contact_id).outerjoin(
                _company, _company.c.no == lines.c.contact_company_no
            )
        )
        .where(on_segment(segment_id))
        .order_by(lines.c.line_no)
    )


def line_values(row: Any) -> SegmentLine:
    """A row of `lines_select` as the line it shows."""
    values = dict(row._mapping)
    values["contact_no"] = values["contact_no"] or ""
    # BC's Contact Name shows persons only; a company line shows its company name.
    if values.pop("contact_type") != "person":
        values["contact_name"] = ""
    return SegmentLine(**values)


def get_lines_page(
    sessions: Sessions,
    no: str,
    *,
    limit: int,
    after: int | None = None,
    where: CriteriaSource | None = None,
) -> Chunk[SegmentLine]:
    """The lines on segment `no` after line `after`, at most `limit`; `where` keeps the
    lines whose contact matches the criteria (checked before the segment is read)."""
    criteria = optional_criteria(where, database=sessions)
    matches = criteria.condition() if criteria is not None else None
    with reading(sessions) as session:
        header = get_header(session, no)
        query = lines_select(header.id).limit(limit + 1)
        if after is not None:
            query = query.where(lines.c.line_no > after)
        if matches is not None:
            query = query.where(matches)
        rows = session.execute(query).all()
    return Chunk([line_values(row) for row in rows[:limit]], more=len(rows) > limit)


def get_versioned(sessions: Sessions, no: str) -> Versioned[SegmentRead]:
    """S1: the segment's header with its counts, and its version."""
    with reading(sessions) as session:
        header = get_header(session, no)
        return Versioned(read(session, header), version_of(header))


def get_line_versioned(sessions: Sessions, no: str, line_no: int) -> Versioned[SegmentLine]:
    """S5: line `line_no` on segment `no` (the shape of the lines list), and its version."""
    with reading(sessions) as session:
        header = get_header(session, no)
        return Versioned(
            line_read(session, header, line_no), version_of(_get_line(session, header, line_no))
        )


def line_read(session: Session, header: SegmentHeader, line_no: int) -> SegmentLine:
    row = session.execute(lines_select(header.id).where(lines.c.line_no == line_no)).one_or_none()
    if row is None:
        raise missing_line(header.no, line_no)
    return line_values(row)
