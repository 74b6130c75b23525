"""Deleting a segment (S1), as Business Central's Segment Header OnDelete (reference §1.1–1.2).

The criteria actions, the language variants (and the attachments only they used) and the
lines go with the header; campaign target groups kept only by its lines leave their
activated campaigns, and the tasks created for its contacts lose their segment no.
Logged segments and their interactions are history and stay. One transaction.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import delete, exists, func, select, union, update
from sqlalchemy.orm import Session

from rapport.errors import N_
from rapport.services.campaigns.targets import sync_target_groups
from rapport.services.segments._dependencies import refuse_if_referenced
from rapport.services.segments._lines import lines
from rapport.services.segments._propagation import get_header
from rapport.services.segments._reading import no_of_lines
from rapport.storage.db import Sessions, execute_counted
from rapport.storage.segment_lines import empty_segment
from rapport.storage.tables import (
    Attachment,
    InteractionLogEntry,
    InteractionTemplateLanguage,
    SegmentCriteriaLine,
    SegmentHeader,
    SegmentInteractionLanguage,
    Task,
    table_of,
)


@dataclass(frozen=True)
class DeleteResult:
    """What went with a deleted segment."""

    no: str
    no_of_lines: int
    no_of_criteria_actions: int
    tasks_unlinked: int


def delete_segment(sessions: Sessions, no: str) -> DeleteResult:
    """S1: delete segment `no` with its lines, criteria actions and language variants (BC's
    OnDelete): its lines leave the target groups of activated campaigns, and tasks with its
    segment no. for a contact on it get a blank segment no. Refused (Conflict naming them)
    while a dynamic segment reads it with `segment(NO)` (X4)."""
    with sessions.begin() as session:
        header = get_header(session, no, lock=True)
        refuse_if_referenced(session, header, doing=N_("deleted"))
        campaigns = set(
            session.scalars(
                select(lines.c.campaign_no).where(lines.c.segment_id == header.id).distinct()
            )
        ) | {header.campaign_no}
        count = no_of_lines(session, header.id)
        actions = int(
            session.scalar(select(func.count()).where(SegmentCriteriaLine.segment_id == header.id))
            or 0
        )
        tasks = _unlink_tasks(session, header)
        _delete_own_attachments(session, header)
        empty_segment(session, header.id)
        session.execute(
            delete(SegmentCriteriaLine).where(SegmentCriteriaLine.segment_id == header.id)
        )
        session.execute(
            delete(SegmentInteractionLanguage).where(
                SegmentInteractionLanguage.segment_id == header.id
            )
        )
        session.delete(header)
        session.flush()
        sync_target_groups(session, sorted(campaigns - {""}))
        return DeleteResult(header.no, count, actions, tasks)


def _unlink_tasks(session: Session, header: SegmentHeader) -> int:
    on_segment = select(lines.c.contact_id).where(
        lines.c.segment_id == header.id, lines.c.contact_id.is_not(None)
    )
    return execute_counted(
        session,
        update(Task)
        .where(Task.segment_no == header.no, Task.contact_id.in_(on_segment))
        .values(segment_no=""),
    )


def _delete_own_attachments(session: Session, header: SegmentHeader) -> None:
    """The attachments of the segment's variants that nothing else uses (never a logged,
    read-only one)."""
    sil = table_of(SegmentInteractionLanguage)
    own = select(sil.c.attachment_no).where(sil.c.segment_id == header.id, sil.c.attachment_no != 0)
    elsewhere = union(
        select(sil.c.attachment_no).where(sil.c.segment_id != header.id),
        select(InteractionTemplateLanguage.attachment_no),
        select(InteractionLogEntry.attachment_no),
        select(lines.c.attachment_no).where(lines.c.segment_id != header.id),
    ).subquery()
    session.execute(
        delete(Attachment).where(
            Attachment.no.in_(own),
            Attachment.read_only.is_(False),
            ~exists().where(elsewhere.c.attachment_no == Attachment.no),
        )
    )
