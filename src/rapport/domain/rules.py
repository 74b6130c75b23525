"""The domain rules on a row, declared once (issue 11 item 4): the services check one row
with `check`, the import checks every row of a file with one set-based query built from
the same declaration (services/transfer/checks.py), and a test walks `RULES` to prove both
paths refuse what each rule forbids.

    DateOrder      a starting date may not be after the ending date (C1: campaigns)
    CompanyOfPerson  a person's company is a company contact, not a person (K1: contacts)
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from rapport.errors import Invalid


@dataclass(frozen=True)
class DateOrder:
    """In `table`, the date `start` may not be after the date `end` (either may be blank)."""

    table: str
    start: str
    end: str
    start_label: str
    end_label: str

    def broken(self, start: dt.date | None, end: dt.date | None) -> bool:
        return start is not None and end is not None and start > end

    def message(self, start: Any, end: Any) -> str:
        start_text = start.isoformat() if isinstance(start, dt.date) else str(start)
        end_text = end.isoformat() if isinstance(end, dt.date) else str(end)
        return f"{self.start_label} {start_text} must not be after {self.end_label} {end_text}."

    def check(self, row: Mapping[str, Any]) -> None:
        """Invalid, naming the starting date, when `row` breaks the rule."""
        start, end = row.get(self.start), row.get(self.end)
        if self.broken(start, end):
            raise Invalid(self.message(start, end), where=self.start)


@dataclass(frozen=True)
class CompanyOfPerson:
    """In `table`, the contact no. in `field` (a person's company) names a company contact:
    neither a person nor the contact itself (BC: Company No. relates to a company)."""

    table: str
    field: str

    def broken(self, company_type: str) -> bool:
        return company_type != "company"

    def message(self, no: str) -> str:
        return f"contact {no} is not a company"

    def check(self, no: str, company_type: str) -> None:
        """Invalid, naming the field, when the contact `no` of type `company_type` (its own
        type when it is the contact itself: a person) is not a company."""
        if self.broken(company_type):
            raise Invalid(self.message(no), field=self.field)


CAMPAIGN_DATES = DateOrder(
    "campaigns", "starting_date", "ending_date", "Starting Date", "Ending Date"
)
PERSON_COMPANY = CompanyOfPerson("contacts", "company_no")

Rule = DateOrder | CompanyOfPerson
RULES: tuple[Rule, ...] = (CAMPAIGN_DATES, PERSON_COMPANY)


def rules_of(table: str) -> tuple[Rule, ...]:
    """The rules on the rows of `table`."""
    return tuple(rule for rule in RULES if rule.table == table)
