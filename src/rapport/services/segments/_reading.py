"""A segment read through SQLAlchemy Core: its header row, its lines and its criteria actions
counted. What a preview needs (X2), on a session or on a connection of the engine alone, so
that `rapport segment add --preview` starts without the ORM (SPEC §9)."""

from __future__ import annotations

from typing import TYPE_CHECKING, cast

from sqlalchemy import func, select

from rapport.errors import LINE_NO_FIELD, N_, NO_FIELD, SEGMENT_NO_FIELD, NotFound, does_not_exist
from rapport.storage import schema

if TYPE_CHECKING:
    from rapport.storage.db import Db
    from rapport.storage.tables import SegmentHeader

headers = schema.segment_headers


def key(no: str) -> str:
    """A segment no. as the user typed it, as it is stored."""
    return no.strip().upper()


def missing(no: str, *, field: str | None = None) -> NotFound:
    """The error of a segment no. that names no segment, in Business Central's words
    (`does_not_exist`); `field` names the input that gave it when the caller's own segment
    is another (one compared with it)."""
    return does_not_exist(N_("Segment"), (NO_FIELD, key(no)), field=field)


def missing_line(no: str, line_no: int, *, field: str | None = None) -> NotFound:
    """The error of a line no. that names no line on segment `no`: BC's sentence with the
    segment line's two key fields ("Segment No.='SEG00001',Line No.='10000'"); `field`
    names the input that gave it when the line is not the one the address names."""
    return does_not_exist(
        N_("Segment Line"), (SEGMENT_NO_FIELD, no), (LINE_NO_FIELD, line_no), field=field
    )


def read_header(db: Db, no: str, *, lock: bool = False) -> SegmentHeader:
    """The segment `no`, or NotFound: its row of `segment_headers`, which answers each column
    by name as the mapped class does (and is typed as it for the functions that read a
    header), for a use case that reads it or changes its lines through Core; `lock`
    serializes concurrent actions on it (SPEC §10), as `get_header` does."""
    query = select(headers).where(headers.c.no == key(no))
    row = db.execute(query.with_for_update() if lock else query).one_or_none()
    if row is None:
        raise missing(no)
    return cast("SegmentHeader", row)


def no_of_lines(db: Db, segment_id: int) -> int:
    """The lines on the segment (removed lines are history, not on it), as its header keeps
    them (storage/segment_lines.py)."""
    return int(db.scalar(select(headers.c.no_of_lines).where(headers.c.id == segment_id)) or 0)


def no_of_criteria_actions(db: Db, segment_id: int) -> int:
    actions = schema.segment_criteria_lines
    return int(db.scalar(select(func.count()).where(actions.c.segment_id == segment_id)) or 0)
