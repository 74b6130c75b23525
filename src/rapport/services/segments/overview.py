"""The segments with their counts (S1), read through SQLAlchemy Core.

`get_all` (`rapport segment list`, and the API's list a keyset page at a time, narrowed by
a `SegmentFilter`) and `get` (a header with its counts) read the Core tables of
`storage.schema` on one reading connection, one statement each, and import no ORM, so the
command starts without it (SPEC §9); the API and the web call them with their sessionmaker
(through `header`), the command line with its engine.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from sqlalchemy import ColumnElement, Engine, Select, func, select

from rapport.errors import Invalid
from rapport.services._criteria import CriteriaSource, as_criteria, optional_criteria
from rapport.services.segments._reading import key, missing
from rapport.services.segments.results import SegmentRead
from rapport.storage import schema
from rapport.storage.db import reading_connection
from rapport.storage.search import contains

if TYPE_CHECKING:
    from rapport.criteria.value import Criteria
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


@dataclass(frozen=True)
class SegmentFilter:
    """Which segments a list shows (S1, SPEC §7): `q` searches the no. and the description
    (plain text, any case); `where` is the criteria language on the segments' fields;
    `salesperson`, `campaign` and `template` keep the segments with that code (blank: with
    none), `dynamic` the dynamic (X4) or the static ones. All given must hold."""

    q: str = ""
    where: CriteriaSource | None = None
    salesperson: str | None = None
    campaign: str | None = None
    template: str | None = None
    dynamic: bool | None = None


# The code filters of SegmentFilter, each named as the criteria field it is (SPEC §5).
CODE_FILTERS = ("salesperson", "campaign", "template")


def get_all(
    database: Sessions | Engine,
    *,
    filters: SegmentFilter | None = None,
    after: str | None = None,
    limit: int | None = None,
) -> list[SegmentRead]:
    """S1: the segments with their counts in no. order, those `filters` select; after
    segment no. `after` and at most `limit` of them when given (a keyset page). A code
    filter naming no such code, or bad `where` criteria, is Invalid naming the filter,
    before anything is read."""
    headers = schema.segment_headers
    query = _headers().where(*_conditions(database, filters or SegmentFilter()))
    if after is not None:
        query = query.where(headers.c.no > after)
    if limit is not None:
        query = query.limit(max(limit, 0))
    with reading_connection(database) as connection:
        rows = connection.execute(query.order_by(headers.c.no))
        return [SegmentRead(**row._mapping) for row in rows]


def _conditions(database: Sessions | Engine, filters: SegmentFilter) -> list[ColumnElement[bool]]:
    """The SQL conditions of `filters` on the segment headers; their criteria are checked
    (codes included) here, each error naming its filter."""
    headers = schema.segment_headers
    found: list[ColumnElement[bool]] = []
    if filters.q.strip():
        found.append(contains(filters.q, headers.c.no, headers.c.description))
    if filters.dynamic is not None:
        found.append(headers.c.dynamic.is_(filters.dynamic))
    if filters.where is not None:
        from rapport.criteria import SEGMENTS  # the criteria engine, only when filtering

        criteria = optional_criteria(filters.where, database=database, subject=SEGMENTS)
        if criteria is not None:
            found.append(criteria.condition())
    for name in CODE_FILTERS:
        value = getattr(filters, name)
        if value is not None:
            found.append(_code_is(database, name, value).condition())
    return found


def _code_is(database: Sessions | Engine, name: str, value: str) -> Criteria:
    """`name = value` on the segments as criteria, the code checked to exist (a blank one:
    the segments without a code); an error names the filter `name`."""
    from rapport.criteria import SEGMENTS
    from rapport.criteria.tree import Compare
    from rapport.criteria.value import Criteria

    try:
        criteria = Criteria.of(Compare(name, "=", key(value)), subject=SEGMENTS)
    except Invalid as exc:
        raise Invalid(exc.texts, field=name, joined=exc.joined) from None
    return as_criteria(criteria, database=database, subject=SEGMENTS, field=name)


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
