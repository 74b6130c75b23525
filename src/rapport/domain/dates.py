"""Dates as a user types them: `YYYY-MM-DD`, checked where every edge's value arrives."""

from __future__ import annotations

import datetime as dt

from rapport.errors import Invalid


def as_date(value: dt.date | str | None, *, field: str) -> dt.date | None:
    """A date from a date or its ISO text (`2026-06-01`); None for blank; Invalid naming
    `field` for anything else (SPEC §6: a malformed date is a user error)."""
    if value is None or isinstance(value, dt.date):
        return value
    text = value.strip()
    if not text:
        return None
    try:
        return dt.date.fromisoformat(text)
    except ValueError as exc:
        raise Invalid(f"{value!r} is not a date (YYYY-MM-DD)", where=field) from exc
