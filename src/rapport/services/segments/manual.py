"""Manual lines (S5): adding or removing one contact by hand, or changing a line's contact,
each recorded as its own undoable criteria action, as Business Central's subform does."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy import func, select, update
from sqlalchemy.orm import Session

from rapport.domain.enums import SegmentAction
from rapport.errors import Conflict, NotFound
from rapport.services.segments.actions import (
    ActionResult,
    AddOptions,
    apply_remove,
    contact_criteria,
    finish,
    record_action,
    removal_scope,
)
from rapport.services.segments.lines import Rules, contacts, insert_lines, lines
from rapport.services.segments.propagation import get_header
from rapport.storage.db import Sessions
from rapport.storage.tables import SegmentHeader


def add_contact(sessions: Sessions, segment_no: str, *, contact_no: str, user: str) -> ActionResult:
    """S5: a manual line for one contact, its own undoable action."""
    return add_contacts_by_hand(sessions, segment_no, contact_nos=[contact_no], user=user)[0]


def add_contacts_by_hand(
    sessions: Sessions, segment_no: str, *, contact_nos: Sequence[str], user: str
) -> list[ActionResult]:
    """S5: a manual line for each contact, each its own undoable action, all in one
    transaction: if one contact does not exist or cannot be put on a segment, none is added.
    Like BC's manual entry it allows a contact already on the segment and does not check
    exclusion."""
    with sessions.begin() as session:
        header = get_header(session, segment_no, lock=True)
        ids = [_contact_id(session, no) for no in contact_nos]
        return [
            _add_one(session, header, no.strip().upper(), contact_id, user=user)
            for no, contact_id in zip(contact_nos, ids, strict=True)
        ]


def _contact_id(session: Session, contact_no: str) -> int:
    no = contact_no.strip().upper()
    found = session.scalar(select(contacts.c.id).where(contacts.c.no == no))
    if found is None:
        raise NotFound(f"The Contact does not exist. Identification fields and values: No.='{no}'")
    return int(found)


def _add_one(
    session: Session, header: SegmentHeader, contact_no: str, contact_id: int, *, user: str
) -> ActionResult:
    row = record_action(
        session,
        header,
        action=SegmentAction.ADD,
        criteria=contact_criteria(contact_no),
        user=user,
        options=AddOptions(allow_existing=True, ignore_exclusion=True),
        manual=True,
    )
    added = insert_lines(
        session,
        header,
        candidates=select(contacts.c.id).where(contacts.c.id == contact_id),
        action_no=row.action_no,
        rules=Rules(allow_existing=True, ignore_exclusion=True),
    )
    if not added:
        raise Conflict(
            f"Contact {contact_no} is privacy blocked or opted out of "
            "this correspondence type; it cannot be put on a segment."
        )
    return finish(session, header, row, added=added, removed=0, keep_criteria=True)


def remove_contact(
    sessions: Sessions, segment_no: str, *, contact_no: str, user: str, keep_criteria: bool = False
) -> ActionResult:
    """S5: remove every line of one contact, as its own undoable action."""
    return remove_contacts_by_hand(
        sessions, segment_no, contact_nos=[contact_no], user=user, keep_criteria=keep_criteria
    )[0]


def remove_contacts_by_hand(
    sessions: Sessions,
    segment_no: str,
    *,
    contact_nos: Sequence[str],
    user: str,
    keep_criteria: bool = False,
) -> list[ActionResult]:
    """S5: remove every line of each contact, each its own undoable action, all in one
    transaction: if one contact is not on the segment, none is removed."""
    with sessions.begin() as session:
        header = get_header(session, segment_no, lock=True)
        results = []
        for contact_no in contact_nos:
            criteria = contact_criteria(contact_no)
            scope = removal_scope(header, SegmentAction.REDUCE, criteria, entire_companies=False)
            if not session.scalar(select(func.count()).where(*scope)):
                raise NotFound(
                    f"Contact {contact_no.strip().upper()} is not on segment {header.no}."
                )
            results.append(
                apply_remove(
                    session,
                    header,
                    action=SegmentAction.REDUCE,
                    criteria=criteria,
                    entire_companies=False,
                    keep_criteria=keep_criteria,
                    user=user,
                    manual=True,
                )
            )
        return results


def change_line_contact(
    session: Session, header: SegmentHeader, line: Any, contact_no: str, *, user: str
) -> None:
    """S5: a line's contact changed = the old contact's line removed and the new contact's
    line inserted at the same line no., two actions as in Business Central."""
    new_id = session.scalar(select(contacts.c.id).where(contacts.c.no == contact_no))
    if new_id is None:
        raise NotFound(
            f"The Contact does not exist. Identification fields and values: No.='{contact_no}'"
        )
    old_no = session.scalar(select(contacts.c.no).where(contacts.c.id == line.contact_id)) or ""
    removal = record_action(
        session,
        header,
        action=SegmentAction.REDUCE,
        criteria=contact_criteria(old_no) if old_no else "no is empty",
        user=user,
        manual=True,
    )
    session.execute(
        update(lines).where(lines.c.id == line.id).values(removed_action=removal.action_no)
    )
    removal.no_of_lines_removed = 1
    addition = record_action(
        session,
        header,
        action=SegmentAction.ADD,
        criteria=contact_criteria(contact_no),
        user=user,
        options=AddOptions(allow_existing=True, ignore_exclusion=True),
        manual=True,
    )
    addition.no_of_lines_added = insert_lines(
        session,
        header,
        candidates=select(contacts.c.id).where(contacts.c.id == new_id),
        action_no=addition.action_no,
        rules=Rules(allow_existing=True, ignore_exclusion=True),
        line_no=line.line_no,
    )
    session.flush()
