"""Segment history: the criteria actions in plain language (S7), undo to any earlier action
(S8, X5) and the membership log of every entry and exit (X5); explain (X3) is `explain`.

History lives on the lines: each line records the action that added it and, once removed,
the action that removed it. Undoing back to action N is therefore three statements —
delete the lines added after N, put back the lines removed after N, drop the criteria
lines after N — and restores the exact lines, numbers and edits included, which goes
beyond Business Central's Go Back (that re-derives restored lines, reference §2.8).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Protocol

from sqlalchemy import Engine, Row, and_, delete, or_, select, update

from rapport.errors import N_, Invalid
from rapport.services.segments._after import changed, finish
from rapport.services.segments._dependencies import undo_dynamic
from rapport.services.segments._reading import no_of_criteria_actions, no_of_lines, read_header
from rapport.storage import schema
from rapport.storage.db import execute_counted, reading_connection, writing_connection
from rapport.storage.segment_lines import (
    counted_lines,
    delete_lines,
    empty_segment,
    lines_moved,
)

if TYPE_CHECKING:
    from rapport.storage.db import Db, Sessions
    from rapport.storage.tables import SegmentHeader

criteria_lines = schema.segment_criteria_lines
contacts, lines = schema.contacts, schema.segment_lines

# An event's place in the membership log: (action no., line no.), unique on a segment.
EventKey = tuple[int, int]


@dataclass(frozen=True)
class UndoResult:
    undone: list[int]
    no_of_lines: int
    no_of_criteria_actions: int


@dataclass(frozen=True)
class CriteriaLineRead:
    action_no: int
    action: str
    criteria: str
    description: str
    allow_existing_contacts: bool
    expand_contact: bool
    allow_company_with_persons: bool
    ignore_exclusion: bool
    entire_companies: bool
    manual: bool
    no_of_lines_added: int
    no_of_lines_removed: int
    user_id: str
    created_at: dt.datetime | None


@dataclass(frozen=True)
class MembershipEvent:
    """X5: a contact's entry on the segment or exit from it (`event`), by one action."""

    action_no: int
    contact_no: str
    line_no: int
    action: str
    criteria: str
    user_id: str
    created_at: dt.datetime | None
    event: str  # "entry" or "exit"


def go_back(
    database: Sessions | Engine, segment_no: str, *, to: int | None = None, user: str = ""
) -> UndoResult:
    """S8 (to = the previous action) and X5 (to = any earlier action, 0 = before the first):
    every action after `to` is undone, in one transaction (reported as `segment.changed`).
    Through Core: `rapport segment undo` runs it on its engine without the ORM (SPEC §9)."""
    with writing_connection(database) as session:
        header = read_header(session, segment_no, lock=True)
        count = no_of_criteria_actions(session, header.id)
        if count == 0:
            raise Invalid(N_("Segment {no} has no criteria action to undo.", no=header.no))
        target = count - 1 if to is None else to
        if target == count:
            raise Invalid(
                N_(
                    "segment {no} is at action {count} already: no action comes after it to undo",
                    no=header.no,
                    count=count,
                ),
                field="to_action",
            )
        if not 0 <= target < count:
            raise Invalid(
                N_(
                    "there is no action {target} to go back to on segment {no} "
                    "(it has actions 1 to {count}; 0 undoes them all)",
                    target=target,
                    no=header.no,
                    count=count,
                ),
                field="to_action",
            )
        actions = _undo_after(session, header, target)
        undo_dynamic(session, header, to=target, changed=bool(actions))
        finish(session, header, came_on=sum(a.no_of_lines_removed for a in actions))
        undone = [action.action_no for action in actions]
        changed(
            session,
            header,
            action="undo",
            user=user,
            action_no=target,
            added=sum(a.no_of_lines_removed for a in actions),
            removed=sum(a.no_of_lines_added for a in actions),
            undone=undone,
        )
        return UndoResult(
            undone=undone,
            no_of_lines=no_of_lines(session, header.id),
            no_of_criteria_actions=target,
        )


def _undo_after(session: Db, header: SegmentHeader, target: int) -> list[Row[int, int, int]]:
    """Undo every action of `header` after `target` in the caller's transaction: lines they
    added go, lines they removed come back, their criteria lines go; the header's count of
    lines moves by as many. Returns the undone actions.

    When the undone actions only added or only removed lines, each line they added is still
    on the segment, so the lines deleted and those restored are exactly the change; when
    they did both, the lines they added and then removed are deleted too, and only those
    still on the segment are counted off."""
    actions = list(
        session.execute(
            select(
                criteria_lines.c.action_no,
                criteria_lines.c.no_of_lines_added,
                criteria_lines.c.no_of_lines_removed,
            )
            .where(criteria_lines.c.segment_id == header.id, criteria_lines.c.action_no > target)
            .order_by(criteria_lines.c.action_no.desc())
        ).all()
    )
    of_segment = lines.c.segment_id == header.id
    if target == 0:  # back before the first action: the segment is empty again
        empty_segment(session, header.id)
    else:  # each statement runs only when the undone actions added (or removed) lines
        added = any(action.no_of_lines_added for action in actions)
        removed = any(action.no_of_lines_removed for action in actions)
        if added:
            later = lines.c.added_action > target
            on_it = counted_lines(session, header.id, later) if removed else None
            gone = delete_lines(session, of_segment, later)
            lines_moved(session, header.id, by=-(gone if on_it is None else on_it))
        if removed:
            back = execute_counted(
                session,
                update(lines)
                .where(of_segment, lines.c.removed_action > target)
                .values(removed_action=None),
            )
            lines_moved(session, header.id, by=back)
    session.execute(
        delete(criteria_lines).where(
            criteria_lines.c.segment_id == header.id, criteria_lines.c.action_no > target
        )
    )
    return actions


