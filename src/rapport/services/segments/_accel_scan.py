"""The preview accelerator's text columns for criteria that need a scan (X2, SPEC §9, issue
15): the contacts' text fields for `matches` (substrings, wildcards, ranges, `@`) and the
comparisons (the interaction log entries' dates are in _accel_dates).

A text field is dictionary-encoded: its distinct values once, as UTF-8 in a numpy byte-
string array (`values`, with their casefolded copies as stored: a second array when most
differ, else just the few that differ, `at` and `patch`), and each contact's value number
(`codes`). A filter is tested on the distinct values by vectorised byte comparisons and
substring searches, so it is exact in the terms the SQL gives it (operators.matches): byte
order for ranges and comparisons (SQLite's BINARY, PostgreSQL's COLLATE "C"), `*` as any
run and `?` as one character (GLOB / LIKE), `@` against the casefolded copy with the
casefolded value.
"""

from __future__ import annotations

import array
import operator as op
import re
from collections.abc import Callable
from typing import Any

import numpy as np
from pyroaring import BitMap
from sqlalchemy import select
from sqlalchemy.orm import Session

from rapport.criteria import bcfilter
from rapport.criteria.operators import ValueType, bytewise
from rapport.criteria.tree import Compare, InList, IsEmpty
from rapport.services.segments._lines import contacts

__all__ = ["TextColumn", "Unsupported"]

CHUNK = 10_000  # rows per fetch: a chunk of rows (Python objects) bounds the read's peak
MERGE = 4_096  # values (or re-read contacts) kept aside before they are merged in
FEW = 50_000  # at most this many values are tested one by one (a `?` pattern)
Mask = Any  # a numpy array of bool, one per distinct value
Test = Callable[[Any, Callable[[], Any]], Mask]  # (values, maker of their copies) → mask
ORDERINGS: dict[str, Callable[[Any, Any], Any]] = {
    "=": op.eq,
    "!=": op.ne,
    "<>": op.ne,
    "<": op.lt,
    "<=": op.le,
    ">": op.gt,
    ">=": op.ge,
}


class Unsupported(Exception):
    """The columns cannot answer these criteria exactly."""


def as_bitmap(ids: Any) -> BitMap:
    """A bitmap of a numpy array of ids (through a buffer: no Python loop)."""
    return BitMap(array.array("I", np.asarray(ids, dtype=np.uint32).tobytes()))


