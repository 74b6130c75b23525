"""What a criteria action would do, changing nothing (X2): an add's count, its sample and
the candidates its rules would leave out; a reduce's or a refine's lines removed, their
sample, and whether it would empty the segment and so reset its criteria (`resets_criteria`,
the one rule the removal itself follows).

Read through SQLAlchemy Core on whatever the caller holds: the session of the API and the
web (after their accelerator, which answers exactly when it can), or a connection of the
engine alone, which is how `rapport segment add|reduce|refine --preview` runs it, so that
the command starts without the ORM (SPEC §9).
"""

from __future__ import annotations

from dataclasses import replace
from typing import TYPE_CHECKING

from sqlalchemy import ColumnElement

from rapport.domain.enums import SegmentAction
from rapport.services._criteria import CriteriaSource, as_criteria
from rapport.services.segments._lines import selection
from rapport.services.segments._matching import removal_scope
from rapport.services.segments._reading import no_of_criteria_actions, no_of_lines, read_header
from rapport.services.segments._sample import count_and_sample_lines
from rapport.services.segments._skipped import preview_counts
from rapport.services.segments.results import NO_OPTIONS, AddOptions, AddPreview, RemovalPreview
from rapport.storage.db import reading_connection

if TYPE_CHECKING:
    from sqlalchemy import Engine

    from rapport.criteria.value import Criteria
    from rapport.storage.db import Db, Sessions
    from rapport.storage.tables import SegmentHeader


def preview_add(
    database: Sessions | Engine,
    segment_no: str,
    *,
    criteria: CriteriaSource,
    options: AddOptions = NO_OPTIONS,
) -> AddPreview:
    """X2 of S3: what adding the contacts matching `criteria` would do."""
    parsed = as_criteria(criteria, database=database)
    with reading_connection(database) as connection:
        return add_preview(connection, read_header(connection, segment_no), parsed, options)


def preview_removal(
    database: Sessions | Engine,
    segment_no: str,
    *,
    action: SegmentAction,
    criteria: CriteriaSource,
    entire_companies: bool = False,
    keep_criteria: bool = False,
) -> RemovalPreview:
    """X2 of S4: what a reduce or a refine (`action`) with `criteria` would remove, and
    whether it would reset the criteria of the segment it empties (unless `keep_criteria`)."""
    parsed = as_criteria(criteria, database=database)
    with reading_connection(database) as connection:
        header = read_header(connection, segment_no)
        return removal_preview(
            connection,
            header,
            action,
            parsed,
            entire_companies=entire_companies,
            keep_criteria=keep_criteria,
        )


def add_preview(
    db: Db, header: SegmentHeader, criteria: Criteria, options: AddOptions
) -> AddPreview:
    """The preview of an add on `header`, counted in SQL."""
    candidates = selection(db, criteria, options)
    added, sample, skipped = preview_counts(db, header, candidates=candidates, options=options)
    return AddPreview(
        action_no=no_of_criteria_actions(db, header.id) + 1,
        added=added,
        no_of_lines=no_of_lines(db, header.id) + added,
        sample=sample,
        skipped=skipped,
    )


def removal_preview(
    db: Db,
    header: SegmentHeader,
    action: SegmentAction,
    criteria: Criteria,
    *,
    entire_companies: bool,
    matched: ColumnElement[bool] | None = None,
    keep_criteria: bool = False,
) -> RemovalPreview:
    """The lines a reduce or refine would remove, counted, and a sample of them."""
    on_it, scope = removal_scope(
        db, header, action, criteria, entire_companies=entire_companies, matched=matched
    )
    count, sample = count_and_sample_lines(db, scope)
    preview = RemovalPreview(
        action_no=no_of_criteria_actions(db, header.id) + 1,
        removed=count,
        no_of_lines=on_it - count,
        sample=sample,
    )
    return with_reset(preview, keep_criteria=keep_criteria)


def resets_criteria(*, action_no: int, removed: int, no_of_lines: int, keep_criteria: bool) -> bool:
    """Whether removal `action_no` (its criteria action counted), which removes `removed`
    lines and leaves `no_of_lines`, resets the segment's criteria actions and history:
    Business Central asks "Your Segment is now empty. Do you want to reset number of
    criteria actions?" when the last line goes and the segment has more than one criteria
    action, and its default answer is yes, unless the caller answers no (`keep_criteria`)."""
    return no_of_lines == 0 and removed > 0 and action_no > 1 and not keep_criteria


def with_reset(preview: RemovalPreview, *, keep_criteria: bool) -> RemovalPreview:
    """`preview` saying, as the removal's result would, that it resets the criteria of the
    segment it empties (`criteria_reset`, and then action no. 0)."""
    if not resets_criteria(
        action_no=preview.action_no,
        removed=preview.removed,
        no_of_lines=preview.no_of_lines,
        keep_criteria=keep_criteria,
    ):
        return preview
    return replace(preview, action_no=0, criteria_reset=True)
