"""Values of the criteria language: relative dates, and turning written values into the
typed value a field compares with (codes upper-cased as Business Central's `Code` does,
enum words lower-cased and checked, ISO dates, `today ± N d|w|m|y`, numbers, booleans).

The parser and the JSON form both go through `coerce`, so text and JSON accept the same
values and the tree only ever holds typed ones.
"""

from __future__ import annotations

import calendar
import datetime as dt
import re
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from rapport.criteria.fields import Field, ValueType
from rapport.errors import N_

UNITS = {"d": "day", "w": "week", "m": "month", "y": "year"}
_RELATIVE = re.compile(r"^today(?:\s*([+-])\s*(\d{1,6})\s*([dwmy]))?$", re.IGNORECASE)
_INT = re.compile(r"^[+-]?\d{1,18}$")
_BOOLEANS = {"true": True, "false": False}


@dataclass(frozen=True)
class RelativeDate:
    """`today` (offset 0) or `today ± N unit`, resolved when the criteria run."""

    offset: int = 0
    unit: str = "d"

    def __post_init__(self) -> None:
        if self.unit not in UNITS:
            raise ValueError(N_("{unit!r} is not a date unit: d, w, m or y", unit=self.unit))
        if self.offset == 0:  # `today` has one spelling, so equal dates are equal trees
            object.__setattr__(self, "unit", "d")

    def resolve(self, today: dt.date) -> dt.date:
        """The date this is on `today`; ValueError when it falls outside the dates a date can
        hold (years 1 to 9999), as `today - 99999y` does."""
        try:
            return self._resolve(today)
        except (ValueError, OverflowError):
            raise ValueError(
                N_("{date!r} is out of range (dates run from year 1 to 9999)", date=str(self))
            ) from None

    def _resolve(self, today: dt.date) -> dt.date:
        if self.unit == "d":
            return today + dt.timedelta(days=self.offset)
        if self.unit == "w":
            return today + dt.timedelta(weeks=self.offset)
        months = self.offset * (12 if self.unit == "y" else 1)
        index = today.year * 12 + today.month - 1 + months
        year, month = divmod(index, 12)
        last = calendar.monthrange(year, month + 1)[1]
        return dt.date(year, month + 1, min(today.day, last))

    def __str__(self) -> str:
        if self.offset == 0:
            return "today"
        sign = "-" if self.offset < 0 else "+"
        return f"today {sign} {abs(self.offset)}{self.unit}"


Value = str | int | bool | Decimal | dt.date | RelativeDate


def relative_date(text: str) -> RelativeDate | None:
    """`today`, `today-90d`, `today + 2 w` … as a RelativeDate; None when it is not one."""
    match = _RELATIVE.match(text.strip())
    if match is None:
        return None
    sign, amount, unit = match.groups()
    if amount is None:
        return RelativeDate()
    offset = int(amount) * (-1 if sign == "-" else 1)
    relative = RelativeDate(offset, unit.lower()) if offset else RelativeDate()
    # Resolved once here, where the parser and the JSON form still know the value's place,
    # so that a date out of range is said there instead of failing when the criteria run.
    relative.resolve(dt.date.today())
    return relative


def _date(raw: object) -> dt.date | RelativeDate:
    if isinstance(raw, dt.date | RelativeDate):
        return raw
    text = str(raw).strip()
    relative = relative_date(text)
    if relative is not None:
        return relative
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        pass
    raise ValueError(N_("{raw!r} is not a date (YYYY-MM-DD, today, today - 30d …)", raw=raw))


def _enum(field: Field, raw: object) -> str:
    text = str(raw).strip().lower()
    if text in field.choices:
        return text
    choices = ", ".join(repr(choice) if choice else "'' (blank)" for choice in field.choices)
    raise ValueError(
        N_("{raw!r} is not a {name}: one of {choices}", raw=raw, name=field.name, choices=choices)
    )


def _bool(raw: object) -> bool:
    if isinstance(raw, bool):
        return raw
    found = _BOOLEANS.get(str(raw).strip().lower())
    if found is None:
        raise ValueError(N_("{raw!r} is not true or false", raw=raw))
    return found


def _int(raw: object) -> int:
    if isinstance(raw, int) and not isinstance(raw, bool):
        return raw
    text = str(raw).strip()
    if not _INT.match(text):
        raise ValueError(N_("{raw!r} is not a whole number", raw=raw))
    return int(text)


def _decimal(raw: object) -> Decimal:
    if isinstance(raw, bool):
        raise ValueError(N_("{raw!r} is not a number", raw=raw))
    try:
        value = Decimal(str(raw).strip())
    except InvalidOperation:
        raise ValueError(N_("{raw!r} is not a number", raw=raw)) from None
    if not value.is_finite():
        raise ValueError(N_("{raw!r} is not a number", raw=raw))
    return value


def coerce(field: Field, raw: object) -> Value:
    """The typed value of `raw` for `field`; ValueError says why it does not fit."""
    kind = field.type
    if kind is ValueType.CODE:
        return _text(raw).strip().upper()
    if kind is ValueType.TEXT:
        return _text(raw)
    if kind is ValueType.ENUM:
        return _enum(field, raw)
    if kind is ValueType.BOOL:
        return _bool(raw)
    if kind is ValueType.DATE:
        return _date(raw)
    if kind is ValueType.INT:
        return _int(raw)
    return _decimal(raw)


def _text(raw: object) -> str:
    if isinstance(raw, bool) or not isinstance(raw, str | int | float | Decimal):
        raise ValueError(N_("{raw!r} is not text", raw=raw))
    return str(raw)


def to_plain(value: Value) -> str | int | bool:
    """The JSON form of a typed value: dates and decimals as text."""
    if isinstance(value, bool | int | str):
        return value
    if isinstance(value, Decimal):
        return format(value, "f")
    return str(value) if isinstance(value, RelativeDate) else value.isoformat()
