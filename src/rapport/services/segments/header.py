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

from sqlalchemy.orm import Session

from rapport.errors import N_
from rapport.services.segments._after import sync_campaign_targets
from rapport.services.segments._dependencies import set_dynamic
from rapport.services.segments._fields import (
    HEADER_TO_LINE,
    check_reference,
    convert_header_value,
)
from rapport.services.segments._propagation import (
    SegmentRead,
    apply_header_field,
    get_header,
    new_header,
    read,
)
from rapport.services.segments.overview import get as get  # S1: a header and its counts
from rapport.services.segments.overview import get_all as get_all  # S1: segment list
from rapport.services.segments.overview import get_latest as get_latest  # the start page
from rapport.services.segments.paging import line_values, lines_select
from rapport.services.segments.results import SegmentLine
from rapport.services.segments.versions import check_version
from rapport.storage.db import Sessions, reading
from rapport.storage.tables import SegmentHeader

__all__ = [
    "PROPAGATED_FIELDS",
    "SegmentLine",
    "SegmentRead",
    "create_segment",
    "get",
    "get_all",
    "get_lines",
    "set_header",
]

# The header fields whose change reaches the lines (S2: BC asks "update the lines?").
PROPAGATED_FIELDS: frozenset[str] = frozenset(HEADER_TO_LINE)


def create_segment(
    sessions: Sessions,
    *,
    description: str,
    user: str,
    values: Sequence[tuple[str, str]] = (),
) -> SegmentRead:
    """S1: a new segment numbered from the segment series, dated today, with the user's
    salesperson, then the given header fields applied in order with their validation;
    returns the new header (`segment show` without its lines)."""
    convert_header_value("description", description.strip())  # Text[100], as when it is set
    with sessions.begin() as session:
        header = new_header(session, description=description, user=user)
        for field, value in values:
            _apply(session, header, field, value, update_lines=True)
        return read(session, header)


def get_lines(sessions: Sessions, no: str, *, limit: int | None = None) -> Iterator[SegmentLine]:
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
        check_version(header, expected_version, what=N_("Segment Header"))
        for field, value in values:
            _apply(session, header, field, value, update_lines=update_lines)
        sync_campaign_targets(session, header)
        return read(session, header)


def check_values(sessions: Sessions, values: Sequence[tuple[str, str]]) -> None:
    """S2: each value read as its field's kind and each code looked up, as `set_header`
    does, without storing anything: a form checks what was typed before it asks Business
    Central's question (Invalid naming the field, NotFound for a code that is not there)."""
    with reading(sessions) as session:
        for field, text in values:
            check_reference(session, field, convert_header_value(field, text))


def _apply(
    session: Session, header: SegmentHeader, field: str, text: str, *, update_lines: bool
) -> None:
    """One header field; `dynamic` (X4) also records or drops the segment's references."""
    if field == "dynamic":
        set_dynamic(session, header, convert_header_value(field, text))
    else:
        apply_header_field(session, header, field, text, update_lines=update_lines)
