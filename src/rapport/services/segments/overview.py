"""The segments with their counts (S1), read through SQLAlchemy Core.

`get_all` (`rapport segment list`) and `get` (a header with its counts) read the Core
tables of `storage.schema` on one reading connection, one statement each, and import no
ORM, so the command starts without it (SPEC §9); the API and the web call them with their
sessionmaker (through `header`), the command line with its engine.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from sqlalchemy import Engine, Select, func, select

from rapport.services.segments._reading import key, missing
from rapport.services.segments.results import SegmentRead
from rapport.storage import schema
from rapport.storage.db import reading_connection

if TYPE_CHECKING:
    from rapport.storage.db import Sessions

HEADER_FIELDS = tuple(
    name for name in SegmentRead.__dataclass_fields__ if name in schema.segment_headers.c
)


def _headers() -> Select[Any]:
    """Each segment's header fields, its number of lines (kept on the header) among them,
    with its number of criteria actions."""
    headers, actions = schema.segment_headers, schema.segment_criteria_lines
    no_of_actions = (
        select(func.count())
        .select_from(actions)
        .where(actions.c.segment_id == headers.c.id)
        .scalar_subquery()
    )
    return select(
        *(headers.c[name] for name in HEADER_FIELDS),
        no_of_actions.label("no_of_criteria_actions"),
    )


def get_all(database: Sessions | Engine) -> list[SegmentRead]:
    """Every segment with its counts, in no. order (segments are few; their lines are not
    listed here)."""
    with reading_connection(database) as connection:
        rows = connection.execute(_headers().order_by(schema.segment_headers.c.no))
        return [SegmentRead(**row._mapping) for row in rows]


def get_latest(database: Sessions | Engine, *, limit: int) -> list[SegmentRead]:
    """The `limit` segments created last, the last first, with their counts."""
    query = _headers().order_by(schema.segment_headers.c.id.desc()).limit(limit)
    with reading_connection(database) as connection:
        return [SegmentRead(**row._mapping) for row in connection.execute(query)]


def get_of_campaign(database: Sessions | Engine, campaign_no: str) -> list[SegmentRead]:
    """C1: the segments linked to the campaign `campaign_no`, with their counts, in no.
    order (Business Central's campaign card opens them as its Segments)."""
    headers = schema.segment_headers
    query = _headers().where(headers.c.campaign_no == key(campaign_no)).order_by(headers.c.no)
    with reading_connection(database) as connection:
        return [SegmentRead(**row._mapping) for row in connection.execute(query)]


def get(database: Sessions | Engine, no: str) -> SegmentRead:
    """The segment `no` with its counts, or NotFound."""
    with reading_connection(database) as connection:
        found = connection.execute(
            _headers().where(schema.segment_headers.c.no == key(no))
        ).one_or_none()
    if found is None:
        raise missing(no)
    return SegmentRead(**found._mapping)
