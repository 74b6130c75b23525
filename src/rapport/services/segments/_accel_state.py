"""The preview accelerator's in-memory index (X2, X6, SPEC §9): compressed bitmaps of contact
ids per value of every code, enum and flag field of the contacts and per code of every code
relation, the company of each contact, each contact's place in line order (S11), and the
columns criteria that need a scan read (_accel_scan: the text fields, the interaction log
entries' dates).

It is read once from the database (`load`) and kept in step by `apply`, which re-reads just
the contacts the change sequence marked. A field with more than `MAX_VALUES` values (a
contact no.) or with a NULL is not kept: criteria on it are answered by SQL.
"""

from __future__ import annotations

import array
import ctypes
import gc
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
from pyroaring import BitMap
from sqlalchemy import Table, select
from sqlalchemy.orm import Session

from rapport.criteria import fields as registry
from rapport.criteria.operators import ValueType
from rapport.services.segments._accel_dates import DatedRows
from rapport.services.segments._accel_scan import TextColumn
from rapport.services.segments._lines import contacts, line_order

MAX_VALUES = 20_000  # a field with more distinct values is left to SQL
UNIQUE_FIELDS = frozenset({"no", "search_name", "company_no", "vat_no"})
KEPT_TYPES = frozenset({ValueType.CODE, ValueType.ENUM, ValueType.BOOL})
CHUNK = 5_000  # ids per IN (…) when re-reading changed contacts
NO_COMPANY = -1


def kept_fields() -> dict[str, registry.Field]:
    """The contact fields the index may keep, by column."""
    return {
        item.column: item
        for item in registry.CONTACT_FIELDS.values()
        if item.type in KEPT_TYPES and item.expression is None and item.name not in UNIQUE_FIELDS
    }


def text_fields() -> dict[str, registry.Field]:
    """The contact text fields the index keeps as columns (`matches` and the like)."""
    return {
        item.column: item
        for item in registry.CONTACT_FIELDS.values()
        if item.type is ValueType.TEXT and item.expression is None and item.folded is not None
    }


def code_relations() -> dict[str, tuple[registry.Relation, str]]:
    """The relations kept by code: (relation, its code column), by relation name."""
    found = {}
    for rel in registry.RELATIONS.values():
        if rel.shorthand is not None and rel.lines is None and rel.name != "interaction":
            found[rel.name] = (rel, rel.fields[rel.shorthand].column)
    return found


Values = dict[Any, BitMap]


