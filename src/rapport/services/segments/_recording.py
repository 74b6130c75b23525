"""Recording criteria actions inside a use case's transaction (S3–S5, S7, S10, S14).

An action is recorded as a criteria line with its canonical criteria text and options (S7),
even when it changes nothing; an add inserts its lines through `_lines`, a removal marks
its lines with the action that removed them, so that undo restores them exactly. A removal
that empties a segment with more than one criteria action resets its criteria and history,
as Business Central's default answer does, unless `keep_criteria` is given.
`remove_matching` is the one body of reduce, refine and the manual removal of a contact,
previews included (they read without the write lock).

Everything here runs through SQLAlchemy Core on a `storage.db.Db`: the session of a use
case that also writes mapped objects (reuse, follow-up, line edits, refresh), or the
connection of `add_matching` and `remove_matching`, which open `writing_connection` on the
engine so that the command line's add, reduce and refine import no ORM (SPEC §9).

Every change of a segment's lines is reported here too, by `changed`: a `segment.changed`
webhook event (X9) with its counts, written to the outbox inside the change's own
transaction, so an action that rolls back reports nothing.
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

from sqlalchemy import ColumnElement, Engine, delete, exists, func, insert, select, update

from rapport.criteria.value import Criteria
from rapport.domain.enums import SegmentAction
from rapport.errors import N_, NotFound
from rapport.services._criteria import CriteriaSource, as_criteria
from rapport.services.segments import previews
from rapport.services.segments._after import changed, finish
from rapport.services.segments._definition import definition
from rapport.services.segments._dependencies import (
    forget_lifted,
    lines_changed,
    set_dependencies,
)
from rapport.services.segments._lines import (
    Candidates,
    insert_lines,
    lines,
    selection,
)
from rapport.services.segments._matching import removal_scope
from rapport.services.segments._reading import no_of_lines, read_header
from rapport.services.segments._skipped import count_skipped, insert_counting_skipped
from rapport.services.segments.results import (
    NO_OPTIONS,
    AddOptions,
    AddResult,
    RemovalResult,
)
from rapport.storage import schema
from rapport.storage.db import execute_counted, is_postgresql, reading, writing_connection
from rapport.storage.segment_lines import empty_segment, lines_moved, on_segment

if TYPE_CHECKING:
    from rapport.services.segments.accelerator import Accelerator
    from rapport.storage.db import Db, Sessions
    from rapport.storage.tables import SegmentHeader

actions = schema.segment_criteria_lines


def next_action_no(session: Db, segment_id: int) -> int:
    top = session.scalar(
        select(func.max(actions.c.action_no)).where(actions.c.segment_id == segment_id)
    )
    return int(top or 0) + 1


def record_action(
    session: Db,
    header: SegmentHeader,
    *,
    action: SegmentAction,
    criteria: Criteria,
    user: str,
    options: AddOptions = NO_OPTIONS,
    entire_companies: bool = False,
    manual: bool = False,
) -> int:
    """S7: the criteria line of an action, recorded even when the action changes nothing
    (its counts are set by `count_action` once its lines moved); returns its action no."""
    action_no = next_action_no(session, header.id)
    session.execute(
        insert(actions).values(
            segment_id=header.id,
            action_no=action_no,
            action=action.value,
            criteria=criteria.text,
            allow_existing_contacts=options.allow_existing,
            expand_contact=options.expand_companies,
            allow_company_with_persons=options.related_companies,
            ignore_exclusion=options.ignore_exclusion,
            entire_companies=entire_companies,
            manual=manual,
            user_id=user,
            created_at=dt.datetime.now(dt.UTC).replace(tzinfo=None),
        )
    )
    if header.dynamic and not manual and action is not SegmentAction.REFRESH:
        # X4: the criteria actions are the definition; a new one is checked for cycles.
        set_dependencies(session, header, definition(session, header.id))
    return action_no


def _action(segment_id: int, action_no: int) -> tuple[ColumnElement[bool], ...]:
    return actions.c.segment_id == segment_id, actions.c.action_no == action_no


def count_action(
    session: Db, segment_id: int, action_no: int, *, added: int = 0, removed: int = 0
) -> None:
    """The lines an action recorded by `record_action` added and removed (S7)."""
    session.execute(
        update(actions)
        .where(*_action(segment_id, action_no))
        .values(no_of_lines_added=added, no_of_lines_removed=removed)
    )


def forget_action(session: Db, segment_id: int, action_no: int) -> None:
    """An action recorded by `record_action` that changed nothing and is not kept (a
    refresh, X4)."""
    session.execute(delete(actions).where(*_action(segment_id, action_no)))


def add_matching(
    database: Sessions | Engine,
    segment_no: str,
    *,
    criteria: Criteria,
    options: AddOptions,
    user: str,
) -> AddResult:
    """S3: add the contacts matching `criteria`, in one transaction through Core on the
    engine or the sessions' engine (the command line imports no ORM for it, SPEC §9)."""
    with writing_connection(database) as connection:
        header = read_header(connection, segment_no, lock=True)
        return apply_add(connection, header, criteria=criteria, options=options, user=user)