class TextColumn:
    """One text field of the contacts, dictionary-encoded."""

    def __init__(self, copy: str, values: Any, folded: Any, codes: Any) -> None:
        self.copy = copy  # the column of the casefolded copy
        self.values = values
        self.full, self.at, self.patch = _split(values, folded)
        self.codes = codes  # the value number per contact id, -1 for none (int8/16/32)
        self.added: list[tuple[str, str]] = []  # (value, copy) re-read since the last merge
        self.numbers: dict[tuple[str, str], int] = {}  # their value numbers

    @classmethod
    def read(cls, session: Session, column: str, copy: str, top: int) -> TextColumn | None:
        """The column and its copy read in byte order, so equal pairs come together; None
        when a value is one numpy cannot hold (a NUL) — SQL answers for that field."""
        field, folded = contacts.c[column], contacts.c[copy]
        query = select(contacts.c.id, field, folded).order_by(
            bytewise(field, ValueType.TEXT), bytewise(folded, ValueType.TEXT)
        )
        codes = np.full(top, -1, np.int8)  # widened as the values grow (_narrow)
        parts: list[Any] = []  # the values, chunk by chunk
        at: list[Any] = []  # where their copies differ, and those copies (never all copies
        patch: list[Any] = []  # at once: the read's peak stays near the column's size)
        last: tuple[str, str] | None = None
        count = 0
        for chunk in session.execute(query.execution_options(yield_per=CHUNK)).partitions():
            numbers = np.empty(len(chunk), np.int32)
            new: list[tuple[str, str]] = []
            for place, (_id, value, fold) in enumerate(chunk):
                if (value, fold) != last:
                    if not _holdable(value, fold):
                        return None
                    last, count = (value, fold), count + 1
                    new.append(last)
                numbers[place] = count - 1
            if count > np.iinfo(codes.dtype).max:
                codes = _narrow(codes, count)
            codes[np.fromiter((row[0] for row in chunk), np.int64, len(chunk))] = numbers
            if new:
                raw, fold = _encoded(new)
                differ = np.flatnonzero(fold != raw)
                at.append(count - len(new) + differ)
                patch.append(fold[differ])
                parts.append(raw)
        if not parts:
            return cls(copy, *_encoded([]), codes)
        values = _joined(parts)
        found = cls(copy, values, values, _narrow(codes, count))
        found.at, found.patch = np.concatenate(at), np.concatenate(patch).astype(np.bytes_)
        if len(found.at) * 8 > len(values):
            found.full = _patched(values, found.at, found.patch, None)
            found.at = found.patch = None
        return found

    def set(self, contact: int, value: str | None, copy: str | None) -> bool:
        """`contact` now holds `value` (casefolded copy `copy`); False when it cannot be
        held (the field is then left to SQL)."""
        if not _holdable(value, copy):
            return False
        if contact >= len(self.codes):
            more = max(contact + 1, len(self.codes) * 5 // 4) - len(self.codes)
            self.codes = np.concatenate([self.codes, np.full(more, -1, self.codes.dtype)])
        pair = (str(value), str(copy))
        number = self.numbers.get(pair)  # a value set aside already keeps its number
        if number is None:
            number = len(self.values) + len(self.added)
            self.numbers[pair] = number
            self.added.append(pair)
        if number > np.iinfo(self.codes.dtype).max:  # one size wider (at 10M: +10 MB, not +30)
            self.codes = _narrow(self.codes, number + 1)
        self.codes[contact] = number
        if len(self.added) > MERGE:
            self._merge()
        return True

    def _merge(self) -> None:
        """Move the values set aside into the arrays; keep only the values still held."""
        values, copies = self._arrays()
        folded = copies(None)
        self.added, self.numbers = [], {}
        held = np.unique(self.codes[self.codes >= 0])
        if len(held) < len(values) // 2:
            renumber = np.full(len(values) + 1, -1, np.int32)
            renumber[held] = np.arange(len(held), dtype=np.int32)
            # -1 stays -1 (the extra last slot)
            self.codes = _narrow(renumber[self.codes], len(held))
            values, folded = values[held], folded[held]
        self.values = values
        self.full, self.at, self.patch = _split(values, folded)

    def memory(self) -> int:
        copies = self.at.nbytes + self.patch.nbytes if self.full is None else self.full.nbytes
        return int(self.values.nbytes + copies + self.codes.nbytes)

    def select(self, test: Test, within: BitMap | None) -> Any:
        """The ids of the contacts whose value passes `test` (over the values and a maker of
        their casefolded copies); only the values of `within` are tested when it is small."""
        values, copies = self._arrays()
        if within is not None and len(within) * 16 < len(self.codes):
            ids = np.frombuffer(within.to_array(), dtype=np.uint32).astype(np.int64)
            ids = ids[ids < len(self.codes)]
            held = self.codes[ids]
            ids, held = ids[held >= 0], held[held >= 0]
            distinct, place = np.unique(held, return_inverse=True)
            return ids[test(values[distinct], _once(lambda: copies(distinct)))[place]]
        passed = np.append(test(values, _once(lambda: copies(None))), False)  # last: none
        return np.flatnonzero(passed[self.codes])

    def _arrays(self) -> tuple[Any, Callable[[Any], Any]]:
        """All values (the added ones last) and the maker of the copies of those at the
        given places (None: all)."""
        values, full, at, patch = self.values, self.full, self.at, self.patch
        if self.added:
            raw, folded = _encoded(self.added)
            values = np.concatenate([values, raw])
            if full is not None:
                full = np.concatenate([full, folded])
            else:
                differ = np.flatnonzero(folded != raw)
                at = np.concatenate([at, len(self.values) + differ])
                patch = np.concatenate([patch, folded[differ]])
        if full is not None:
            return values, lambda places: full if places is None else full[places]
        return values, lambda places: _patched(values, at, patch, places)


def _joined(parts: list[Any]) -> Any:
    """The byte-string arrays of `parts` as one, emptying `parts` as it goes: each part is
    let go once copied, and the pages of the result are touched only as they are filled, so
    the read never holds the column twice."""
    width = max(part.dtype.itemsize for part in parts)
    joined = np.empty(sum(len(part) for part in parts), dtype=f"S{max(width, 1)}")
    at = 0
    parts.reverse()
    while parts:
        part = parts.pop()
        joined[at : at + len(part)] = part
        at += len(part)
    return joined


def _narrow(codes: Any, count: int) -> Any:
    """`codes` in the smallest signed integer type that holds `count` value numbers and -1
    (a code of eight values takes one byte per contact, not four); the same array when it
    is of that type already."""
    for kind in (np.int8, np.int16):
        if count <= np.iinfo(kind).max:
            return codes.astype(kind, copy=False)
    return codes.astype(np.int32, copy=False)


def _holdable(value: str | None, copy: str | None) -> bool:
    return value is not None and copy is not None and "\x00" not in value + copy


def _encoded(pairs: list[tuple[str, str]]) -> tuple[Any, Any]:
    """(values, copies) as UTF-8 byte-string arrays."""
    raw = np.array([value.encode() for value, _ in pairs], dtype=np.bytes_)
    folded = np.array([copy.encode() for _, copy in pairs], dtype=np.bytes_)
    return raw.astype(np.bytes_), folded.astype(np.bytes_)


def _once(make: Callable[[], Any]) -> Callable[[], Any]:
    """`make`, called at most once (a filter's `@` terms share one array of copies)."""
    made: list[Any] = []

    def get() -> Any:
        if not made:
            made.append(make())
        return made[0]

    return get


def _split(values: Any, folded: Any) -> tuple[Any, Any, Any]:
    """(all copies, None, None) when many differ from their values, else (None, the
    places where they differ, those copies): an e-mail column of lower-case addresses keeps
    no second array."""
    differ = np.flatnonzero(folded != values)
    if len(differ) * 8 > len(values):
        return folded, None, None
    return None, differ, folded[differ]


def _patched(values: Any, at: Any, patch: Any, places: Any) -> Any:
    """The copies of `values` at `places` (None: all): the values, but at `at` (sorted)
    the copies `patch`."""
    kind = np.result_type(values.dtype, patch.dtype)
    if places is None:
        found = values.astype(kind)
        found[at] = patch
        return found
    found = values[places].astype(kind)
    if len(at):
        where = np.minimum(np.searchsorted(at, places), len(at) - 1)
        hit = at[where] == places
        found[hit] = patch[where[hit]]
    return found


# -- text conditions ------------------------------------------------------------------


def filter_test(node: bcfilter.Filter) -> Test:
    """The test of a Business Central filter on a text field's values, as operators.matches
    compiles it for a field with a casefolded copy."""
    if isinstance(node, bcfilter.AnyOf | bcfilter.AllOf):
        tests = [filter_test(part) for part in node.parts]
        join = np.logical_or if isinstance(node, bcfilter.AnyOf) else np.logical_and
        return lambda raw, folded: join.reduce([test(raw, folded) for test in tests])
    return _term_test(node)


def _term_test(term: bcfilter.Term) -> Test:
    value, upper = term.value, term.upper
    if term.ignore_case:
        value, upper = value.casefold(), upper.casefold()
    low, high = value.encode(), upper.encode()

    def pick(raw: Any, folded: Callable[[], Any]) -> Any:
        return folded() if term.ignore_case else raw

    if term.op in ("like", "not like"):
        wanted = term.op == "like"
        return lambda raw, folded: _like(pick(raw, folded), value) == wanted
    if term.op == "..":
        return lambda raw, folded: (pick(raw, folded) >= low) & (pick(raw, folded) <= high)
    compare = ORDERINGS[term.op]
    return lambda raw, folded: np.asarray(compare(pick(raw, folded), low), bool)


def _like(values: Any, pattern: str) -> Mask:
    """`values` GLOB (SQLite) / LIKE (PostgreSQL) the BC wildcard `pattern`: `*` any run of
    characters, `?` exactly one character."""
    if "?" in pattern:
        if len(values) > FEW:
            raise Unsupported("a '?' pattern over many values")
        regex = re.compile(
            "".join(".*" if c == "*" else "." if c == "?" else re.escape(c) for c in pattern),
            re.DOTALL,
        )
        return np.array([regex.fullmatch(v.decode()) is not None for v in values.tolist()], bool)
    pieces = [piece.encode() for piece in pattern.split("*")]
    if len(pieces) == 1:
        return np.asarray(values == pieces[0], bool)
    first, *middle, last = pieces
    passed = np.strings.startswith(values, first) if first else np.ones(len(values), bool)
    at = np.full(len(values), len(first), np.int64)
    for piece in middle:
        if piece:
            found = np.strings.find(values, piece, at)
            passed &= found >= 0
            at = np.where(found >= 0, found + len(piece), at)
    if last:
        fits = np.strings.str_len(values) - len(last) >= at
        passed &= np.strings.endswith(values, last) & fits
    return np.asarray(passed, bool)


def leaf_test(expr: Compare | InList | IsEmpty) -> Test:
    """The test of `=`, `!=`, the orderings (byte order), `in` and `is (not) empty` on a
    text field's values."""
    if isinstance(expr, Compare):
        if not isinstance(expr.value, str):
            raise Unsupported(expr.field)
        compare, wanted = ORDERINGS[expr.op], expr.value.encode()
        return lambda raw, _folded: np.asarray(compare(raw, wanted), bool)
    if isinstance(expr, InList):
        if not all(isinstance(v, str) for v in expr.values):
            raise Unsupported(expr.field)
        listed = np.array([str(v).encode() for v in expr.values], dtype=np.bytes_)
        return lambda raw, _folded: np.isin(raw, listed) != expr.negated
    return lambda raw, _folded: (raw == b"") != expr.negated
