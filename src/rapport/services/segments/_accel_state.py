"""The preview accelerator's in-memory index (X2, X6, SPEC §9): compressed bitmaps of contact
ids per value of every code, enum and flag field of the contacts and per code of every code
relation, the company of each contact, each contact's place in line order (S11, coarse), and,
within the memory budget, the columns criteria that need a scan read (_accel_scan: the text
fields, the interaction log entries' dates).

It is read once from the database (`load`, streamed a block at a time: _accel_build) and
kept in step by `apply`, which re-reads just the contacts the change sequence marked. A field
with more than `MAX_VALUES` values (a contact no.) or with a NULL is not kept, nor a scan's
column the budget cannot hold: criteria on them are answered by SQL.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
from pyroaring import BitMap
from sqlalchemy import Table, func, select
from sqlalchemy.orm import Session

from rapport.criteria import fields as registry
from rapport.criteria.operators import ValueType
from rapport.services.segments._accel_build import (
    BLOCK,
    SLICE,
    Grouper,
    Values,
    as_bitmap,
    chunks,
    give_back,
    ids_of,
    resident_bytes,
    scan_sizes,
    slices,
    stream,
)
from rapport.services.segments._accel_dates import DatedRows
from rapport.services.segments._accel_scan import TextColumn
from rapport.services.segments._lines import contacts, line_order

__all__ = ["Index", "Limits", "Values", "as_bitmap", "code_relations"]

MAX_VALUES = 20_000  # a field with more distinct values is left to SQL
UNIQUE_FIELDS = frozenset({"no", "search_name", "company_no", "vat_no"})
KEPT_TYPES = frozenset({ValueType.CODE, ValueType.ENUM, ValueType.BOOL})
BUDGET = 150 * 2**20  # bytes of bitmaps and columns: the server's 300 MB less its own
SERVER = 300 * 2**20  # the server's resident set, which the columns of the scans stay within
RANKS = 2**16  # line-order places are kept coarse, in 16 bits (a run of contacts shares one)


@dataclass(frozen=True)
class Limits:
    """What the index may hold and how it reads: `budget` bytes of bitmaps and columns, and
    with `resident` the bytes of the whole process's resident set (the columns of the scans
    are kept only within both: `server_limits`), line-order places in `ranks` values
    (coarse past that many contacts; at most 2**16), rows grouped into bitmaps `block` at a
    time."""

    budget: int = BUDGET
    resident: int | None = None
    ranks: int = RANKS
    block: int = BLOCK


def server_limits() -> Limits:
    """The limits of `rapport serve`'s accelerator: the columns of the scans kept only while
    the server's resident set stays within SERVER (at 10M contacts the code part alone)."""
    return Limits(resident=SERVER)


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


