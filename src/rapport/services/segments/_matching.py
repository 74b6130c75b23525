"""Which lines of a segment a reduce or a refine removes (S4, S5): the lines whose contact
matches the criteria (with entire companies, every line of a matching company), written in
the form each engine plans well."""

from __future__ import annotations

from typing import Any

from sqlalchemy import Boolean, ColumnElement, and_, exists, func, literal, or_, select
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.orm import Session
from sqlalchemy.sql.functions import FunctionElement

from rapport.criteria.compile_sql import relation_driven_ids
from rapport.criteria.fields import CONTACTS
from rapport.criteria.value import Criteria
from rapport.domain.enums import SegmentAction
from rapport.services.segments._lines import contacts, lines
from rapport.storage.segment_lines import on_segment
from rapport.storage.tables import SegmentHeader

LINES_PER_CONTACT_PROBED = 0.25


def few_lines(session: Session, segment_id: int) -> bool:
    """Whether the segment holds fewer lines than a quarter of the contact base: its lines
    are then tested one by one against the relations' indexes rather than hashed against
    every contact the criteria match. The set costs the same whatever the segment (at 10M
    contacts it holds millions: a refine of 500,000 lines took 33 s against 4.6 s probing
    per line), the probes cost per line (at 1M contacts, 500,000 lines, the set was the
    faster, 4.5 s against 5.1 s); a quarter leaves a margin on the set's side. The contact
    base is read as its highest id (an index's last entry; deleted contacts only make it
    larger) and the lines are counted no further than that quarter."""
    highest = session.scalar(select(func.max(contacts.c.id))) or 0
    bound = int(highest * LINES_PER_CONTACT_PROBED)
    if bound == 0:
        return False
    some = select(literal(1)).where(on_segment(segment_id)).limit(bound).subquery()
    return int(session.scalar(select(func.count()).select_from(some)) or 0) < bound


def matched_lines(
    session: Session,
    segment_id: int,
    criteria: Criteria,
    *,
    entire_companies: bool,
    negated: bool = False,
) -> ColumnElement[bool]:
    """The lines on the segment whose contact matches; with `entire_companies`, every line of
    a company any of whose contacts matches (reference §2.6). Criteria made of relations
    and memberships find the matching contacts once, from the relations' code indexes, and
    the lines are hashed against that set, unless the segment has `few_lines`; other
    criteria, and the lines of such a segment, test each line's own contact where it is.

    For a condition the caller `negated` (a refine keeps the matching lines), a line is
    tested against the set in the form each engine plans well (`_KeptLine`)."""
    matches = criteria.condition()
    driven = relation_driven_ids(criteria.tree) if criteria.subject is CONTACTS else None
    if driven is not None and few_lines(session, segment_id):
        driven = None
    own: ColumnElement[bool]
    if driven is not None and negated:
        own = _KeptLine(
            exists().where(contacts.c.id == lines.c.contact_id, contacts.c.id.in_(driven)),
            and_(lines.c.contact_id.is_not(None), lines.c.contact_id.in_(driven)).self_group(),
        )
    elif driven is not None:
        own = lines.c.contact_id.in_(driven)
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


class _KeptLine(FunctionElement[bool]):
    """A line whose contact is among a set of matching contacts, for a refine, which removes
    the lines for which it is not true (lines without a contact too). Written as EXISTS its
    contact among the set on PostgreSQL, where NOT IN over a set larger than work_mem is not
    hashed but scanned once per line (a refine of 500,000 lines at 1M contacts ran past 12
    minutes) while NOT EXISTS is an anti-join; and as its contact IN the set on SQLite, which
    builds the set once and probes it per line, where EXISTS also reads each line's contact
    row (1.58 × the hand-written refine at 1M). The set holds no NULL (relation keys and
    members' contacts), so NOT IN is exact there."""

    inherit_cache = True
    name = "bc_kept_line"
    type = Boolean()


@compiles(_KeptLine)
def _kept_by_exists(element: _KeptLine, compiler: Any, **kw: Any) -> str:
    by_exists, _ = element.clauses
    return str(compiler.process(by_exists, **kw))


@compiles(_KeptLine, "sqlite")
def _kept_by_membership(element: _KeptLine, compiler: Any, **kw: Any) -> str:
    _, by_membership = element.clauses
    return str(compiler.process(by_membership, **kw))


def removal_scope(
    session: Session,
    header: SegmentHeader,
    action: SegmentAction,
    criteria: Criteria,
    *,
    entire_companies: bool,
    matched: ColumnElement[bool] | None = None,
) -> list[ColumnElement[bool]]:
    """The lines a reduce (those that match) or a refine (those that do not, and lines
    without a contact) removes; `matched`, when given, is the lines that match, computed
    elsewhere (on Spark, companies already expanded). A refine's own test is NOT EXISTS of
    the line's contact among the matches, true of a line without a contact too, so it
    stands alone and PostgreSQL anti-joins (under an OR it probes once per line)."""
    reducing = action is SegmentAction.REDUCE
    if matched is not None:
        return [
            on_segment(header.id),
            matched if reducing else ~matched | lines.c.contact_id.is_(None),
        ]
    test = matched_lines(
        session, header.id, criteria, entire_companies=entire_companies, negated=not reducing
    )
    return [on_segment(header.id), test if reducing else ~test]
