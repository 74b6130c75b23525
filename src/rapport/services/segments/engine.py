"""The segment engine other services packages may call inside their own transaction (the
log of a segment, L4, reads its header and creates the follow-up segment from the logged
contacts). Everything else of the engine is private to `services.segments`."""

from __future__ import annotations

from sqlalchemy import false, func, select
from sqlalchemy.orm import Session

from rapport.criteria.value import logged_segment_contacts
from rapport.errors import N_, NotFound
from rapport.services.segments._dependencies import contacts_lines_changed, refuse_if_referenced
from rapport.services.segments._propagation import get_header, new_header
from rapport.services.segments._recording import record_insertions
from rapport.services.segments.results import NO_OPTIONS, AddOptions, AddResult
from rapport.storage import schema
from rapport.storage.tables import LoggedSegment, SegmentHeader

__all__ = [
    "add_logged_contacts",
    "contacts_lines_changed",
    "get_header",
    "new_header",
    "refuse_if_referenced",
]


def add_logged_contacts(
    session: Session,
    header: SegmentHeader,
    *,
    entry_no: int,
    user: str,
    options: AddOptions = NO_OPTIONS,
) -> AddResult:
    """Lines for the contacts of a logged segment, each with the campaign of its logged
    interaction (reference §2.10); used by reuse and by the follow-up segment of L4."""
    if session.get(LoggedSegment, entry_no) is None:
        raise NotFound(N_("Logged Segment {entry_no} does not exist.", entry_no=entry_no))
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
