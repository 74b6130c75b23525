"""Which lines of a segment a reduce or a refine removes (S4, S5): the lines whose contact
matches the criteria (with entire companies, every line of a matching company), written in
the form each engine plans well."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from sqlalchemy import ColumnElement, and_, exists, func, or_, select

from rapport.criteria.driven import relation_driven_exists, relation_driven_ids
from rapport.criteria.fields import CONTACTS
from rapport.criteria.value import Criteria
from rapport.domain.enums import SegmentAction
from rapport.services._likely import likely_condition
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
    larger); the lines are `on_it` when the caller read them, else the header's count."""
    highest = session.scalar(select(func.max(contacts.c.id))) or 0
    bound = int(highest * LINES_PER_CONTACT_PROBED)
    if bound == 0:
        return False
    return (no_of_lines(session, segment_id) if on_it is None else on_it) < bound


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
    and memberships are tested on the relations' rows, through their code indexes, in the
    form each engine plans well (`_line_among`), also when the caller `negated` the
    condition (a refine keeps the matching lines), unless the segment has `few_lines`
    (`on_it` when the caller counted them); other criteria, and the lines of such a
    segment, test each line's own contact where it is, the probing terms of an `and` least
    likely first where that counts (services/_likely.py, as an add's)."""
    driven = relation_driven_ids(criteria.tree) if criteria.subject is CONTACTS else None
    if driven is not None and few_lines(session, segment_id, on_it=on_it):
        driven = None
    if driven is not None and not entire_companies:
        return _line_among(session, criteria, driven, negated=negated)
    matches = likely_condition(session, criteria)
    own: ColumnElement[bool]
    if driven is not None:
        own = _line_among(session, criteria, driven, negated=negated)
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


def _line_among(
    session: Db, criteria: Criteria, driven: Any, *, negated: bool
) -> ColumnElement[bool]:
    """A line whose contact is among the matching contacts `driven`: for a reduce, which
    removes the lines for which it is true, and for a refine (`negated`), which removes
    those for which it is not (lines without a contact too). Measured at 1M contacts on a
    segment of 500,000 lines:

    - SQLite's reduce: the line's contact IN the set, found once (0.30 s against 0.62 s
      with one EXISTS per relation); its refine: one EXISTS per relation
      (`relation_driven_exists`), which probes each relation's index per line (in a new
      process 0.74–0.77 s, against 0.86–0.88 s with an IN each relation's list, 0.98 s
      with NOT IN the set, and 1.58 × the hand-written refine reading each line's contact
      row);
    - PostgreSQL's reduce: one EXISTS per relation, which the planner hashes when a
      relation's matching rows fit in memory and probes per line otherwise (1.29 s against
      1.45 s for the lines hashed against the set, whose UNION spilled to disk); its
      refine: EXISTS a row of the set naming the line's contact, which NOT (…) anti-joins
      (2.22 s against 3.13 s with one EXISTS per relation, in the benchmark's vacuumed
      database; NOT IN a set larger than work_mem is scanned once per line: past 12
      minutes). The set is read as it is, not through `contacts`: the UPDATE took
      0.97–0.99 s against 1.24–1.37 s with each line's contact row joined to it first.

    A refine's statement reads `NOT (…)` of this; the negation of a boolean function
    element, `(…) = 0` on SQLite, took 0.58 s of CPU where `NOT (…)` took 0.47 s."""
    among = lines.c.contact_id.in_(driven)
    # None only for criteria that `driven` (built from the same tree) refused already
    probed = relation_driven_exists(criteria.tree, lines.c.contact_id)
    if is_postgresql(session):
        if negated:
            matching = driven.subquery()
            return exists().where(matching.c[0] == lines.c.contact_id)
        return among if probed is None else probed
    if negated:
        return and_(lines.c.contact_id.is_not(None), among if probed is None else probed)
    return among


def removal_scope(
    session: Db,
    header: SegmentHeader,
    action: SegmentAction,
    criteria: Criteria,
    *,
    entire_companies: bool,
    matched: ColumnElement[bool] | None = None,
) -> tuple[int, list[ColumnElement[bool]]]:
    """The lines on the segment (its header's count) and the lines a reduce (those that
    match) or a refine (those that do not, and lines without a contact) removes: what a
    removal and its preview start from (the lines left are that count less those removed;
    the count also chooses how lines are matched, `few_lines`). `matched`, when given, is the lines
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
