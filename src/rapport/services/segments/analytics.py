"""Segment analytics (X6): a segment's composition by a contact field or relation, and the
overlap between segments, each one set-based statement (GROUP BY) over the lines on the
segments, for the CLI (`segment stats`, `segment overlap`), the API and the web card's
charts alike.

`by` names a contact field of the criteria registry (country, salesperson, language, type,
correspondence_type …) or a relation (industry_group, mailing_group, job_responsibility,
business_relation, web_source), counted by its code; a relation kept on the company
(industry group, business relation) is read on the contact's company, as the criteria do.
A contact with several codes counts once under each; a contact with none under "". A
relation row is unique per contact and code, so a plain count(*) per group counts lines.
Given the server's `accelerator`, the same counts come from its bitmaps when it keeps `by`.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from sqlalchemy import and_, func, select

from rapport.criteria import fields as registry
from rapport.errors import N_, Invalid
from rapport.services.segments._lines import contacts, lines
from rapport.services.segments._propagation import get_header
from rapport.services.segments._reading import no_of_lines
from rapport.storage.db import Sessions, reading

if TYPE_CHECKING:  # the accelerator (numpy, pyroaring) loads only in the server
    from rapport.services.segments.accelerator import Accelerator

MAX_GROUPS = 50  # the largest groups are listed; the rest are summed as "(other)"
MAX_OVERLAP = 12  # segments compared at once


@dataclass(frozen=True)
class Group:
    value: str
    lines: int


@dataclass(frozen=True)
class Composition:
    """X6: how the lines of a segment divide by `by`."""

    segment_no: str
    by: str
    no_of_lines: int
    groups: list[Group]
    other: int  # lines in the groups past MAX_GROUPS


@dataclass(frozen=True)
class Overlap:
    """X6: contacts on both segments, for every pair (the diagonal: each segment's own)."""

    segment_nos: list[str]
    counts: list[list[int]]


def _dimension(by: str) -> tuple[Any, Any]:
    """The grouped column and the join that reaches it from the line's contact."""
    name = by.strip().lower()
    try:
        field = registry.contact_field(name)
        return contacts.c[field.column], None
    except registry.UnknownName as unknown:
        try:
            rel = registry.relation(name)
        except registry.UnknownName:
            raise Invalid(unknown.message, where="by") from None
    if rel.shorthand is None:
        raise Invalid(N_("{name} has no code to group by", name=rel.name), where="by")
    table = rel.table
    owner = func.coalesce(contacts.c.company_id, contacts.c.id) if rel.on_company else contacts.c.id
    column = table.c[rel.fields[rel.shorthand].column]
    return column, (table, table.c.contact_id == owner)


def stats(
    sessions: Sessions, segment_no: str, *, by: str, accelerator: Accelerator | None = None
) -> Composition:
    """X6: the lines on the segment counted by the contact's `by`, largest groups first."""
    column, join = _dimension(by)
    value = func.coalesce(column, "").label("value")
    with reading(sessions) as session:
        header = get_header(session, segment_no)
        if accelerator is not None:
            from rapport.services.segments import _accel_preview

            fast = _accel_preview.groups(accelerator, session, header.id, by)
            if fast is not None:
                return _composition(header.no, by, [Group(*g) for g in fast[0]], fast[1])
        source = lines.join(contacts, contacts.c.id == lines.c.contact_id)
        if join is not None:
            source = source.outerjoin(join[0], join[1])
        query = (
            select(value, func.count().label("lines"))
            .select_from(source)
            .where(lines.c.segment_id == header.id, lines.c.removed_action.is_(None))
            .group_by(value)
            .order_by(func.count().desc(), value)
        )
        rows = session.execute(query).all()
        total = no_of_lines(session, header.id)
    groups = [Group(value=str(row.value), lines=int(row.lines)) for row in rows]
    return _composition(header.no, by, groups, total)


def _composition(no: str, by: str, groups: list[Group], total: int) -> Composition:
    return Composition(
        segment_no=no,
        by=by.strip().lower(),
        no_of_lines=total,
        groups=groups[:MAX_GROUPS],
        other=sum(group.lines for group in groups[MAX_GROUPS:]),
    )


def overlap(
    sessions: Sessions,
    segment_nos: Sequence[str],
    *,
    accelerator: Accelerator | None = None,
    addressed: int = 0,
) -> Overlap:
    """X6: for each pair of the segments, how many contacts are on both (one GROUP BY over
    a self-join of their lines). The first `addressed` of them are the caller's own (the
    segment of an address); one of the others that is not there is NotFound naming
    `segments`, the input that listed it."""
    nos = list(dict.fromkeys(no.strip().upper() for no in segment_nos))
    if not 2 <= len(nos) <= MAX_OVERLAP:
        raise Invalid(N_("give 2 to {most} different segments", most=MAX_OVERLAP), where="segments")
    with reading(sessions) as session:
        ids = [
            get_header(session, no, field=None if index < addressed else "segments").id
            for index, no in enumerate(nos)
        ]
        if accelerator is not None:
            from rapport.services.segments import _accel_preview

            counted = _accel_preview.overlap(accelerator, session, ids)
            if counted is not None:
                return Overlap(segment_nos=nos, counts=counted)
        a, b = lines.alias("a"), lines.alias("b")
        query = (
            select(a.c.segment_id, b.c.segment_id, func.count(func.distinct(a.c.contact_id)))
            .select_from(
                a.join(
                    b,
                    and_(
                        b.c.contact_id == a.c.contact_id,
                        b.c.segment_id.in_(ids),
                        b.c.removed_action.is_(None),
                    ),
                )
            )
            .where(a.c.segment_id.in_(ids), a.c.removed_action.is_(None))
            .group_by(a.c.segment_id, b.c.segment_id)
        )
        found = {(x, y): int(n) for x, y, n in session.execute(query)}
    return Overlap(segment_nos=nos, counts=[[found.get((x, y), 0) for y in ids] for x in ids])
