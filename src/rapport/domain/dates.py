"""Dates as a user types them: `YYYY-MM-DD`, checked where every edge's value arrives; and
a stored moment as every edge writes it."""

from __future__ import annotations

import datetime as dt

from rapport.domain.rules import DATE_FORM


def as_date(value: dt.date | str | None, *, field: str) -> dt.date | None:
    """A date from a date or its ISO text (`2026-06-01`); None for blank; Invalid naming
    `field` for anything else (SPEC §6: a malformed date is a user error)."""
    if value is None or isinstance(value, dt.date):
        return value
    return DATE_FORM.check(field, value)


def in_utc(moment: dt.datetime) -> dt.datetime:
    """A moment as the edges write it (RFC 3339, `…+00:00`): the database keeps moments in
    UTC without an offset."""
    return moment if moment.tzinfo else moment.replace(tzinfo=dt.UTC)
