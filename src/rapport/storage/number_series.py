"""Number series (BC's NoSeriesManagement): the next number of a series, or a manual one."""

from __future__ import annotations

from sqlalchemy import SQLColumnExpression, exists, select, update
from sqlalchemy.orm import Session

from rapport.domain.codes import increment_no
from rapport.errors import N_, Invalid, NotFound
from rapport.storage import schema
from rapport.storage.db import is_postgresql


def setup_series(session: Session, field: str) -> str:
    """The code of the number series the marketing setup names in `field` (e.g. `segment_nos`)."""
    marketing = schema.marketing_setup
    code = session.scalar(select(marketing.c[field]).where(marketing.c.id == 1)) or ""
    if not code:
        raise Invalid(N_("{field} must have a value in Marketing Setup", field=field))
    return code


def next_no(session: Session, series_code: str, key: SQLColumnExpression[str]) -> str:
    """Take the next number of `series_code` (locked until the transaction ends).

    Numbers already used by a row of `key`'s table (typed by hand, or imported with their
    own numbers) are passed over, so the series never hands out a number that exists.
    """
    numbers = schema.number_series
    query = select(numbers).where(numbers.c.code == series_code)
    if is_postgresql(session):
        query = query.with_for_update()
    series = session.execute(query).one_or_none()
    if series is None:
        raise NotFound(N_("number series {series_code!r} does not exist", series_code=series_code))
    no = increment_no(series.last_no_used) if series.last_no_used else series.starting_no
    while session.scalar(select(exists().where(key == no))):
        no = increment_no(no)
    session.execute(update(numbers).where(numbers.c.code == series_code).values(last_no_used=no))
    return no


def manual_no_allowed(session: Session, series_code: str) -> None:
    """BC's TestManual: a number typed by the user needs a series that allows manual numbers."""
    numbers = schema.number_series
    manual = session.scalar(select(numbers.c.manual_nos).where(numbers.c.code == series_code))
    if not manual:
        raise Invalid(
            N_(
                "number series {series_code!r} does not allow manual numbers",
                series_code=series_code,
            )
        )