def criteria(
    database: Sessions | Engine,
    segment_no: str,
    *,
    after: int | None = None,
    limit: int | None = None,
) -> list[CriteriaLineRead]:
    """S7: the segment's criteria actions in order, each with a plain-language sentence;
    those after action `after`, at most `limit` of them when given (a keyset page: a
    dynamic segment records an action at every refresh that changes it, X4)."""
    query = select(criteria_lines).order_by(criteria_lines.c.action_no)
    if after is not None:
        query = query.where(criteria_lines.c.action_no > after)
    if limit is not None:
        query = query.limit(max(limit, 0))
    with reading_connection(database) as connection:
        header = read_header(connection, segment_no)
        rows = connection.execute(query.where(criteria_lines.c.segment_id == header.id)).all()
        return [_read_criteria_line(row) for row in rows]


def _read_criteria_line(row: Row[Any]) -> CriteriaLineRead:
    values = {
        name: getattr(row, name)
        for name in CriteriaLineRead.__dataclass_fields__
        if name != "description"
    }
    return CriteriaLineRead(**values, description=_sentence(row))


OPTION_WORDS = (
    ("allow_existing_contacts", N_("allowing contacts already on the segment")),
    ("expand_contact", N_("expanding to whole companies")),
    ("allow_company_with_persons", N_("with the companies of selected persons")),
    ("ignore_exclusion", N_("ignoring exclusion")),
    ("entire_companies", N_("for entire companies")),
)
# Whole sentences: {which} is a relative clause saying which contacts, in the same language
# ("that have mailing group EVENTS", "whose country/region is BE"; criteria.describe_which).
VERBS = {
    "add": N_("Add contacts {which}"),
    "reduce": N_("Remove contacts {which}"),
    "refine": N_("Keep only contacts {which}"),
    "refresh": N_("Refresh to contacts {which}"),
}
BY_HAND = N_("by hand")


class _Action(Protocol):
    """A criteria action as read (`SegmentCriteriaLine` or `CriteriaLineRead`)."""

    @property
    def action(self) -> str: ...
    @property
    def criteria(self) -> str: ...
    @property
    def manual(self) -> bool: ...


def _same(text: str) -> str:
    return text


def _sentence(row: Row[Any]) -> str:
    return sentence(row)


def sentence(line: _Action, *, translate: Callable[[str], str] = _same) -> str:
    """S7: an action in the user's words (verb, criteria described, options), in the
    language of `translate` (the web's gettext; English by default, as the CLI says it)."""
    # The criteria engine and its grammar: not needed by an undo.
    from rapport.criteria.parser import parse
    from rapport.criteria.render import describe, describe_which

    tree, verb = parse(line.criteria), VERBS.get(line.action)
    if verb is None:
        text = f"{line.action}: {describe(tree, translate=translate)}"
    else:
        text = translate(verb.template).format(which=describe_which(tree, translate=translate))
    options = [translate(words.template) for name, words in OPTION_WORDS if getattr(line, name)]
    if line.manual:
        options.append(translate(BY_HAND.template))
    return text + (f" ({', '.join(options)})" if options else "")


def membership_log(
    database: Sessions | Engine,
    segment_no: str,
    *,
    contact_no: str | None = None,
    after: EventKey | None = None,
    limit: int | None = None,
) -> Iterator[MembershipEvent]:
    """X5: every entry and exit of a contact on the segment, with the action, its criteria,
    the user and the time, in action order (streamed); those after the event whose
    (action no., line no.) is `after`, at most `limit` of them when given (a keyset page,
    read with a LIMIT: the log of a large segment is as long as its lines)."""
    with reading_connection(database) as session:
        header = read_header(session, segment_no)
        yield from events_of(session, header.id, contact_no, after=after, limit=limit)


def event_key(event: MembershipEvent) -> EventKey:
    """Where an event is in the membership log's order: its action no., then its line no."""
    return event.action_no, event.line_no


def events_of(
    session: Db,
    segment_id: int,
    contact_no: str | None,
    *,
    after: EventKey | None = None,
    limit: int | None = None,
) -> Iterator[MembershipEvent]:
    joined = lines.join(contacts, contacts.c.id == lines.c.contact_id).join(
        criteria_lines,
        and_(
            criteria_lines.c.segment_id == lines.c.segment_id,
            or_(
                criteria_lines.c.action_no == lines.c.added_action,
                criteria_lines.c.action_no == lines.c.removed_action,
            ),
        ),
    )
    query = (
        select(
            criteria_lines.c.action_no,
            contacts.c.no.label("contact_no"),
            lines.c.line_no,
            lines.c.added_action,
            criteria_lines.c.action,
            criteria_lines.c.criteria,
            criteria_lines.c.user_id,
            criteria_lines.c.created_at,
        )
        .select_from(joined)
        .where(lines.c.segment_id == segment_id)
        .order_by(criteria_lines.c.action_no, lines.c.line_no)
    )
    if contact_no:
        query = query.where(contacts.c.no == contact_no.strip().upper())
    if after is not None:
        action_no, line_no = after
        query = query.where(
            or_(
                criteria_lines.c.action_no > action_no,
                and_(criteria_lines.c.action_no == action_no, lines.c.line_no > line_no),
            )
        )
    if limit is not None:
        query = query.limit(max(limit, 0))
    # Closed however the caller stops: the web page reads only the first events, and on
    # PostgreSQL an abandoned stream would leave its server-side cursor open.
    with session.execute(query.execution_options(yield_per=5000)) as result:
        for number, contact, line, added, action, criteria, user, at in result:
            event = "entry" if added == number else "exit"
            yield MembershipEvent(number, contact, line, action, criteria, user, at, event)