def apply_add(
    session: Db, header: SegmentHeader, *, criteria: Criteria, options: AddOptions, user: str
) -> AddResult:
    """Record an add action and insert its lines (S3; reuse criteria replays it)."""
    return record_insertions(
        session,
        header,
        criteria=criteria,
        user=user,
        candidates=selection(session, criteria, options),
        options=options,
    )


def record_insertions(
    session: Db,
    header: SegmentHeader,
    *,
    criteria: Criteria,
    user: str,
    candidates: Candidates,
    options: AddOptions,
    overrides: dict[str, str] | None = None,
    manual: bool = False,
) -> AddResult:
    """An add action with its candidates: recorded, its lines inserted, the result counted
    (add contacts, manual add, reuse of a logged segment, follow-up)."""
    on_it = no_of_lines(session, header.id)
    action_no = record_action(
        session,
        header,
        action=SegmentAction.ADD,
        criteria=criteria,
        user=user,
        options=options,
        manual=manual,
    )
    if isinstance(candidates, ColumnElement) and is_postgresql(session):
        added, skipped = insert_counting_skipped(
            session, header, candidates=candidates, action_no=action_no, options=options
        )
    else:
        skipped = count_skipped(session, header, candidates=candidates, options=options)
        added = insert_lines(
            session,
            header,
            candidates=candidates,
            action_no=action_no,
            options=options,
            overrides=overrides,
        )
    if added:
        count_action(session, header.id, action_no, added=added)
        lines_changed(session, header)
    remaining = on_it + added
    finish(session, header, came_on=added)
    changed(
        session,
        header,
        action=SegmentAction.ADD.value,
        user=user,
        action_no=action_no,
        added=added,
        removed=0,
        manual=manual,
    )
    return AddResult(action_no=action_no, added=added, no_of_lines=remaining, skipped=skipped)


def _reset_when_empty(
    session: Db, header: SegmentHeader, *, action_no: int, removed: int, keep_criteria: bool
) -> bool:
    """Removal `action_no`, which removed `removed` lines and left none, resets the segment's
    criteria (`reset_criteria`) when `previews.resets_criteria` says so, once its lines, not
    only its header's count, say it is empty; whether it did."""
    if not previews.resets_criteria(
        action_no=action_no, removed=removed, no_of_lines=0, keep_criteria=keep_criteria
    ) or session.scalar(select(exists().where(on_segment(header.id)))):
        return False
    reset_criteria(session, header)
    return True


def reset_criteria(session: Db, header: SegmentHeader) -> None:
    """BC's "Your Segment is now empty. Reset number of criteria actions?" answered yes: the
    criteria actions and the history (the removed lines) go."""
    empty_segment(session, header.id)
    session.execute(delete(actions).where(actions.c.segment_id == header.id))
    forget_lifted(session, header)
    if header.dynamic:
        set_dependencies(session, header, definition(session, header.id))


