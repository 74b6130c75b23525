"""Manual lines (S5): adding or removing contacts by hand, each recorded as its own undoable
criteria action, as Business Central's subform does, and all of one command in one
transaction: if one contact cannot be added or removed, none is. The criteria of these
actions are built as trees (`no = C1`) and rendered, never formatted."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import select
from sqlalchemy.orm import Session

from rapport.criteria.value import contact_nos as criteria_of
from rapport.domain.enums import SegmentAction
from rapport.errors import N_, NO_FIELD, Conflict, does_not_exist
from rapport.services.segments._dependencies import except_contacts, lift_exception
from rapport.services.segments._lines import contacts
from rapport.services.segments._propagation import get_header
from rapport.services.segments._recording import apply_remove, record_insertions
from rapport.services.segments.results import MANUAL, AddResult, RemovalResult
from rapport.storage.db import Sessions
from rapport.storage.tables import SegmentHeader

__all__ = ["add_contact", "add_contacts_by_hand", "remove_contact", "remove_contacts_by_hand"]


def add_contact(sessions: Sessions, segment_no: str, *, contact_no: str, user: str) -> AddResult:
    """S5: a manual line for one contact, its own undoable action."""
    return add_contacts_by_hand(sessions, segment_no, contact_nos=[contact_no], user=user)[0]


def add_contacts_by_hand(
    sessions: Sessions, segment_no: str, *, contact_nos: Sequence[str], user: str
) -> list[AddResult]:
    """S5: a manual line for each contact, each its own undoable action, all in one
    transaction. Like BC's manual entry it allows a contact already on the segment and does
    not check exclusion; a contact that does not exist, or is privacy blocked or opted out,
    stops the whole command (a missing one is NotFound naming `contact_nos`: the input is at
    fault, not the segment). On a dynamic segment it takes the contact off the exceptions
    (X4)."""
    keys = [no.strip().upper() for no in contact_nos]
    with sessions.begin() as session:
        header = get_header(session, segment_no, lock=True)
        for key in keys:
            if session.scalar(select(contacts.c.id).where(contacts.c.no == key)) is None:
                raise does_not_exist(N_("Contact"), (NO_FIELD, key), field="contact_nos")
        return [_add_one(session, header, key, user=user) for key in keys]


def _add_one(session: Session, header: SegmentHeader, key: str, *, user: str) -> AddResult:
    result = record_insertions(
        session,
        header,
        criteria=criteria_of(key),
        user=user,
        candidates=select(contacts.c.id).where(contacts.c.no == key),
        options=MANUAL,
        manual=True,
    )
    lift_exception(
        session,
        header,
        contact_ids=select(contacts.c.id).where(contacts.c.no == key),
        action_no=result.action_no,
    )
    if not result.added:
        raise Conflict(
            N_(
                "Contact {key} is privacy blocked or opted out of this correspondence type; it "
                "cannot be put on a segment.",
                key=key,
            )
        )
    return result


def remove_contact(
    sessions: Sessions, segment_no: str, *, contact_no: str, user: str, keep_criteria: bool = False
) -> RemovalResult:
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
) -> list[RemovalResult]:
    """S5: remove every line of each contact, each its own undoable action, all in one
    transaction: if one contact is not on the segment, none is removed. On a dynamic
    segment the contact goes on the exceptions: refreshes leave it out (X4)."""
    with sessions.begin() as session:
        header = get_header(session, segment_no, lock=True)
        results = []
        for no in contact_nos:
            criteria = criteria_of(no)
            removed = apply_remove(
                session,
                header,
                action=SegmentAction.REDUCE,
                criteria=criteria,
                entire_companies=False,
                keep_criteria=keep_criteria,
                user=user,
                by_hand=no.strip().upper(),
            )
            except_contacts(
                session,
                header,
                contact_ids=select(contacts.c.id).where(criteria.condition()),
                action_no=removed.action_no,
            )
            results.append(removed)
        return results
