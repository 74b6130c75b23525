"""Segments: create, read, list and edit segments (S1, S2).

A header edit takes Business Central's validation and its propagation to the lines
(reference §1.1.1) as the explicit `update_lines` choice (BC's dialog default: yes), with
the quirk fixes of SPEC §4: a template change carries the template's cost, duration, flow
and the correspondence type rule to the lines, and language and *ignore contact
correspondence type* changes propagate like the other fields. Bulk line updates are single
UPDATE statements over the lines in scope.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence

from sqlalchemy import func, select

from rapport.services.segments._fields import LINE_FIELDS
from rapport.services.segments._lines import contacts, lines, sync_campaign_targets
from rapport.services.segments._propagation import (
    SegmentRead,
    apply_header_field,
    get_header,
    new_header,
    read,
)
from rapport.services.segments.results import SegmentLine
from rapport.storage.db import Sessions, reading
from rapport.storage.segment_lines import on_segment
from rapport.storage.tables import SegmentHeader

__all__ = [
    "SegmentLine",
    "SegmentRead",
    "create_segment",
    "get",
    "get_all",
    "get_lines",
    "set_header",
]


def create_segment(
    sessions: Sessions,
    *,
    description: str,
    user: str,
    values: Sequence[tuple[str, str]] = (),
) -> SegmentRead:
    """S1: a new segment numbered from the segment series, dated today, with the user's
    salesperson, then the given header fields applied in order with their validation;
    returns the new header (`segment show` without its lines)."""
    with sessions.begin() as session:
        header = new_header(session, description=description, user=user)
        for field, value in values:
            apply_header_field(session, header, field, value, update_lines=True)
        return read(session, header)


def get(sessions: Sessions, no: str) -> SegmentRead:
    with reading(sessions) as session:
        return read(session, get_header(session, no))


def get_all(sessions: Sessions) -> list[SegmentRead]:
    """Every segment with its counts (segments are few; their lines are not listed here)."""
    with reading(sessions) as session:
        headers = session.scalars(select(SegmentHeader).order_by(SegmentHeader.no)).all()
        return [read(session, header) for header in headers]


def get_lines(sessions: Sessions, no: str, *, limit: int | None = None) -> Iterator[SegmentLine]:
    """The lines on the segment in line order, streamed, with the contact's no. and names."""
    company = contacts.alias("company")
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
            .where(on_segment(header.id))
            .order_by(lines.c.line_no)
            .limit(limit)
        )
        for row in session.execute(query.execution_options(yield_per=2000)):
            values = dict(row._mapping)
            values["contact_no"] = values["contact_no"] or ""
            # BC's Contact Name shows persons only; a company line shows its company name.
            if values.pop("contact_type") != "person":
                values["contact_name"] = ""
            yield SegmentLine(**values)


def set_header(
    sessions: Sessions, no: str, *, values: Sequence[tuple[str, str]], update_lines: bool = True
) -> SegmentRead:
    """S2: change header fields in the order given; `update_lines` answers BC's question
    "do you want to update the segment lines?" (default yes)."""
    with sessions.begin() as session:
        header = get_header(session, no, lock=True)
        for field, value in values:
            apply_header_field(session, header, field, value, update_lines=update_lines)
        sync_campaign_targets(session, header)
        return read(session, header)
