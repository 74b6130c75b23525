"""Dynamic segments (X4): refresh one or all by delta, the exceptions of a segment.

A dynamic segment's criteria actions are its standing definition (`segment set SEG
dynamic=true`); a refresh applies the difference between its lines and what the definition
gives now as one recorded action (so history, explain and undo work on it), evaluating only
the contacts changed since its last refresh (`_refresh`). `refresh_all` refreshes every
dynamic segment — or those whose schedule is due — after the segments each one reads, each
in its own transaction, and goes on past one that fails.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import func, select, true
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session

from rapport.domain.schedule import interval
from rapport.errors import N_, NotFound, RapportError
from rapport.services.segments._dependencies import dependency_order, exceptions, lift_exception
from rapport.services.segments._lines import contacts
from rapport.services.segments._propagation import get_header
from rapport.services.segments._refresh import RefreshResult, now, refresh_segment, require_dynamic
from rapport.storage.changes import mark, prune
from rapport.storage.db import Sessions, reading
from rapport.storage.tables import SegmentHeader

__all__ = [
    "RefreshOutcome",
    "RefreshResult",
    "SegmentExceptionRead",
    "due",
    "get_exceptions",
    "refresh",
    "refresh_all",
    "remove_exception",
]


@dataclass(frozen=True)
class RefreshOutcome:
    """One segment of `refresh --all` (SPEC: `[{"segment", "added", "removed",
    "no_of_lines", "error"}]`); `error` is None when it was refreshed."""

    segment: str
    added: int
    removed: int
    no_of_lines: int
    error: str | None = None


@dataclass(frozen=True)
class SegmentExceptionRead:
    """A contact removed by hand from a dynamic segment, kept out of its refreshes."""

    contact_no: str
    contact_name: str
    action_no: int


def refresh(sessions: Sessions, segment_no: str, *, user: str) -> RefreshResult:
    """X4: bring the dynamic segment's lines to what its definition gives now, by delta,
    as one recorded action (none when nothing changed)."""
    with sessions.begin() as session:
        header = get_header(session, segment_no, lock=True)
        require_dynamic(header)
        read_from = header.refreshed_seq
        result = refresh_segment(session, header, user=user)
        moved = header.refreshed_seq != read_from
    if moved:
        _prune(sessions)
    return result


def refresh_all(
    sessions: Sessions, *, user: str, only_due: bool = False, at: dt.datetime | None = None
) -> list[RefreshOutcome]:
    """X4 (for cron, and `rapport serve` with `only_due`): refresh every dynamic segment,
    each after the segments it reads; a segment that fails is reported and the others go
    on."""
    with reading(sessions) as session:
        nos = due(session, at=at) if only_due else _dynamic_nos(session)
        query = select(SegmentHeader.no, SegmentHeader.id).where(SegmentHeader.no.in_(nos))
        ids = {row.no: row.id for row in session.execute(query)}
        by_id = {i: no for no, i in ids.items()}
        ordered = [by_id[i] for i in dependency_order(session, sorted(ids.values()))]
    return [_refresh_one(sessions, no, user=user) for no in ordered]


def _refresh_one(sessions: Sessions, no: str, *, user: str) -> RefreshOutcome:
    try:
        result = refresh(sessions, no, user=user)
    except (RapportError, SQLAlchemyError) as exc:
        return RefreshOutcome(no, 0, 0, 0, error=str(exc).splitlines()[0])
    return RefreshOutcome(no, result.added, result.removed, result.no_of_lines)


def _dynamic_nos(session: Session) -> list[str]:
    query = select(SegmentHeader.no).where(SegmentHeader.dynamic == true())
    return list(session.scalars(query.order_by(SegmentHeader.no)))


def due(session: Session, *, at: dt.datetime | None = None) -> list[str]:
    """The dynamic segments whose schedule (`refresh_every`) has come round at `at`."""
    moment = at or now()
    rows = session.execute(
        select(SegmentHeader.no, SegmentHeader.refresh_every, SegmentHeader.refreshed_at)
        .where(SegmentHeader.dynamic == true(), SegmentHeader.refresh_every != "")
        .order_by(SegmentHeader.no)
    ).all()
    found = []
    for no, every, refreshed_at in rows:
        step = interval(every)
        if step is not None and (refreshed_at is None or refreshed_at + step <= moment):
            found.append(no)
    return found


def _prune(sessions: Sessions) -> None:
    """Drop the changes every dynamic segment has read (its own short transaction). A
    segment never refreshed evaluates in full and needs none."""
    with sessions.begin() as session:
        lowest = session.scalar(
            select(func.min(SegmentHeader.refreshed_seq)).where(SegmentHeader.dynamic == true())
        )
        if lowest:
            prune(session, upto=int(lowest))


def get_exceptions(sessions: Sessions, segment_no: str) -> list[SegmentExceptionRead]:
    """X4: the contacts removed by hand from the segment, which refreshes leave out."""
    with reading(sessions) as session:
        header = get_header(session, segment_no)
        rows = session.execute(
            select(contacts.c.no, contacts.c.name, exceptions.c.action_no)
            .join(exceptions, exceptions.c.contact_id == contacts.c.id)
            .where(exceptions.c.segment_id == header.id)
            .order_by(contacts.c.no)
        ).all()
        return [SegmentExceptionRead(*row) for row in rows]


def remove_exception(
    sessions: Sessions, segment_no: str, *, contact_no: str
) -> list[SegmentExceptionRead]:
    """X4: take a contact off the exceptions (the next refresh may add it); returns the
    exceptions left. NotFound when the contact is not on the list."""
    key = contact_no.strip().upper()
    with sessions.begin() as session:
        header = get_header(session, segment_no, lock=True)
        ids = select(contacts.c.id).where(contacts.c.no == key)
        if not lift_exception(session, header, contact_ids=ids):
            raise NotFound(
                N_("Contact {key} is not on the exceptions of segment {no}.", key=key, no=header.no)
            )
        mark(session, ids)  # it may qualify again: the next refresh evaluates it
    return get_exceptions(sessions, segment_no)
