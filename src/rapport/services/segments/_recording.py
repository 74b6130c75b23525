"""Recording criteria actions inside a use case's transaction (S3–S5, S7, S10, S14).

An action is recorded as a criteria line with its canonical criteria text and options (S7),
even when it changes nothing; an add inserts its lines through `_lines`, a removal marks
its lines with the action that removed them, so that undo restores them exactly. A removal
that empties a segment with more than one criteria action resets its criteria and history,
as Business Central's default answer does, unless `keep_criteria` is given.
`remove_matching` is the one body of reduce, refine and the manual removal of a contact,
previews included (they read without the write lock).

Every change of a segment's lines is reported here too, by `changed`: a `segment.changed`
webhook event (X9) with its counts, written to the outbox inside the change's own
transaction, so an action that rolls back reports nothing.
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

from sqlalchemy import ColumnElement, delete, func, select, update
from sqlalchemy.orm import Session

from rapport.criteria.value import Criteria
from rapport.domain.enums import SegmentAction
from rapport.errors import NotFound
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
from rapport.services.segments._propagation import get_header
from rapport.services.segments._reading import no_of_lines
from rapport.services.segments._skipped import count_skipped
from rapport.services.segments.results import (
    NO_OPTIONS,
    AddOptions,
    AddResult,
    RemovalResult,
)
from rapport.storage.db import Sessions, execute_counted, reading
from rapport.storage.tables import SegmentCriteriaLine, SegmentHeader, table_of

if TYPE_CHECKING:  # the accelerator (numpy, pyroaring) loads only in the server
    from rapport.services.segments.accelerator import Accelerator


def next_action_no(session: Session, segment_id: int) -> int:
    top = session.scalar(
        select(func.max(SegmentCriteriaLine.action_no)).where(
            SegmentCriteriaLine.segment_id == segment_id
        )
    )
    return int(top or 0) + 1


def record_action(
    session: Session,
    header: SegmentHeader,
    *,
    action: SegmentAction,
    criteria: Criteria,
    user: str,
    options: AddOptions = NO_OPTIONS,
    entire_companies: bool = False,
    manual: bool = False,
) -> SegmentCriteriaLine:
    """S7: the criteria line of an action, recorded even when the action changes nothing."""
    row = SegmentCriteriaLine(
        segment_id=header.id,
        action_no=next_action_no(session, header.id),
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
    session.add(row)
    session.flush()
    if header.dynamic and not manual and action is not SegmentAction.REFRESH:
        # X4: the criteria actions are the definition; a new one is checked for cycles.
        set_dependencies(session, header, definition(session, header.id))
    return row


def apply_add(
    session: Session, header: SegmentHeader, *, criteria: Criteria, options: AddOptions, user: str
) -> AddResult:
    """Record an add action and insert its lines (S3; reuse criteria replays it)."""
    return record_insertions(
        session,
        header,
        criteria=criteria,
        user=user,
        candidates=selection(criteria, options),
        options=options,
    )


def record_insertions(
    session: Session,
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
    row = record_action(
        session,
        header,
        action=SegmentAction.ADD,
        criteria=criteria,
        user=user,
        options=options,
        manual=manual,
    )
    skipped = count_skipped(session, header, candidates=candidates, options=options)
    added = insert_lines(
        session,
        header,
        candidates=candidates,
        action_no=row.action_no,
        options=options,
        overrides=overrides,
    )
    row.no_of_lines_added, row.no_of_lines_removed = added, 0
    session.flush()
    if added:
        lines_changed(session, header)
    remaining = no_of_lines(session, header.id)
    finish(session, header, came_on=added)
    changed(
        session,
        header,
        action=SegmentAction.ADD.value,
        user=user,
        action_no=row.action_no,
        added=added,
        removed=0,
        manual=manual,
    )
    return AddResult(action_no=row.action_no, added=added, no_of_lines=remaining, skipped=skipped)


def reset_criteria(session: Session, header: SegmentHeader) -> None:
    """BC's "Your Segment is now empty. Reset number of criteria actions?" answered yes: the
    criteria actions and the history (the removed lines) go."""
    session.execute(delete(lines).where(lines.c.segment_id == header.id))
    session.execute(
        delete(table_of(SegmentCriteriaLine)).where(SegmentCriteriaLine.segment_id == header.id)
    )
    forget_lifted(session, header)
    if header.dynamic:
        set_dependencies(session, header, definition(session, header.id))


def apply_remove(
    session: Session,
    header: SegmentHeader,
    *,
    action: SegmentAction,
    criteria: Criteria,
    entire_companies: bool,
    keep_criteria: bool,
    user: str,
    manual: bool = False,
    matched: ColumnElement[bool] | None = None,
) -> RemovalResult:
    """Record a reduce/refine action and mark its lines removed (S4, S5)."""
    scope = removal_scope(
        session, header, action, criteria, entire_companies=entire_companies, matched=matched
    )
    row = record_action(
        session,
        header,
        action=action,
        criteria=criteria,
        user=user,
        entire_companies=entire_companies,
        manual=manual,
    )
    removed = execute_counted(
        session, update(lines).where(*scope).values(removed_action=row.action_no)
    )
    row.no_of_lines_added, row.no_of_lines_removed = 0, removed
    session.flush()
    if removed:
        lines_changed(session, header)
    remaining = no_of_lines(session, header.id)
    action_no = row.action_no
    if remaining == 0 and removed and not keep_criteria and action_no > 1:
        reset_criteria(session, header)
        action_no = 0
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
    return RemovalResult(action_no=action_no, removed=removed, no_of_lines=remaining)


def remove_matching(
    sessions: Sessions,
    segment_no: str,
    *,
    action: SegmentAction,
    criteria: CriteriaSource,
    entire_companies: bool = False,
    keep_criteria: bool = False,
    user: str,
    preview: bool = False,
    missing: str | None = None,
    accelerator: Accelerator | None = None,
) -> RemovalResult:
    """S4: reduce removes the lines whose contact matches; refine keeps only those (lines
    without a contact always go on refine). With `missing` (a manual removal, S5), NotFound
    names it when none of its lines is on the segment."""
    parsed = as_criteria(criteria, database=sessions)
    if preview:
        with reading(sessions) as session:
            header = get_header(session, segment_no)
            if accelerator is not None:
                from rapport.services.segments import _accel_preview

                fast = _accel_preview.removal_preview(
                    accelerator, session, header, action, parsed, entire_companies=entire_companies
                )
                if fast is not None:
                    return fast
            return previews.removal_preview(
                session, header, action, parsed, entire_companies=entire_companies
            )
    with sessions.begin() as session:
        header = get_header(session, segment_no, lock=True)
        if missing:  # the lines are matched once more below, by the removal itself
            scope = removal_scope(
                session, header, action, parsed, entire_companies=entire_companies
            )
            if not session.scalar(select(func.count()).where(*scope)):
                raise NotFound(f"{missing} is not on segment {header.no}.")
        return apply_remove(
            session,
            header,
            action=action,
            criteria=parsed,
            entire_companies=entire_companies,
            keep_criteria=keep_criteria,
            user=user,
            manual=bool(missing),
        )
