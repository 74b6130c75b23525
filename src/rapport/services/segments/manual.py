"""Manual lines (S5): adding or removing one contact by hand, or changing a line's contact,
each recorded as its own undoable criteria action, as Business Central's subform does."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from rapport.domain.enums import SegmentAction
from rapport.errors import Conflict, NotFound
from rapport.services.segments.actions import (
    ActionResult,
    AddOptions,
    contact_criteria,
    finish,
    record_action,
    remove,
)
from rapport.services.segments.lines import Rules, contacts, insert_lines, lines
from rapport.services.segments.propagation import get_header
from rapport.storage.db import Sessions
from rapport.storage.tables import SegmentHeader


def add_contact(sessions: Sessions, segment_no: str, *, contact_no: str, user: str) -> ActionResult:
    """S5: a manual line for one contact, its own undoable action. Like BC's manual entry it
    allows a contact already on the segment and does not check exclusion."""
    criteria = contact_criteria(contact_no)
    with sessions.begin() as session:
        header = get_header(session, segment_no, lock=True)
        if session.scalar(select(contacts.c.id).where(contacts.c.no == contact_no.upper())) is None:
            raise NotFound(
                f"The Contact does not exist. Identification fields and values: "
                f"No.='{contact_no.upper()}'"
            )
        options = AddOptions(allow_existing=True, ignore_exclusion=True)
        row = record_action(
            session,
            header,
            action=SegmentAction.ADD,
            criteria=criteria,
            user=user,
            options=options,
            manual=True,
        )
        added = insert_lines(
            session,
            header,
            candidates=select(contacts.c.id).where(contacts.c.no == contact_no.upper()),
            action_no=row.action_no,
            rules=Rules(allow_existing=True, ignore_exclusion=True),
        )
        if not added:
            raise Conflict(
                f"Contact {contact_no.upper()} is privacy blocked or opted out of "
                "this correspondence type; it cannot be put on a segment."
            )
        return finish(session, header, row, added=added, removed=0, keep_criteria=True)


def remove_contact(
    sessions: Sessions, segment_no: str, *, contact_no: str, user: str, keep_criteria: bool = False
) -> ActionResult:
    """S5: remove every line of one contact, as its own undoable action."""
    return remove(
        sessions,
        segment_no,
        action=SegmentAction.REDUCE,
        criteria=contact_criteria(contact_no),
        keep_criteria=keep_criteria,
        user=user,
        missing=f"Contact {contact_no.strip().upper()}",
    )


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
