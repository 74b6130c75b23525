"""Segments: create, read, list and edit segments (S1, S2).

A header edit takes Business Central's validation and its propagation to the lines
(reference §1.1.1) as the explicit `update_lines` choice (BC's dialog default: yes), with
the quirk fixes of SPEC §4: a template change carries the template's cost, duration, flow
and the correspondence type rule to the lines, and language and *ignore contact
correspondence type* changes propagate like the other fields. Bulk line updates are single
UPDATE statements over the lines in scope.
"""

from __future__ import annotations

from collections.abc import Collection, Iterator, Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import delete, select, update

from rapport.services.campaigns.targets import sync_target_groups
from rapport.services.segments.lines import lines, sync_campaign_targets
from rapport.services.segments.paging import line_values, lines_select
from rapport.services.segments.propagation import (
    SegmentRead,
    apply_header_field,
    get_header,
    new_header,
    read,
)
from rapport.services.segments.versions import check_version
from rapport.storage.db import Sessions, reading
from rapport.storage.tables import (
    CampaignTargetGroup,
    SegmentCriteriaLine,
    SegmentHeader,
    SegmentInteractionLanguage,
    Task,
    table_of,
)

__all__ = [
    "CreateResult",
    "SegmentRead",
    "create_segment",
    "delete_segment",
    "get",
    "get_all",
    "get_lines",
    "set_header",
]


@dataclass(frozen=True)
class CreateResult:
    no: str


def create_segment(
    sessions: Sessions,
    *,
    description: str,
    user: str,
    values: Sequence[tuple[str, str]] = (),
) -> CreateResult:
    """S1: a new segment numbered from the segment series, dated today, with the user's
    salesperson, then the given header fields applied in order with their validation."""
    with sessions.begin() as session:
        header = new_header(session, description=description, user=user)
        for field, value in values:
            apply_header_field(session, header, field, value, update_lines=True)
        return CreateResult(no=header.no)


def get(sessions: Sessions, no: str) -> SegmentRead:
    with reading(sessions) as session:
        return read(session, get_header(session, no))


def get_all(sessions: Sessions) -> list[SegmentRead]:
    """Every segment with its counts (segments are few; their lines are not listed here)."""
    with reading(sessions) as session:
        headers = session.scalars(select(SegmentHeader).order_by(SegmentHeader.no)).all()
        return [read(session, header) for header in headers]


def get_lines(sessions: Sessions, no: str, *, limit: int | None = None) -> Iterator[dict[str, Any]]:
    """The lines on the segment in line order, streamed, with the contact's no. and names."""
    with reading(sessions) as session:
        header = get_header(session, no)
        query = lines_select(header.id).limit(limit)
        for row in session.execute(query.execution_options(yield_per=2000)):
            yield line_values(row)


def set_header(
    sessions: Sessions,
    no: str,
    *,
    values: Sequence[tuple[str, str]],
    update_lines: bool = True,
    expected_version: Collection[str] | None = None,
) -> SegmentRead:
    """S2: change header fields in the order given; `update_lines` answers BC's question
    "do you want to update the segment lines?" (default yes). With `expected_version`, the
    header must still be at one of those versions (else Stale, nothing changed)."""
    with sessions.begin() as session:
        header = get_header(session, no, lock=True)
        check_version(header, expected_version, what="Segment Header")
        for field, value in values:
            apply_header_field(session, header, field, value, update_lines=update_lines)
        sync_campaign_targets(session, header)
        return read(session, header)


def delete_segment(sessions: Sessions, no: str) -> None:
    """S1: delete a segment as Business Central's OnDelete does (reference §1.1): its
    criteria actions, language variants and lines (removed ones too) go with it, the target
    groups of activated campaigns follow, and tasks made from it lose the segment link."""
    with sessions.begin() as session:
        header = get_header(session, no, lock=True)
        campaigns = set(
            session.scalars(
                select(lines.c.campaign_no)
                .where(lines.c.segment_id == header.id, lines.c.campaign_no != "")
                .distinct()
            )
        )
        campaigns |= {header.campaign_no} - {""}
        tasks = table_of(Task)
        session.execute(update(tasks).where(tasks.c.segment_no == header.no).values(segment_no=""))
        for table in (SegmentCriteriaLine, SegmentInteractionLanguage):
            session.execute(
                delete(table_of(table)).where(table_of(table).c.segment_id == header.id)
            )
        session.execute(delete(lines).where(lines.c.segment_id == header.id))
        session.execute(delete(table_of(SegmentHeader)).where(SegmentHeader.id == header.id))
        session.expunge(header)
        if session.scalar(select(CampaignTargetGroup.no).limit(1)) is not None:
            sync_target_groups(session, sorted(campaigns))