def apply_remove(
    session: Db,
    header: SegmentHeader,
    *,
    action: SegmentAction,
    criteria: Criteria,
    entire_companies: bool,
    keep_criteria: bool,
    user: str,
    manual: bool = False,
    by_hand: str | None = None,
    matched: ColumnElement[bool] | None = None,
) -> RemovalResult:
    """Record a reduce/refine action and mark its lines removed (S4, S5). The lines on the
    segment, as its header keeps them, choose how the lines are matched; those left are
    that count less the lines removed (the header's lock keeps other actions out).

    `by_hand` is the contact no. a removal by hand removes (S5, a manual action): when it
    removes no line, NotFound says the contact is not on the segment, and the caller's
    transaction undoes the action."""
    manual = manual or by_hand is not None
    on_it, scope = removal_scope(
        session, header, action, criteria, entire_companies=entire_companies, matched=matched
    )
    action_no = record_action(
        session,
        header,
        action=action,
        criteria=criteria,
        user=user,
        entire_companies=entire_companies,
        manual=manual,
    )
    removed = execute_counted(session, update(lines).where(*scope).values(removed_action=action_no))
    if by_hand is not None and not removed:
        raise NotFound(
            N_("Contact {contact} is not on segment {no}.", contact=by_hand, no=header.no)
        )
    if removed:
        count_action(session, header.id, action_no, removed=removed)
        lines_moved(session, header.id, by=-removed)
        lines_changed(session, header)
    remaining = on_it - removed
    reset = remaining == 0 and _reset_when_empty(
        session, header, action_no=action_no, removed=removed, keep_criteria=keep_criteria
    )
    action_no = 0 if reset else action_no  # after a reset, its criteria went with the others
    finish(session, header, came_on=0)
    changed(
        session,
        header,
        action=action.value,
        user=user,
        action_no=action_no,
        added=0,
        removed=removed,
        manual=manual,
    )
    return RemovalResult(action_no, removed, no_of_lines=remaining, criteria_reset=reset)


def remove_matching(
    database: Sessions | Engine,
    segment_no: str,
    *,
    action: SegmentAction,
    criteria: CriteriaSource,
    entire_companies: bool = False,
    keep_criteria: bool = False,
    user: str,
    preview: bool = False,
    accelerator: Accelerator | None = None,
) -> RemovalResult:
    """S4: reduce removes the lines whose contact matches; refine keeps only those (lines
    without a contact always go on refine). Through Core on the engine or the sessions'
    engine; a preview counted by the server's `accelerator` reads its sessions."""
    if preview:
        return _preview_removal(
            database,
            segment_no,
            action=action,
            criteria=criteria,
            entire_companies=entire_companies,
            keep_criteria=keep_criteria,
            accelerator=accelerator,
        )
    parsed = as_criteria(criteria, database=database)
    with writing_connection(database) as connection:
        header = read_header(connection, segment_no, lock=True)
        return apply_remove(
            connection,
            header,
            action=action,
            criteria=parsed,
            entire_companies=entire_companies,
            keep_criteria=keep_criteria,
            user=user,
        )


def _preview_removal(
    database: Sessions | Engine,
    segment_no: str,
    *,
    action: SegmentAction,
    criteria: CriteriaSource,
    entire_companies: bool,
    keep_criteria: bool,
    accelerator: Accelerator | None,
) -> RemovalResult:
    """X2 of `remove_matching`: counted by the server's `accelerator` where it can, else in
    SQL; either says whether the removal would reset the criteria (`previews.with_reset`)."""
    if accelerator is None or isinstance(database, Engine):
        return previews.preview_removal(
            database,
            segment_no,
            action=action,
            criteria=criteria,
            entire_companies=entire_companies,
            keep_criteria=keep_criteria,
        )
    from rapport.services.segments import _accel_preview

    parsed = as_criteria(criteria, database=database)
    with reading(database) as session:
        header = read_header(session, segment_no)
        fast = _accel_preview.removal_preview(
            accelerator, session, header, action, parsed, entire_companies=entire_companies
        )
        if fast is not None:
            return previews.with_reset(fast, keep_criteria=keep_criteria)
        return previews.removal_preview(
            session,
            header,
            action,
            parsed,
            entire_companies=entire_companies,
            keep_criteria=keep_criteria,
        )
