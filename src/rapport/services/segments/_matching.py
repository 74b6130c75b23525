"""Which lines of a segment a reduce or a refine removes (S4, S5): the lines whose contact
matches the criteria (with entire companies, every line of a matching company), written in
the form each engine plans well."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from sqlalchemy import ColumnElement, and_, exists, func, literal, or_, select

from rapport.criteria.driven import relation_driven_exists, relation_driven_ids
from rapport.criteria.fields import CONTACTS
from rapport.criteria.value import Criteria
from rapport.domain.enums import SegmentAction
from rapport.services.segments._lines import contacts, lines
from rapport.services.segments._reading import no_of_lines
from rapport.storage.db import is_postgresql
from rapport.storage.segment_lines import on_segment

if TYPE_CHECKING:
    from rapport.storage.db import Db
    from rapport.storage.tables import SegmentHeader

LINES_PER_CONTACT_PROBED = 0.25


def few_lines(session: Db, segment_id: int, *, on_it: int | None = None) -> bool:
    """Whether the segment holds fewer lines than a quarter of the contact base: its lines
    are then tested one by one against the relations' indexes rather than hashed against
    every contact the criteria match. The set costs the same whatever the segment (at 10M
    contacts it holds millions: a refine of 500,000 lines took 33 s against 4.6 s probing
    per line), the probes cost per line (at 1M contacts, 500,000 lines, the set was the
    faster, 4.5 s against 5.1 s); a quarter leaves a margin on the set's side. The contact
    base is read as its highest id (an index's last entry; deleted contacts only make it
    larger); the lines are `on_it` when the caller counted them, else counted no further
    than that quarter."""
    highest = session.scalar(select(func.max(contacts.c.id))) or 0
    bound = int(highest * LINES_PER_CONTACT_PROBED)
    if bound == 0:
        return False
    if on_it is not None:
        return on_it < bound
    some = select(literal(1)).where(on_segment(segment_id)).limit(bound).subquery()
    return int(session.scalar(select(func.count()).select_from(some)) or 0) < bound


def matched_lines(
    session: Db,
    segment_id: int,
    criteria: Criteria,
    *,
    entire_companies: bool,
    negated: bool = False,
    on_it: int | None = None,
) -> ColumnElement[bool]:
    """The lines on the segment whose contact matches; with `entire_companies`, every line of
    a company any of whose contacts matches (reference §2.6). Criteria made of relations
    and memberships find the matching contacts once, from the relations' code indexes, and
    the lines are hashed against that set, unless the segment has `few_lines` (`on_it`
    when the caller counted them); other
    criteria, and the lines of such a segment, test each line's own contact where it is.

    For a condition the caller `negated` (a refine keeps the matching lines), a line is
    tested against the set in the form each engine plans well (`_kept_line`)."""
    matches = criteria.condition()
    driven = relation_driven_ids(criteria.tree) if criteria.subject is CONTACTS else None
    if driven is not None and few_lines(session, segment_id, on_it=on_it):
        driven = None
    own: ColumnElement[bool]
    if driven is not None and negated:
        own = _kept_line(session, criteria, driven)
    elif driven is not None:
        own = _matching_line(session, criteria, driven)
    else:
        own = exists().where(contacts.c.id == lines.c.contact_id, matches)
    if not entire_companies:
        return own
    companies = select(contacts.c.company_id).where(matches, contacts.c.company_id.is_not(None))
    if negated:
        return or_(
            own,
            exists().where(
                contacts.c.id == lines.c.contact_id,
                contacts.c.company_id.in_(companies.correlate(None)),
            ),
        )
    colleagues = select(contacts.c.id).where(contacts.c.company_id.in_(companies))
    return or_(own, lines.c.contact_id.in_(colleagues.correlate(None)))


def _matching_line(session: Db, criteria: Criteria, driven: Any) -> ColumnElement[bool]:
    """A line whose contact is among the matching contacts `driven`, for a reduce, which
    removes the lines for which it is true.

    On SQLite: its contact IN the set, found once (the reduce at 1M: 0.65 × the hand-written
    statement, which probes each line). On PostgreSQL: one EXISTS per relation
    (`relation_driven_exists`), which the planner hashes when a relation's matching rows
    fit in its memory and probes line by line otherwise; the set hashed against the lines
    spilled its UNION to disk (a reduce of 500,000 lines at 1M: 1.45 s against 1.29 s)."""
    if is_postgresql(session):
        tested = relation_driven_exists(criteria.tree, lines.c.contact_id)
        if tested is not None:  # always: it is built from the same criteria as `driven`
            return tested
    return lines.c.contact_id.in_(driven)


def _kept_line(session: Db, criteria: Criteria, driven: Any) -> ColumnElement[bool]:
    """A line whose contact is among the matching contacts `driven`, for a refine, which
    removes the lines for which it is not true (lines without a contact too).

    On PostgreSQL: EXISTS its contact among the set, where NOT IN over a set larger than
    work_mem is not hashed but scanned once per line (a refine of 500,000 lines at 1M
    contacts ran past 12 minutes) while NOT EXISTS is an anti-join. On SQLite: one EXISTS
    per relation (`relation_driven_exists`), which probes the relation's index per line;
    at 1M contacts, a refine of 500,000 lines in a new process took 0.74–0.77 s that way
    against 0.86–0.88 s with an `IN` each relation's list and 0.98 s with an `IN` the one
    combined set (the contact row itself, read per line, had been 1.58 × the hand-written
    refine). The refine's statement reads `NOT (…)`; the negation of a boolean function
    element, `(…) = 0` on SQLite, took 0.58 s of CPU where `NOT (…)` took 0.47 s."""
    if is_postgresql(session):
        return exists().where(contacts.c.id == lines.c.contact_id, contacts.c.id.in_(driven))
    tested = relation_driven_exists(criteria.tree, lines.c.contact_id)
    if tested is None:  # not for criteria `driven` was built from; the set then
        tested = lines.c.contact_id.in_(driven)
    return and_(lines.c.contact_id.is_not(None), tested)


def counted_removal(
    session: Db,
    header: SegmentHeader,
    action: SegmentAction,
    criteria: Criteria,
    *,
    entire_companies: bool,
    matched: ColumnElement[bool] | None = None,
) -> tuple[int, list[ColumnElement[bool]]]:
    """The lines on the segment, counted once, and the lines a reduce (those that match) or
    a refine (those that do not, and lines without a contact) removes: what a removal and
    its preview start from (the lines left are that count less those removed; the count
    also chooses how lines are matched, `few_lines`). `matched`, when given, is the lines
    that match, computed elsewhere (on Spark, companies already expanded). A refine's own
    test is NOT EXISTS of the line's contact among the matches, true of a line without a
    contact too, so it stands alone and PostgreSQL anti-joins (under an OR it probes once
    per line)."""
    on_it = no_of_lines(session, header.id)
    reducing = action is SegmentAction.REDUCE
    if matched is not None:
        test = matched if reducing else ~matched | lines.c.contact_id.is_(None)
        return on_it, [on_segment(header.id), test]
    test = matched_lines(
        session,
        header.id,
        criteria,
        entire_companies=entire_companies,
        negated=not reducing,
        on_it=on_it,
    )
    return on_it, [on_segment(header.id), test if reducing else ~test]
