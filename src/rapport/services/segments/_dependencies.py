"""Which dynamic segments read which segments with `segment(NO)` (X4): kept in
`segment_dependencies` whenever a dynamic segment's definition changes, so that a refresh
knows whether a referenced segment changed since, `--all` refreshes in dependency order,
a cycle is refused when the criteria are set, and a referenced segment is not deleted,
logged away or made static."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING, Any

from sqlalchemy import Row, Select, and_, delete, insert, literal, select, true, update

from rapport.errors import N_, Conflict, Invalid, Text
from rapport.storage import schema

if TYPE_CHECKING:
    from sqlalchemy.orm import Session

    from rapport.services.segments._definition import Definition
    from rapport.storage.db import Db
    from rapport.storage.tables import SegmentHeader

dependencies = schema.segment_dependencies
headers = schema.segment_headers
exceptions = schema.segment_exceptions
lifted = schema.segment_lifted_exceptions
lines = schema.segment_lines


def set_dependencies(session: Db, header: SegmentHeader, found: Definition) -> None:
    """Record the segments `found` references for the dynamic segment `header`: each must
    exist, and none may lead back to it (Invalid naming the cycle). The next refresh
    evaluates in full."""
    session.execute(delete(dependencies).where(dependencies.c.segment_id == header.id))
    session.execute(update(headers).where(headers.c.id == header.id).values(refreshed_seq=None))
    if not isinstance(header, Row):  # a mapped header its session holds: kept in step
        header.refreshed_seq = None
    if not header.dynamic:
        return
    ids: dict[str, int] = {}
    for no in sorted(found.referenced):
        referenced = session.scalar(select(headers.c.id).where(headers.c.no == no))
        if referenced is None:
            raise Invalid(
                N_(
                    "the definition of segment {no} reads segment({read}), which does not exist",
                    no=header.no,
                    read=no,
                ),
                field="criteria",
            )
        ids[no] = referenced
    for no, referenced in ids.items():
        path = _path(session, referenced, header.id)
        if path is not None:
            cycle = " → ".join([header.no, no, *path[1:]]) if path else f"{header.no} → {no}"
            raise Invalid(
                N_("segment({no}) makes a cycle: {cycle}", no=no, cycle=cycle), field="criteria"
            )
    if ids:
        session.execute(
            insert(dependencies),
            [
                {"segment_id": header.id, "referenced_id": i, "seen_version": None}
                for i in ids.values()
            ],
        )


def set_dynamic(session: Session, header: SegmentHeader, dynamic: bool) -> None:
    """X4: the criteria actions become the segment's standing definition (its references
    checked for cycles), or stop being one (refused while a dynamic segment reads it)."""
    if header.dynamic and not dynamic:
        refuse_if_referenced(session, header, doing=N_("made static"))
    header.dynamic = dynamic
    session.flush()
    set_dependencies(session, header, _definition(session, header.id))


def _definition(session: Db, segment_id: int) -> Definition:
    """The segment's definition (imported here: the criteria engine loads only for a
    dynamic segment, not for every undo)."""
    from rapport.services.segments._definition import definition

    return definition(session, segment_id)


def _path(session: Db, start: int, goal: int) -> list[str] | None:
    """The segment nos. from `start` to `goal` along dynamic segments' references (both
    ends included), or None when `goal` cannot be reached."""
    if start == goal:
        return []
    seen = {start}
    queue: list[tuple[int, list[str]]] = [(start, [_no(session, start)])]
    while queue:
        current, trail = queue.pop(0)
        for nxt in session.scalars(
            select(dependencies.c.referenced_id).where(dependencies.c.segment_id == current)
        ):
            if nxt == goal:
                return [*trail, _no(session, goal)]
            if nxt not in seen:
                seen.add(nxt)
                queue.append((nxt, [*trail, _no(session, nxt)]))
    return None


def _no(session: Db, segment_id: int) -> str:
    return str(session.scalar(select(headers.c.no).where(headers.c.id == segment_id)))


def referencing(session: Db, header: SegmentHeader) -> list[str]:
    """The nos. of the dynamic segments whose definition reads `header`."""
    return list(
        session.scalars(
            select(headers.c.no)
            .join(dependencies, dependencies.c.segment_id == headers.c.id)
            .where(dependencies.c.referenced_id == header.id, headers.c.dynamic == true())
            .order_by(headers.c.no)
        )
    )


def refuse_if_referenced(session: Db, header: SegmentHeader, *, doing: Text) -> None:
    """Conflict naming the dynamic segments that read `header`, if any."""
    found = referencing(session, header)
    if len(found) == 1:
        raise Conflict(
            N_(
                "Segment {no} cannot be {doing}: the dynamic segment {found} reads it with "
                "segment({no}).",
                no=header.no,
                doing=doing,
                found=found[0],
            )
        )
    if found:
        raise Conflict(
            N_(
                "Segment {no} cannot be {doing}: the dynamic segments {found} read it with "
                "segment({no}).",
                no=header.no,
                doing=doing,
                found=", ".join(found),
            )
        )


def changed_references(session: Session, header: SegmentHeader) -> bool:
    """Whether a segment the definition reads changed since this one's last refresh."""
    stale = (
        select(dependencies.c.referenced_id)
        .join(headers, headers.c.id == dependencies.c.referenced_id)
        .where(
            dependencies.c.segment_id == header.id,
            (dependencies.c.seen_version.is_(None))
            | (dependencies.c.seen_version != headers.c.membership_version),
        )
        .limit(1)
    )
    return session.scalar(stale) is not None


