"""The preview accelerator's dates of the interaction log entries (X2, SPEC §9, issue 15),
for `interaction(…)` on the entries' date alone: the entries' contacts in one array sorted
by date, each distinct day with where its contacts start (no day per row: the runs say
it). The contacts re-read since (`stale`) are answered from a small overlay until it is
merged in. A condition is tested once per distinct day, with the SQL's two-valued logic.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable
from typing import Any

import numpy as np
from pyroaring import BitMap
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from rapport.criteria import fields as registry
from rapport.criteria.tree import And, Compare, Expr, InList, IsEmpty, Not, Or
from rapport.criteria.values import RelativeDate
from rapport.services.segments._accel_scan import CHUNK, MERGE, ORDERINGS, Unsupported, as_bitmap
from rapport.storage import tables as t

__all__ = ["DatedRows", "date_test"]

NO_DATE = 0  # an empty date (day numbers are proleptic ordinals, from 1)
entries = t.table_of(t.InteractionLogEntry)


class DatedRows:
    """The interaction log entries' dates (day numbers, sorted) beside their contacts."""

    def __init__(self, owners: Any, distinct: Any, starts: Any) -> None:
        # the owners sorted by day; each distinct day with where its owners start (no day
        # per row: the runs say it)
        self.owners, self.distinct, self.starts = owners, distinct, starts
        self.stale = BitMap()  # contacts whose rows here are out of date
        self.overlay: dict[int, list[int]] = {}  # their rows as re-read

    @classmethod
    def read(cls, session: Session) -> DatedRows:
        """The entries read in date order (empty dates first), so nothing is sorted here: the
        owners go straight into one array (32-bit, sized by a count first) and each run of
        a day is noted where it starts."""
        total = session.scalar(select(func.count()).select_from(entries)) or 0
        owners = np.empty(total, np.uint32)
        days: list[Any] = []  # per chunk: the days that start a run, and where
        starts: list[Any] = []
        query = select(entries.c.contact_id, entries.c.date).order_by(
            entries.c.date.asc().nulls_first()
        )
        filled, last = 0, None
        for chunk in session.execute(query.execution_options(yield_per=CHUNK)).partitions():
            if filled + len(chunk) > len(owners):  # rows added since the count (PostgreSQL)
                owners = np.concatenate([owners, np.empty(len(chunk), np.uint32)])
            owners[filled : filled + len(chunk)] = np.fromiter(
                (row[0] for row in chunk), np.uint32, len(chunk)
            )
            day = np.fromiter((_day(row[1]) for row in chunk), np.int32, len(chunk))
            new = np.flatnonzero(np.diff(day, prepend=np.int32(-1 if last is None else last)))
            days.append(day[new])
            starts.append(new + filled)
            filled, last = filled + len(chunk), int(day[-1])
        if not days:
            return cls(owners[:0], np.zeros(0, np.int32), np.zeros(0, np.int64))
        return cls(owners[:filled], np.concatenate(days), np.concatenate(starts))

    def apply(self, session: Session, chunk: Iterable[int]) -> None:
        """Re-read the rows of the contacts `chunk`."""
        marked = list(chunk)
        self.stale.update(marked)
        for contact in marked:
            self.overlay[contact] = []
        rows = session.execute(
            select(entries.c.contact_id, entries.c.date).where(entries.c.contact_id.in_(marked))
        )
        for contact, day in rows:
            self.overlay[contact].append(_day(day))
        if len(self.overlay) > MERGE:
            self._merge()

    def _merge(self) -> None:
        """The rows re-read put in their places: the rows kept stay in day order and the
        few new ones are inserted by binary search (no sort of all the rows)."""
        gone = np.zeros(max(int(self.owners.max(initial=0)), self.stale.max()) + 1, bool)
        gone[np.frombuffer(self.stale.to_array(), dtype=np.uint32)] = True
        kept = ~gone[self.owners]
        del gone
        every = np.repeat(self.distinct, np.diff(np.append(self.starts, len(self.owners))))
        days_kept, owners_kept = every[kept], self.owners[kept]
        del every, kept
        more = sorted((d, c) for c, days in self.overlay.items() for d in days)
        days = np.array([d for d, _ in more], np.int32)
        at = np.searchsorted(days_kept, days, side="right")
        self.owners = np.insert(owners_kept, at, np.array([c for _, c in more], np.uint32))
        every = np.insert(days_kept, at, days)
        del days_kept, owners_kept
        self.starts = np.flatnonzero(np.diff(every, prepend=np.int32(-1)))
        self.distinct = every[self.starts]
        self.stale, self.overlay = BitMap(), {}

    def memory(self) -> int:
        return int(self.owners.nbytes + self.distinct.nbytes + self.starts.nbytes)

    def select(self, test: Callable[[int], bool]) -> BitMap:
        """The contacts with an entry whose day passes `test`."""
        ends = np.append(self.starts[1:], len(self.owners))
        slices = [
            self.owners[start:end]
            for day, start, end in zip(
                self.distinct.tolist(), self.starts.tolist(), ends.tolist(), strict=True
            )
            if test(day)
        ]
        found = as_bitmap(np.concatenate(slices)) if slices else BitMap()
        if self.stale:
            found -= self.stale
            found.update(c for c, days in self.overlay.items() if any(map(test, days)))
        return found


def _day(value: dt.date | None) -> int:
    return NO_DATE if value is None else value.toordinal()


def date_test(expr: Expr, today: dt.date) -> Callable[[int], bool]:
    """The test of an entry's day that a condition on `date` alone makes, with the SQL's
    two-valued logic: an empty date fails every comparison but `!=` and `not in`."""
    if isinstance(expr, And | Or):
        tests = [date_test(part, today) for part in expr.parts]
        join = all if isinstance(expr, And) else any
        return lambda day: join(test(day) for test in tests)
    if isinstance(expr, Not):
        inner = date_test(expr.operand, today)
        return lambda day: not inner(day)
    if isinstance(expr, Compare | InList | IsEmpty) and _field(expr.field) != "date":
        raise Unsupported(expr.field)
    if isinstance(expr, IsEmpty):
        return (lambda day: day != NO_DATE) if expr.negated else (lambda day: day == NO_DATE)
    if isinstance(expr, Compare) and expr.op in ORDERINGS:
        compare, wanted = ORDERINGS[expr.op], _ordinal(expr.value, today)
        if expr.op == "!=":
            return lambda day: day == NO_DATE or day != wanted
        return lambda day: day != NO_DATE and bool(compare(day, wanted))
    if isinstance(expr, InList):
        listed = {_ordinal(value, today) for value in expr.values}
        if expr.negated:
            return lambda day: day == NO_DATE or day not in listed
        return lambda day: day != NO_DATE and day in listed
    raise Unsupported(type(expr).__name__)


def _field(name: str) -> str:
    found = registry.by_name(registry.INTERACTION_FIELDS).get(name.lower())
    return "" if found is None else found.name


def _ordinal(value: Any, today: dt.date) -> int:
    if isinstance(value, RelativeDate):
        value = value.resolve(today)
    if not isinstance(value, dt.date):
        raise Unsupported("date")
    return value.toordinal()
