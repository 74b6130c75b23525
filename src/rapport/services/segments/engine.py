"""The segment engine other services packages may call inside their own transaction (the
log of a segment, L4, reads its header and creates the follow-up segment from the logged
contacts). Everything else of the engine is private to `services.segments`.

Through Core on a session or a connection, but `new_header`, which inserts a mapped
header and imports the ORM when it is called; the criteria engine and the recording of an
action, which a follow-up's lines need, are imported by `add_logged_contacts` (a log
without a follow-up runs without either)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from sqlalchemy import false, func, select

from rapport.services._logged import check_logged_segment
from rapport.services.segments._dependencies import contacts_lines_changed, refuse_if_referenced
from rapport.services.segments._reading import read_header
from rapport.services.segments.results import NO_OPTIONS, AddOptions, AddResult
from rapport.storage import schema

if TYPE_CHECKING:
    from sqlalchemy.orm import Session

    from rapport.storage.db import Db
    from rapport.storage.tables import SegmentHeader

__all__ = [
    "add_logged_contacts",
    "contacts_lines_changed",
    "new_header",
    "read_header",
    "refuse_if_referenced",
]


def new_header(session: Session, *, description: str, user: str) -> SegmentHeader:
    """A new segment's header, inserted as Business Central's OnInsert does (S1)."""
    from rapport.services.segments import _propagation

    return _propagation.new_header(session, description=description, user=user)


def add_logged_contacts(
    session: Db,
    header: SegmentHeader,
    *,
    entry_no: int,
    user: str,
    options: AddOptions = NO_OPTIONS,
) -> AddResult:
    """Lines for the contacts of a logged segment, each with the campaign of its logged
    interaction (reference §2.10); used by reuse and by the follow-up segment of L4."""
    from rapport.criteria.value import logged_segment_contacts
    from rapport.services.segments._recording import record_insertions

    check_logged_segment(session, entry_no)  # reuse looked it up before BC's question too
    ile = schema.interaction_log_entries
    of_logged = ile.c.logged_segment_entry_no == entry_no
    if options.allow_existing:
        candidates = select(ile.c.contact_id.label("id"), ile.c.campaign_no).where(of_logged)
    else:
        candidates = (
            select(ile.c.contact_id.label("id"), func.max(ile.c.campaign_no).label("campaign_no"))
            .where(of_logged, ile.c.canceled == false())
            .group_by(ile.c.contact_id)
        )
    return record_insertions(
        session,
        header,
        criteria=logged_segment_contacts(entry_no),
        user=user,
        candidates=candidates,
        options=options,
        overrides={"campaign_no": "campaign_no"},
    )