def mark_seen(session: Session, header: SegmentHeader) -> None:
    """The referenced segments' versions as this refresh read them."""
    version = (
        select(headers.c.membership_version)
        .where(headers.c.id == dependencies.c.referenced_id)
        .scalar_subquery()
    )
    session.execute(
        update(dependencies)
        .where(dependencies.c.segment_id == header.id)
        .values(seen_version=version)
    )


def lines_changed(session: Db, header: SegmentHeader) -> None:
    """The segment's lines changed: segments reading it re-evaluate in full next time."""
    session.execute(
        update(headers)
        .where(headers.c.id == header.id)
        .values(membership_version=headers.c.membership_version + 1)
    )


def contacts_lines_changed(session: Session, contact_ids: Sequence[int]) -> None:
    """Lines of these contacts changed outside an action (a merge of contacts, K5): every
    segment holding one of them counts as changed for the segments that read it."""
    holding = select(lines.c.segment_id).where(lines.c.contact_id.in_(contact_ids))
    session.execute(
        update(headers)
        .where(headers.c.id.in_(holding))
        .values(membership_version=headers.c.membership_version + 1)
    )


def dependency_order(session: Session, ids: Iterable[int]) -> list[int]:
    """`ids` with every segment after the segments it reads (the graph has no cycle)."""
    wanted = list(ids)
    edges: dict[int, set[int]] = {i: set() for i in wanted}
    for segment_id, referenced in session.execute(
        select(dependencies.c.segment_id, dependencies.c.referenced_id).where(
            dependencies.c.segment_id.in_(wanted)
        )
    ):
        if referenced in edges:
            edges[segment_id].add(referenced)
    ordered: list[int] = []
    placed: set[int] = set()

    def place(node: int) -> None:
        if node in placed:
            return
        placed.add(node)
        for before in sorted(edges[node]):
            place(before)
        ordered.append(node)

    for node in wanted:
        place(node)
    return ordered


def undo_dynamic(session: Db, header: SegmentHeader, *, to: int, changed: bool) -> None:
    """Undo back to action `to` (S8, X5) on a dynamic segment: the exceptions made after it
    go, those lifted after it come back, its definition is read again and the next refresh
    evaluates every contact."""
    if changed:
        lines_changed(session, header)
    of_segment = exceptions.c.segment_id == header.id
    session.execute(delete(exceptions).where(of_segment, exceptions.c.action_no > to))
    undone = and_(lifted.c.segment_id == header.id, lifted.c.lifted_action > to)
    session.execute(
        insert(exceptions).from_select(
            ["segment_id", "contact_id", "action_no"],
            select(lifted.c.segment_id, lifted.c.contact_id, lifted.c.action_no).where(
                undone, lifted.c.action_no <= to
            ),
        )
    )
    session.execute(delete(lifted).where(undone))
    if header.dynamic:
        set_dependencies(session, header, _definition(session, header.id))


def forget_lifted(session: Db, header: SegmentHeader) -> None:
    """The criteria actions were reset (the history goes): the exceptions in force stay,
    as made before every action, and those lifted are forgotten."""
    session.execute(delete(lifted).where(lifted.c.segment_id == header.id))
    session.execute(
        update(exceptions).where(exceptions.c.segment_id == header.id).values(action_no=0)
    )


def except_contacts(
    session: Session, header: SegmentHeader, *, contact_ids: Select[Any], action_no: int
) -> None:
    """X4: contacts removed by hand from a dynamic segment stay out of its refreshes (an
    exception they had already is lifted by this action, to come back if it is undone)."""
    if not header.dynamic:
        return
    lift_exception(session, header, contact_ids=contact_ids, action_no=action_no)
    session.execute(
        insert(exceptions).from_select(
            ["segment_id", "contact_id", "action_no"],
            select(literal(header.id), contact_ids.subquery().c[0], literal(action_no)),
        )
    )


def lift_exception(
    session: Session,
    header: SegmentHeader,
    *,
    contact_ids: Select[Any],
    action_no: int | None = None,
) -> int:
    """X4: a contact added by hand again, or taken off the list, may come back by refresh.
    When an action (`action_no`) lifts it, the exception is kept aside for its undo (not
    after a reset of the criteria actions, action 0: there is nothing left to undo)."""
    of_contacts = and_(
        exceptions.c.segment_id == header.id, exceptions.c.contact_id.in_(contact_ids)
    )
    if action_no:
        session.execute(
            insert(lifted).from_select(
                ["segment_id", "contact_id", "lifted_action", "action_no"],
                select(
                    exceptions.c.segment_id,
                    exceptions.c.contact_id,
                    literal(action_no),
                    exceptions.c.action_no,
                ).where(of_contacts),
            )
        )
    result = session.execute(
        delete(exceptions).where(of_contacts), execution_options={"preserve_rowcount": True}
    )
    return int(getattr(result, "rowcount", 0) or 0)
