"""Criteria actions on a segment: add contacts, reduce, refine (S3, S4), each recorded with
its criteria (S7), previewable without changing anything (X2).

The criteria are parsed once, here, at the use case's entry (text, the JSON tree, or a
`Criteria` value). Each action is one transaction of a few set-based statements: the
criteria compile to one condition on contacts; lines are inserted with INSERT … SELECT, and
removed lines are marked with the action that removed them (UPDATE … WHERE contact IN
(SELECT …)) so that undo restores them exactly. A preview reads only: it takes no write lock;
given the server's `accelerator`, it is counted in memory when the accelerator can answer
exactly (the same numbers), else by SQL.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from sqlalchemy import Engine

from rapport.domain.enums import SegmentAction
from rapport.services._criteria import CriteriaSource, as_criteria
from rapport.services.segments import _recording, previews
from rapport.services.segments._reading import read_header
from rapport.services.segments.results import NO_OPTIONS, AddOptions, AddResult, RemovalResult
from rapport.storage.db import reading

if TYPE_CHECKING:  # the accelerator (numpy, pyroaring) loads only in the server
    from rapport.services.segments.accelerator import Accelerator
    from rapport.storage.db import Sessions

__all__ = ["AddOptions", "add_contacts", "reduce", "refine"]


def add_contacts(
    database: Sessions | Engine,
    segment_no: str,
    *,
    criteria: CriteriaSource,
    options: AddOptions = NO_OPTIONS,
    user: str,
    preview: bool = False,
    accelerator: Accelerator | None = None,
) -> AddResult:
    """S3 (X2 with `preview`): put the contacts matching `criteria` on the segment, with
    expansion before exclusion and no duplicates unless allowed (reference §2.5). Through
    Core on the engine of the command line or the sessions' engine; a preview counted by the
    server's `accelerator` reads its sessions."""
    if not preview:
        parsed = as_criteria(criteria, database=database)
        return _recording.add_matching(
            database, segment_no, criteria=parsed, options=options, user=user
        )
    if accelerator is None or isinstance(database, Engine):
        return previews.preview_add(database, segment_no, criteria=criteria, options=options)
    from rapport.services.segments import _accel_preview

    parsed = as_criteria(criteria, database=database)
    with reading(database) as session:
        header = read_header(session, segment_no)
        fast = _accel_preview.add_preview(accelerator, session, header, parsed, options)
        return fast or previews.add_preview(session, header, parsed, options)


def reduce(
    database: Sessions | Engine,
    segment_no: str,
    *,
    criteria: CriteriaSource,
    entire_companies: bool = False,
    keep_criteria: bool = False,
    user: str,
    preview: bool = False,
    accelerator: Accelerator | None = None,
) -> RemovalResult:
    """S4 Reduce: remove the lines whose contact matches `criteria`."""
    return _recording.remove_matching(
        database,
        segment_no,
        action=SegmentAction.REDUCE,
        criteria=criteria,
        entire_companies=entire_companies,
        keep_criteria=keep_criteria,
        user=user,
        preview=preview,
        accelerator=accelerator,
    )


def refine(
    database: Sessions | Engine,
    segment_no: str,
    *,
    criteria: CriteriaSource,
    entire_companies: bool = False,
    keep_criteria: bool = False,
    user: str,
    preview: bool = False,
    accelerator: Accelerator | None = None,
) -> RemovalResult:
    """S4 Refine: keep only the lines whose contact matches `criteria`."""
    return _recording.remove_matching(
        database,
        segment_no,
        action=SegmentAction.REFINE,
        criteria=criteria,
        entire_companies=entire_companies,
        keep_criteria=keep_criteria,
        user=user,
        preview=preview,
        accelerator=accelerator,
    )
