"""The domain rules on numbers (`NumberRange`: Business Central's MinValue and MaxValue),
declared here and listed with the others in `rules.RULES` (domain/rules.py), which the
services and the import both apply: a cost, a duration or a duplicate search weight is never
negative, and the duplicate search's minimum score is a percentage from 1 to 100."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from rapport.errors import N_, Invalid, Text


@dataclass(frozen=True)
class NumberRange:
    """In `table`, the number `field` is blank or at least `low` and, with `high`, at most
    `high` (BC's MinValue and MaxValue). Without `high` the range starts at zero: the
    number must be zero or more."""

    table: str
    field: str
    low: int = 0
    high: int | None = None

    def __post_init__(self) -> None:
        if self.high is None and self.low != 0:
            raise ValueError("a range without a highest value starts at zero")

    def broken(self, value: Any) -> bool:
        if value is None:
            return False
        return bool(value < self.low or (self.high is not None and value > self.high))

    def message(self, value: Any) -> Text:
        said = _said(value)
        if self.high is None:
            return N_("{value!r} must be zero or more", value=said)
        return N_(
            "{value!r} must be from {low} to {high}", value=said, low=self.low, high=self.high
        )

    def check(self, value: Any) -> None:
        """Invalid, naming the field, when `value` is out of the range."""
        if self.broken(value):
            raise Invalid(self.message(value), field=self.field)


def _said(value: Any) -> str:
    """A number as written, whichever way it was read: `-5` for the text `-5`, a
    service's `Decimal('-5')` or a staging table's `Decimal('-5.00')`."""
    if isinstance(value, Decimal):
        return format(value.normalize(), "f")
    return str(value)


# The points of the duplicate search are Rapport's own (BC compares search strings): a
# negative weight would take points off a pair for a value that matches.
DUPLICATE_WEIGHTS = tuple(
    NumberRange("marketing_setup", f"duplicate_{value}_weight")
    for value in ("name", "email", "phone", "vat_no", "address")
)
# BC's Search Hit % (Marketing Setup, 5079): MinValue 1, MaxValue 100.
DUPLICATE_MIN_SCORE = NumberRange("marketing_setup", "duplicate_min_score", 1, 100)
# BC's Unit Cost (LCY) and Unit Duration (Min.) of an Interaction Template (5064) and a
# Segment Header (5076), Cost (LCY) and Duration (Min.) of a Segment Line (5077): MinValue 0.
# (An Interaction Log Entry's cost and duration have no MinValue in BC.)
TEMPLATE_AMOUNTS = (
    NumberRange("interaction_templates", "unit_cost"),
    NumberRange("interaction_templates", "unit_duration"),
)
SEGMENT_AMOUNTS = (
    NumberRange("segment_headers", "unit_cost"),
    NumberRange("segment_headers", "unit_duration"),
    NumberRange("segment_lines", "cost"),
    NumberRange("segment_lines", "duration"),
)
NUMBERS: tuple[NumberRange, ...] = (
    *DUPLICATE_WEIGHTS,
    DUPLICATE_MIN_SCORE,
    *TEMPLATE_AMOUNTS,
    *SEGMENT_AMOUNTS,
)


def ranges_of(table: str) -> dict[str, NumberRange]:
    """The number rules on the fields of `table`, by field."""
    return {rule.field: rule for rule in NUMBERS if rule.table == table}
