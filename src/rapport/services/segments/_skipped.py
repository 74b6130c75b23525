"""Why an add left contacts out (S3, X7): the candidates that were not put on the segment
because they are privacy blocked, opted out of the line's correspondence type, or excluded
from segments, counted in one query.

Each skipped contact is counted once, under the first reason that applies in that order
(privacy blocked, opted out, excluded; exclusion only when it is not ignored). Contacts
already on the segment are not counted: they are not new to it. The query starts from the
few flagged contacts (partial indexes on the two flags, the opt-out table) and checks the
criteria only for those, so it costs next to nothing on a large add.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from sqlalchemy import ColumnElement, and_, case, false, func, not_, select, true, union

from rapport.services.segments._lines import (
    Candidates,
    contacts,
    correspondence_type,
    not_on_segment,
    opted_out,
)
from rapport.services.segments.results import AddOptions, Skipped
from rapport.storage import schema

if TYPE_CHECKING:
    from rapport.storage.db import Db
    from rapport.storage.tables import SegmentHeader


def _flagged() -> Any:
    opt_outs = schema.contact_opt_outs
    return union(
        select(contacts.c.id).where(contacts.c.privacy_blocked == true()),
        select(contacts.c.id).where(contacts.c.excluded == true()),
        select(opt_outs.c.contact_id),
    )


def count_skipped(
    session: Db,
    header: SegmentHeader,
    *,
    candidates: Candidates,
    options: AddOptions,
) -> Skipped:
    """The candidates of an add that its consent and exclusion rules left out, by reason
    (the opt-out that counts is the one of the line's default correspondence type)."""
    line_type = correspondence_type(session, header)
    blocked = contacts.c.privacy_blocked == true()
    refused = and_(not_(blocked), opted_out(line_type))
    excluded: ColumnElement[bool] = (
        and_(not_(blocked), not_(opted_out(line_type)), contacts.c.excluded == true())
        if not options.ignore_exclusion
        else false()
    )
    conditions: list[ColumnElement[bool]] = [contacts.c.id.in_(_flagged())]
    if not options.allow_existing:
        conditions.append(not_on_segment(header.id))
    totals = [
        func.coalesce(func.sum(case((why, 1), else_=0)), 0) for why in (excluded, blocked, refused)
    ]
    if isinstance(candidates, ColumnElement):
        query = select(*totals).where(candidates, *conditions)
    else:
        source = candidates.subquery("candidates")
        query = (
            select(*totals)
            .select_from(contacts.join(source, source.c.id == contacts.c.id))
            .where(*conditions)
        )
    row = session.execute(query).one()
    return Skipped(excluded=int(row[0]), privacy_blocked=int(row[1]), opted_out=int(row[2]))
