"""Manual lines (S5): adding or removing one contact by hand, or changing a line's contact,
each recorded as its own undoable criteria action, as Business Central's subform does. The
criteria of these actions are built as trees (`no = C1`) and rendered, never formatted."""

from __future__ import annotations

from sqlalchemy import select

from rapport.criteria.value import contact_nos
from rapport.domain.enums import SegmentAction
from rapport.errors import Conflict, NotFound
from rapport.services.segments._lines import contacts
from rapport.services.segments._propagation import get_header
from rapport.services.segments._recording import record_insertions, remove_matching
from rapport.services.segments.results import MANUAL, AddResult, RemovalResult
from rapport.storage.db import Sessions

__all__ = ["add_contact", "remove_contact"]


def add_contact(sessions: Sessions, segment_no: str, *, contact_no: str, user: str) -> AddResult:
    """S5: a manual line for one contact, its own undoable action. Like BC's manual entry it
    allows a contact already on the segment and does not check exclusion."""
    criteria = contact_nos(contact_no)
    key = contact_no.strip().upper()
    with sessions.begin() as session:
        header = get_header(session, segment_no, lock=True)
        if session.scalar(select(contacts.c.id).where(contacts.c.no == key)) is None:
            raise NotFound(
                f"The Contact does not exist. Identification fields and values: No.='{key}'"
            )
        result = record_insertions(
            session,
            header,
            criteria=criteria,
            user=user,
            candidates=select(contacts.c.id).where(contacts.c.no == key),
            options=MANUAL,
            manual=True,
        )
        if not result.added:
            raise Conflict(
                f"Contact {key} is privacy blocked or opted out of "
                "this correspondence type; it cannot be put on a segment."
            )
        return result


def remove_contact(
    sessions: Sessions, segment_no: str, *, contact_no: str, user: str, keep_criteria: bool = False
) -> RemovalResult:
    """S5: remove every line of one contact, as its own undoable action."""
    return remove_matching(
        sessions,
        segment_no,
        action=SegmentAction.REDUCE,
        criteria=contact_nos(contact_no),
        keep_criteria=keep_criteria,
        user=user,
        missing=f"Contact {contact_no.strip().upper()}",
    )
