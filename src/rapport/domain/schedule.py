"""Refresh schedules of dynamic segments (X4): `30m`, `1h`, `12h`, `1d`, `1w`; empty for
none. Plain Python, read by the header field and by the server's scheduler."""

from __future__ import annotations

import datetime as dt
import re

from rapport.errors import N_, Invalid

_INTERVAL = re.compile(r"^(\d{1,4})([mhdw])$")
_UNITS = {"m": "minutes", "h": "hours", "d": "days", "w": "weeks"}
SHORTEST = dt.timedelta(minutes=5)


def interval(text: str, *, field: str = "refresh_every") -> dt.timedelta | None:
    """The interval `text` names (None for ""); Invalid naming `field` otherwise."""
    cleaned = text.strip().lower()
    if not cleaned:
        return None
    found = _INTERVAL.match(cleaned)
    if found is None:
        raise Invalid(
            N_(
                "{text!r} is not an interval: write a number and m, h, d or w (30m, 1h, 1d, 1w), "
                "or nothing for no schedule",
                text=text,
            ),
            field=field,
        )
    value = dt.timedelta(**{_UNITS[found.group(2)]: int(found.group(1))})
    if value < SHORTEST:
        raise Invalid(
            N_("{text!r} is shorter than the shortest interval, 5m", text=text), field=field
        )
    return value