@dataclass
class Index:
    """The bitmaps and columns of the contacts as of change `watermark`."""

    watermark: int = 0
    universe: BitMap = field(default_factory=BitMap)
    fields: dict[str, Values] = field(default_factory=dict)  # by column
    relations: dict[str, Values] = field(default_factory=dict)  # by relation name (owner ids)
    company_of: Any = field(default_factory=lambda: np.full(1, NO_COMPANY, np.int32))
    rank: Any = field(default_factory=lambda: np.zeros(1, np.int32))
    dirty: BitMap = field(default_factory=BitMap)  # contacts whose line-order rank is stale
    owners: Any = None  # persons_of's company column, made again after a change
    texts: dict[str, TextColumn] = field(default_factory=dict)  # by column
    dated: DatedRows | None = None  # the interaction log entries' dates

    # -- reading -----------------------------------------------------------------------

    def load(self, session: Session, watermark: int) -> None:
        """Read the whole index in the caller's transaction, as of `watermark`: streamed in
        chunks into numpy columns of value numbers, so no row is held as a Python object."""
        self.watermark = watermark
        wanted = list(kept_fields())
        columns = [contacts.c.id, contacts.c.company_id, *(contacts.c[c] for c in wanted)]
        read = _Columns(2 + len(wanted), ints=2)
        read.stream(session, select(*columns))
        ids, companies = read.arrays[0], read.arrays[1]
        self.universe = as_bitmap(ids)
        top = int(ids.max()) + 1 if len(ids) else 1
        self.company_of = np.full(top, NO_COMPANY, np.int32)  # ids fit 32 bits (as_bitmap)
        self.company_of[ids] = companies
        self.fields = {}
        for place, column in enumerate(wanted, start=2):
            grouped = read.grouped(ids, place, cap=MAX_VALUES)
            if grouped is not None:
                self.fields[column] = grouped
        del read, ids, companies
        give_back()
        self.relations = {}
        for name, (rel, column) in code_relations().items():
            table: Table = rel.table
            pairs = _Columns(2)
            pairs.stream(session, select(table.c.contact_id, table.c[column]))
            grouped = pairs.grouped(pairs.arrays[0], 1, cap=None)
            if grouped is not None:
                self.relations[name] = grouped
        self.texts = {}
        for column, item in text_fields().items():
            give_back()
            found = TextColumn.read(session, column, str(item.folded), top)
            if found is not None:
                self.texts[column] = found
        give_back()
        self.dated = DatedRows.read(session)
        give_back()
        self.load_rank(session)
        give_back()

    def load_rank(self, session: Session) -> None:
        """Each contact's place in line order (S11), read in that order by the database."""
        read = _Columns(1)
        read.stream(session, select(contacts.c.id).order_by(*line_order()))
        ordered = read.arrays[0]
        top = max(int(ordered.max()) + 1 if len(ordered) else 1, len(self.company_of))
        self.rank = np.zeros(top, np.int32)
        self.rank[ordered] = np.arange(len(ordered), dtype=np.int32)
        self.dirty = BitMap()

    # -- keeping in step ---------------------------------------------------------------

    def apply(self, session: Session, changed: BitMap, watermark: int) -> None:
        """Re-read the contacts in `changed` (and their relation rows) as of `watermark`."""
        self.watermark = watermark
        if not changed:
            return
        self.owners = None
        marked = list(changed)
        self.universe -= changed
        self.dirty |= changed
        for values in (*self.fields.values(), *self.relations.values()):
            for bitmap in values.values():
                bitmap -= changed
        wanted = list(self.fields)
        for chunk in _chunks(marked):
            self._read_contacts(session, chunk, wanted)
            if self.dated is not None:
                self.dated.apply(session, chunk)
            for name, (rel, column) in code_relations().items():
                if name not in self.relations:
                    continue
                table: Table = rel.table
                pairs = session.execute(
                    select(table.c.contact_id, table.c[column]).where(table.c.contact_id.in_(chunk))
                )
                values = self.relations[name]
                for owner, code in pairs:
                    values.setdefault(code, BitMap()).add(owner)
                if None in values:
                    del self.relations[name]
        self._grow(max(marked) + 1)
        gone = [i for i in marked if i not in self.universe]
        self.company_of[gone] = NO_COMPANY

    def _read_contacts(self, session: Session, chunk: Sequence[int], wanted: list[str]) -> None:
        texts = [(column, kept.copy) for column, kept in self.texts.items()]
        columns = [contacts.c.id, contacts.c.company_id, *(contacts.c[c] for c in wanted)]
        columns += [contacts.c[name] for pair in texts for name in pair]
        for row in session.execute(select(*columns).where(contacts.c.id.in_(chunk))):
            self._grow(row[0] + 1)
            self.universe.add(row[0])
            self.company_of[row[0]] = NO_COMPANY if row[1] is None else row[1]
            for place, column in enumerate(wanted, start=2):
                if column in self.fields:
                    self.fields[column].setdefault(row[place], BitMap()).add(row[0])
            self._set_texts(row, 2 + len(wanted), [column for column, _copy in texts])
        for column in wanted:
            if None in self.fields.get(column, {}):
                del self.fields[column]  # a NULL: left to SQL from now on

    def _set_texts(self, row: Any, at: int, columns: list[str]) -> None:
        """The text values (each with its casefolded copy) from place `at` of `row`."""
        for place, column in enumerate(columns):
            kept = self.texts.get(column)
            value, copy = row[at + 2 * place], row[at + 2 * place + 1]
            if kept is not None and not kept.set(row[0], value, copy):
                del self.texts[column]  # a value it cannot hold: left to SQL from now on

    def _grow(self, size: int) -> None:
        if size <= len(self.company_of):
            return
        more = max(size, len(self.company_of) * 5 // 4) - len(self.company_of)
        self.company_of = np.concatenate([self.company_of, np.full(more, NO_COMPANY, np.int32)])
        self.rank = np.concatenate([self.rank, np.zeros(more, np.int32)])

    # -- asking ------------------------------------------------------------------------

    def persons_of(self, companies: BitMap) -> BitMap:
        """The contacts whose company is one of `companies` (a company's persons, and the
        company itself where it names itself as its company)."""
        if not companies:
            return BitMap()
        if self.owners is None:  # company id + 1 per contact, 0 for none (int32: compact)
            self.owners = (self.company_of + 1).astype(np.int32)
        mask = np.zeros(int(self.owners.max()) + 1, bool)
        chosen = as_array(companies) + 1
        mask[chosen[chosen < len(mask)]] = True
        return as_bitmap(np.flatnonzero(mask[self.owners])) & self.universe

    def alone(self) -> BitMap:
        """The contacts without a company."""
        return as_bitmap(np.flatnonzero(self.company_of < 0)) & self.universe

    def companies_of(self, chosen: BitMap) -> BitMap:
        """The company ids of the contacts `chosen` (those that have one)."""
        if not chosen:
            return BitMap()
        found = self.company_of[as_array(chosen)]
        return as_bitmap(found[found >= 0])

    def first_in_line_order(self, chosen: BitMap, howmany: int) -> list[int]:
        """At most `howmany` + the stale ones: a superset of the first `howmany` contacts of
        `chosen` in line order (the database orders these few exactly)."""
        clean = chosen - self.dirty
        picked: list[int] = list(chosen & self.dirty)
        if clean:
            ids = as_array(clean)
            ranks = self.rank[ids]
            if len(ids) > howmany:
                keep = np.argpartition(ranks, howmany)[:howmany]
                ids = ids[keep]
            picked += [int(i) for i in ids]
        return picked

    def memory(self) -> int:
        """Bytes held by the bitmaps and columns (roaring's serialized size, a close bound)."""
        maps = [self.universe, self.dirty]
        for values in (*self.fields.values(), *self.relations.values()):
            maps += list(values.values())
        held = sum(bitmap.__sizeof__() for bitmap in maps)
        held += sum(column.memory() for column in self.texts.values())
        held += 0 if self.dated is None else self.dated.memory()
        return held + int(self.company_of.nbytes) + int(self.rank.nbytes)


class _Columns:
    """Columns read in chunks: integer columns (ids) as numpy arrays, the others as numpy
    arrays of value numbers with the values listed once (`values`)."""

    def __init__(self, width: int, *, ints: int = 1) -> None:
        self.ints = ints  # the leading columns that are ids (NULL: NO_COMPANY)
        self.parts: list[list[Any]] = [[] for _ in range(width)]
        self.lookups: list[dict[Any, int]] = [{} for _ in range(width)]
        self.arrays: list[Any] = []

    def stream(self, session: Session, query: Any) -> None:
        # 10,000 rows at a time: a chunk's rows are Python objects (a str per text value),
        # about 1 kB a row across the contacts' columns, so the chunk bounds the read's peak
        result = session.execute(query.execution_options(yield_per=CHUNK * 2))
        for chunk in result.partitions():
            for place, values in enumerate(zip(*chunk, strict=True)):
                self.parts[place].append(self._numbers(place, values))
        self.arrays = []
        for place, part in enumerate(self.parts):  # each column's chunks let go once joined
            self.arrays.append(np.concatenate(part) if part else np.zeros(0, np.int64))
            self.parts[place] = []
        self.parts = []

    def _numbers(self, place: int, values: Sequence[Any]) -> Any:
        if place < self.ints:
            return np.fromiter(
                (NO_COMPANY if v is None else v for v in values), np.int64, len(values)
            )
        lookup = self.lookups[place]
        numbers = np.fromiter(
            (lookup.setdefault(v, len(lookup)) for v in values), np.int32, len(values)
        )
        # in the smallest type that holds them: a code of a few values takes a byte per
        # contact (the chunks' types widen to the widest when joined)
        return numbers.astype(np.min_scalar_type(max(len(lookup) - 1, 0)))

    def grouped(self, ids: Any, place: int, *, cap: int | None) -> Values | None:
        """`ids` grouped by column `place`'s values as bitmaps; None past `cap` values or
        with a NULL."""
        lookup = self.lookups[place]
        if None in lookup or (cap is not None and len(lookup) > cap):
            return None
        codes = self.arrays[place]
        order = np.argsort(codes, kind="stable")
        bounds = np.searchsorted(codes[order], np.arange(len(lookup) + 1))
        sorted_ids = ids[order]
        return {
            value: as_bitmap(sorted_ids[bounds[code] : bounds[code + 1]])
            for value, code in lookup.items()
        }


def give_back() -> None:
    """Hand the memory freed so far back to the system, between the build's steps: glibc
    keeps freed heap pages (in the build thread's own arena too) for reuse, so each step's
    temporaries would stay in the server's resident set and add up to its peak.
    `malloc_trim(0)` where the C library has it (a few milliseconds); nothing elsewhere.
    Only the young generations are collected: the step's temporaries are there, while a
    full collection walks every object of the process (seconds in a large one, ten times
    per build)."""
    gc.collect(1)
    try:
        trim = ctypes.CDLL(None).malloc_trim
    except (OSError, AttributeError):  # not glibc (musl, macOS): nothing to trim
        return
    trim(0)


def as_bitmap(ids: Any) -> BitMap:
    """A bitmap of a numpy array of ids (through a buffer: no Python loop)."""
    return BitMap(array.array("I", np.asarray(ids, dtype=np.uint32).tobytes()))


def as_array(bitmap: BitMap) -> Any:
    """The ids of a bitmap as a numpy array (int64, to index columns)."""
    return np.frombuffer(bitmap.to_array(), dtype=np.uint32).astype(np.int64)


def _chunks(ids: list[int]) -> Iterable[list[int]]:
    for start in range(0, len(ids), CHUNK):
        yield ids[start : start + CHUNK]
