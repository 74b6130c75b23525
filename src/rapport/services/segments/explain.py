"""Explain (X3): for one contact and one segment, which actions put it there or took it off
(its entries and exits in the membership log, `history.events_of`) and which parts of each
action's criteria the contact matches now; for a contact that was never on the segment,
why each add by criteria left it out: the parts it does not match, or the consent or
exclusion rule of an add (`_rules`, X7) that leaves it out."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING

from sqlalchemy import Engine, exists, false, select

from rapport.domain.enums import SegmentAction
from rapport.errors import N_, NO_FIELD, does_not_exist
from rapport.services.segments._reading import read_header
from rapport.services.segments.history import MembershipEvent, events_of
from rapport.storage import schema
from rapport.storage.db import reading_connection
from rapport.storage.segment_lines import on_segment

if TYPE_CHECKING:
    from rapport.storage.db import Db, Sessions
    from rapport.storage.tables import SegmentHeader

criteria_lines = schema.segment_criteria_lines
contacts, lines = schema.contacts, schema.segment_lines


@dataclass(frozen=True)
class MatchedPart:
    """X3: one top-level part of an action's criteria, and whether the contact matches it."""

    criteria: str
    matches: bool


@dataclass(frozen=True)
class ExplainedEvent(MembershipEvent):
    """X3: an entry or exit, with the parts of its action's criteria the contact matches."""

    matched: tuple[MatchedPart, ...] = ()


@dataclass(frozen=True)
class LeftOut:
    """X3: an add by criteria that never put the contact on the segment: the parts of its
    criteria the contact matches now and, when it matches them all, the rule that leaves
    it out of an add now (`skipped`: privacy_blocked, opted_out or excluded, as an add's
    `skipped` counts; "" when none does, and the contact or the add's data changed since)."""

    action_no: int
    criteria: str
    user_id: str
    created_at: dt.datetime | None
    matched: tuple[MatchedPart, ...]
    skipped: str


@dataclass(frozen=True)
class Explanation:
    """X3: how one contact came on (or off) a segment, action by action; for a contact that
    was never on it, why each add by criteria left it out (`left_out`)."""

    segment_no: str
    contact_no: str
    contact_name: str
    on_segment: bool
    line_nos: list[int]
    events: tuple[ExplainedEvent, ...]
    left_out: tuple[LeftOut, ...] = ()


def explain(database: Sessions | Engine, segment_no: str, contact_no: str) -> Explanation:
    """X3: which actions put the contact on the segment or took it off, and which parts of
    each action's criteria the contact matches now; for a contact never on the segment,
    why each add by criteria left it out (`left_out`)."""
    with reading_connection(database) as session:
        header = read_header(session, segment_no)
        contact = session.execute(
            select(contacts.c.id, contacts.c.no, contacts.c.name).where(
                contacts.c.no == contact_no.strip().upper()
            )
        ).one_or_none()
        if contact is None:
            raise does_not_exist(N_("Contact"), (NO_FIELD, contact_no.strip().upper()))
        events = tuple(
            ExplainedEvent(
                **vars(event), matched=_matched_parts(session, contact.id, event.criteria)
            )
            for event in events_of(session, header.id, contact.no)
        )
        active = list(
            session.scalars(
                select(lines.c.line_no)
                .where(
                    on_segment(header.id),
                    lines.c.contact_id == contact.id,
                )
                .order_by(lines.c.line_no)
            )
        )
        return Explanation(
            segment_no=header.no,
            contact_no=contact.no,
            contact_name=contact.name,
            on_segment=bool(active),
            line_nos=active,
            events=events,
            left_out=() if events else tuple(_left_out(session, header, contact.id)),
        )


def _left_out(session: Db, header: SegmentHeader, contact_id: int) -> Iterator[LeftOut]:
    """Each add by criteria of the segment, for a contact it never put there: the parts of
    its criteria the contact matches now, and the consent or exclusion rule (with the add's
    own ignore exclusion) that leaves it out of an add now (`_rules`)."""
    # The lines' rules: imported when a contact never on the segment is explained.
    from rapport.services.segments._lines import correspondence_type
    from rapport.services.segments._rules import exclusion_rules, reason_of
    from rapport.services.segments.results import AddOptions

    adds = session.execute(
        select(
            criteria_lines.c.action_no,
            criteria_lines.c.criteria,
            criteria_lines.c.ignore_exclusion,
            criteria_lines.c.user_id,
            criteria_lines.c.created_at,
        )
        .where(
            criteria_lines.c.segment_id == header.id,
            criteria_lines.c.action == SegmentAction.ADD.value,
            criteria_lines.c.manual == false(),
            criteria_lines.c.criteria != "",
        )
        .order_by(criteria_lines.c.action_no)
    ).all()
    line_type = correspondence_type(session, header) if adds else None
    for action_no, criteria, ignore_exclusion, user, at in adds:
        matched = _matched_parts(session, contact_id, criteria)
        skipped = ""
        if line_type is not None and all(part.matches for part in matched):
            rules = exclusion_rules(
                session, line_type, AddOptions(ignore_exclusion=ignore_exclusion)
            )
            number = session.scalar(select(reason_of(rules)).where(contacts.c.id == contact_id))
            skipped = rules[number - 1].reason if number else ""
        yield LeftOut(action_no, criteria, user, at, matched, skipped)


def _matched_parts(session: Db, contact_id: int, text: str) -> tuple[MatchedPart, ...]:
    """Each part of the criteria (its top-level terms) and whether the contact matches it."""
    # The grammar: imported when explain runs, not when the CLI starts.
    from rapport.criteria import condition, parts
    from rapport.criteria.parser import parse

    result = []
    for part_text, part in parts(parse(text)):
        hit = session.scalar(select(exists().where(contacts.c.id == contact_id, condition(part))))
        result.append(MatchedPart(part_text, bool(hit)))
    return tuple(result)