@dataclass
class Index:
    """The bitmaps and columns of the contacts as of change `watermark`."""

    watermark: int = 0
    universe: BitMap = field(default_factory=BitMap)
    fields: dict[str, Values] = field(default_factory=dict)  # by column
    relations: dict[str, Values] = field(default_factory=dict)  # by relation name (owner ids)
    owner: Any = field(default_factory=lambda: np.zeros(1, np.uint32))  # company id + 1, or 0
    rank: Any = field(default_factory=lambda: np.zeros(1, np.uint16))  # line-order place >> shift
    shift: int = 0
    dirty: BitMap = field(default_factory=BitMap)  # contacts whose line-order rank is stale
    texts: dict[str, TextColumn] = field(default_factory=dict)  # by column
    dated: DatedRows | None = None  # the interaction log entries' dates
    limits: Limits = field(default_factory=Limits)

    # -- reading -----------------------------------------------------------------------

    def load(self, session: Session, watermark: int) -> None:
        """Read the whole index in the caller's transaction, as of `watermark`, streamed a
        block at a time (no row is held as a Python object past its chunk): the codes, the
        companies and the line order always; then the columns of the scans, smallest first,
        each only when its estimated size fits what the budget has left."""
        self.watermark = watermark
        self._load_contacts(session)
        give_back()
        self.relations = {}
        for name, (rel, column) in code_relations().items():
            table: Table = rel.table
            group = Grouper(1, cap=None, block=self.limits.block)
            for chunk in stream(session, select(table.c.contact_id, table.c[column])):
                group.add(ids_of(chunk), [[row[1] for row in chunk]])
            grouped = group.grouped(0)
            if grouped is not None:
                self.relations[name] = grouped
            del group
        give_back()
        self.load_rank(session)
        give_back()
        self._load_scans(session)

    def _load_contacts(self, session: Session) -> None:
        wanted = list(kept_fields())
        top = int(session.scalar(select(func.max(contacts.c.id))) or 0) + 1
        self.owner = np.zeros(top, np.uint32)
        self.universe = BitMap()
        group = Grouper(len(wanted), cap=MAX_VALUES, block=self.limits.block)
        query = select(contacts.c.id, contacts.c.company_id, *(contacts.c[c] for c in wanted))
        for chunk in stream(session, query):
            ids = ids_of(chunk)
            self._grow(int(ids.max()) + 1)
            self.owner[ids] = np.fromiter(
                (0 if row[1] is None else row[1] + 1 for row in chunk), np.uint32, len(chunk)
            )
            self.universe |= as_bitmap(ids)
            group.add(ids, [[row[p] for row in chunk] for p in range(2, 2 + len(wanted))])
        self.fields = {}
        for place, column in enumerate(wanted):
            grouped = group.grouped(place)
            if grouped is not None:
                self.fields[column] = grouped
        self.universe.run_optimize()

    def _load_scans(self, session: Session) -> None:
        """The text columns and the dated entries the budget holds, smallest first."""
        self.texts, self.dated = {}, None
        folded = {column: str(item.folded) for column, item in text_fields().items()}
        sizes = scan_sizes(session, folded, self.universe, len(self.owner))
        budget, resident = self.limits.budget, self.limits.resident
        for part in sorted(sizes, key=lambda key: (sizes[key], key)):
            if self.memory() + sizes[part] > budget:
                continue
            if resident is not None and resident_bytes() + sizes[part] > resident:
                continue
            give_back()
            if part == "":
                self.dated = DatedRows.read(session)
            else:
                found = TextColumn.read(session, part, folded[part], len(self.owner))
                if found is not None:
                    self.texts[part] = found
            if self.memory() > budget:  # the estimate fell short: let it go
                self.texts.pop(part, None)
                self.dated = None if part == "" else self.dated
        give_back()

    def load_rank(self, session: Session) -> None:
        """Each contact's place in line order (S11), read in that order by the database and
        kept coarse: the place shifted right so that it fits the ranks (16 bits: at 10M
        contacts a run of 256 contacts shares one rank; the database orders the few ties)."""
        places, ranks = max(len(self.universe), 1), self.limits.ranks
        self.shift = max(0, (places - 1).bit_length() - (ranks - 1).bit_length())
        self.rank = np.zeros(len(self.owner), np.uint16)
        done = 0
        for chunk in stream(session, select(contacts.c.id).order_by(*line_order())):
            ids = ids_of(chunk)
            self._grow(int(ids.max()) + 1)
            at = np.arange(done, done + len(chunk), dtype=np.int64) >> self.shift
            self.rank[ids] = np.minimum(at, ranks - 1)
            done += len(chunk)
        self.dirty = BitMap()

    # -- keeping in step ---------------------------------------------------------------

    def apply(self, session: Session, changed: BitMap, watermark: int) -> None:
        """Re-read the contacts in `changed` (and their relation rows) as of `watermark`."""
        self.watermark = watermark
        if not changed:
            return
        marked = list(changed)
        self.universe -= changed
        self.dirty |= changed
        for values in (*self.fields.values(), *self.relations.values()):
            for bitmap in values.values():
                bitmap -= changed
        wanted = list(self.fields)
        for chunk in chunks(marked):
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
        self.owner[gone] = 0

    def _read_contacts(self, session: Session, chunk: Sequence[int], wanted: list[str]) -> None:
        texts = [(column, kept.copy) for column, kept in self.texts.items()]
        columns = [contacts.c.id, contacts.c.company_id, *(contacts.c[c] for c in wanted)]
        columns += [contacts.c[name] for pair in texts for name in pair]
        for row in session.execute(select(*columns).where(contacts.c.id.in_(chunk))):
            self._grow(row[0] + 1)
            self.universe.add(row[0])
            self.owner[row[0]] = 0 if row[1] is None else row[1] + 1
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
        if size <= len(self.owner):
            return
        more = max(size, len(self.owner) * 5 // 4) - len(self.owner)
        self.owner = np.concatenate([self.owner, np.zeros(more, np.uint32)])
        self.rank = np.concatenate([self.rank, np.zeros(more, np.uint16)])

    # -- asking ------------------------------------------------------------------------

    def persons_of(self, companies: BitMap) -> BitMap:
        """The contacts whose company is one of `companies` (a company's persons, and the
        company itself where it names itself as its company)."""
        if not companies:
            return BitMap()
        mask = np.zeros(len(self.owner) + 1, bool)  # by company id + 1 (0: no company)
        for ids in slices(companies):
            chosen = ids + 1
            mask[chosen[chosen < len(mask)]] = True
        found = BitMap()
        for start in range(0, len(self.owner), SLICE):
            hit = np.flatnonzero(mask[self.owner[start : start + SLICE]])
            found |= as_bitmap(hit + start)
        return found & self.universe

    def alone(self) -> BitMap:
        """The contacts without a company."""
        return as_bitmap(np.flatnonzero(self.owner == 0)) & self.universe

    def companies_of(self, chosen: BitMap) -> BitMap:
        """The company ids of the contacts `chosen` (those that have one)."""
        found = BitMap()
        for ids in slices(chosen):
            owners = self.owner[ids]
            found |= as_bitmap(owners[owners > 0] - 1)
        return found

    def first_in_line_order(self, chosen: BitMap, howmany: int) -> list[int]:
        """A superset of the first `howmany` contacts of `chosen` in line order (the
        database orders these few exactly): those of the lowest ranks up to the rank of the
        `howmany`-th, ties included, and the stale ones."""
        picked: list[int] = list(chosen & self.dirty)
        best: list[Any] = []  # per slice, its lowest-ranked ids (with ties)
        for ids in slices(chosen - self.dirty):
            best.append(_lowest(ids, self.rank[ids], howmany))
        if best:
            ids = np.concatenate(best)
            picked += _lowest(ids, self.rank[ids], howmany).tolist()
        return picked

    def memory_by_part(self) -> dict[str, int]:
        """Bytes held by the bitmaps and columns, by part (roaring's serialized size, a
        close bound)."""
        found = {"contacts": _held([self.universe, self.dirty])}
        found |= {f"field {name}": _held(values.values()) for name, values in self.fields.items()}
        found |= {f"relation {n}": _held(values.values()) for n, values in self.relations.items()}
        found |= {"company column": int(self.owner.nbytes), "line order": int(self.rank.nbytes)}
        found |= {f"text {name}": column.memory() for name, column in self.texts.items()}
        if self.dated is not None:
            found["interaction dates"] = self.dated.memory()
        return found

    def memory(self) -> int:
        """Bytes held by the bitmaps and columns."""
        return sum(self.memory_by_part().values())


def _lowest(ids: Any, ranks: Any, howmany: int) -> Any:
    """The ids whose rank is at most the `howmany`-th lowest (all of them when as few)."""
    if len(ids) <= howmany:
        return ids
    last = np.partition(ranks, howmany - 1)[howmany - 1]
    return ids[ranks <= last]


def _held(maps: Any) -> int:
    return sum(bitmap.__sizeof__() for bitmap in maps)
