"""What every change of a segment's lines does last, in the change's transaction: the
target groups of activated campaigns follow the lines, planner statistics are refreshed
after a bulk arrival, and the `segment.changed` event is queued for the webhooks that want
it (X9). Through Core on a session or a connection (an undo run by the command line)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from sqlalchemy import select

from rapport.services.segments._reading import no_of_lines
from rapport.services.webhooks.outbox import SEGMENT_CHANGED, emit, wanted
from rapport.storage import schema
from rapport.storage.db import analyze, has_rows
from rapport.storage.segment_lines import segment_lines as lines

if TYPE_CHECKING:
    from rapport.storage.db import Db
    from rapport.storage.tables import SegmentHeader


def finish(session: Db, header: SegmentHeader, *, came_on: int) -> None:
    """After an action: campaign target groups follow the lines; planner statistics are
    refreshed when many lines came on the segment (SPEC §9). Lines that only left it (a
    reduce, a refine, an undo of an add) leave statistics that overestimate the segment,
    which the planner survives (hash joins, a scan at worst) and autovacuum corrects;
    underestimates are what make it probe a just-filled segment line by line for minutes.
    ANALYZE reads a sample of the whole table: most of an undo of a 500k-line add."""
    sync_campaign_targets(session, header)
    analyze(session, "segment_lines", rows=came_on)


def changed(session: Db, header: SegmentHeader, *, action: str, user: str, **counts: Any) -> None:
    """X9: report a change of the segment's lines (an action, an undo, a line edit) as a
    `segment.changed` event in the caller's transaction, with the lines left on it (counted
    only when a webhook wants the event)."""
    if not wanted(session, SEGMENT_CHANGED):
        return
    emit(
        session,
        SEGMENT_CHANGED,
        {
            "segment_no": header.no,
            "action": action,
            **counts,
            "no_of_lines": no_of_lines(session, header.id),
            "user": user,
        },
    )


def sync_campaign_targets(session: Db, header: SegmentHeader) -> None:
    """Keep the target groups of activated campaigns in step with the segment's lines
    (reference §2.15); nothing to do while no campaign is activated."""
    if not has_rows(session, schema.campaign_target_groups):
        return
    # Imported here: a segment command maps the campaigns' classes only when one is activated.
    from rapport.services.campaigns.targets import sync_target_groups

    campaigns = set(
        session.scalars(
            select(lines.c.campaign_no)
            .where(lines.c.segment_id == header.id, lines.c.campaign_no != "")
            .distinct()
        )
    )
    sync_target_groups(session, sorted(campaigns | {header.campaign_no} - {""}))
