"""How the preview accelerator's index is read within its memory budget (X2, SPEC §9,
issue 15): rows streamed from the database into bitmaps a block at a time (`Grouper`), so
the build's peak stays near what it keeps at any number of contacts, and the sizes of the
columns that criteria needing a scan read (`scan_sizes`), estimated from a sample of the
contacts before they are read, so a column the budget cannot hold is never read.

The estimate of a text column's distinct values is Chao's (`d + f1² / 2 f2`, f1 and f2 the
values seen once and twice in the sample), capped at the number of contacts: a column of
unique values (e-mail addresses) comes out at one value per contact, a column of a few
thousand repeated values (cities) near what the sample saw.
"""

from __future__ import annotations

import array
import ctypes
import gc
import os
import random
from collections import Counter
from collections.abc import Iterable, Sequence
from typing import Any

import numpy as np
from pyroaring import BitMap
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from rapport.services.segments._lines import contacts
from rapport.storage import tables as t

BLOCK = 262_144  # rows grouped into the bitmaps at a time (their numpy arrays: a few MB)
FETCH = 10_000  # rows per fetch: a chunk of rows (Python objects) bounds the read's peak
SAMPLE = 10_000  # contacts read to estimate the columns' sizes
CHUNK = 5_000  # ids per IN (…)
SLICE = 1 << 18  # ids looked up in a column at a time (numpy's index temporaries: 2 MB)
entries = t.table_of(t.InteractionLogEntry)

Values = dict[Any, BitMap]


class Grouper:
    """Rows streamed in as ids with the values of `width` columns, grouped into bitmaps of
    the ids per value of each column a block at a time. A column with a NULL or with more
    than `cap` values is dropped (`grouped` gives None: SQL answers for it)."""

    def __init__(self, width: int, *, cap: int | None, block: int = BLOCK) -> None:
        self.cap, self.block = cap, block
        self.lookups: list[dict[Any, int]] = [{} for _ in range(width)]
        self.maps: list[list[BitMap] | None] = [[] for _ in range(width)]
        self.ids: list[Any] = []
        self.numbers: list[list[Any]] = [[] for _ in range(width)]
        self.pending = 0

    def add(self, ids: Any, columns: Sequence[Sequence[Any]]) -> None:
        """A chunk: `ids` (numpy) and, per column, the values in the same order."""
        self.ids.append(ids)
        for place, values in enumerate(columns):
            if self.maps[place] is None:
                continue
            lookup = self.lookups[place]
            numbers = np.fromiter(
                (lookup.setdefault(v, len(lookup)) for v in values), np.int32, len(values)
            )
            if None in lookup or (self.cap is not None and len(lookup) > self.cap):
                self.maps[place], self.numbers[place] = None, []
                continue
            self.numbers[place].append(numbers)
        self.pending += len(ids)
        if self.pending >= self.block:
            self.flush()

    def flush(self) -> None:
        """The block's rows into the bitmaps."""
        if not self.pending:
            return
        ids = np.concatenate(self.ids)
        self.ids, self.pending = [], 0
        for place, maps in enumerate(self.maps):
            if maps is None:
                continue
            numbers = np.concatenate(self.numbers[place])
            self.numbers[place] = []
            order = np.argsort(numbers, kind="stable")
            ordered = ids[order]
            counts = np.bincount(numbers, minlength=len(self.lookups[place]))
            bounds = np.concatenate([[0], np.cumsum(counts)])
            maps.extend(BitMap() for _ in range(len(counts) - len(maps)))
            for code in np.flatnonzero(counts).tolist():
                maps[code] |= as_bitmap(ordered[bounds[code] : bounds[code + 1]])

    def grouped(self, place: int) -> Values | None:
        """Column `place`'s values and their bitmaps (compacted: runs where they pay)."""
        self.flush()
        maps = self.maps[place]
        if maps is None:
            return None
        found: Values = {}
        for value, code in self.lookups[place].items():
            bitmap = maps[code] if code < len(maps) else BitMap()
            bitmap.run_optimize()
            bitmap.shrink_to_fit()
            found[value] = bitmap
        return found


def stream(session: Session, query: Any) -> Iterable[Sequence[Any]]:
    """The rows of `query`, FETCH at a time."""
    yield from session.execute(query.execution_options(yield_per=FETCH)).partitions()


def ids_of(chunk: Sequence[Any], place: int = 0) -> Any:
    """Column `place` of the rows `chunk` as 32-bit ids (the bitmaps are 32-bit)."""
    return np.fromiter((row[place] for row in chunk), np.uint32, len(chunk))


def sampled(universe: BitMap, size: int = SAMPLE) -> list[int]:
    """At most `size` contacts drawn at random (the same ones each time) from `universe`."""
    places = random.Random(0).sample(range(len(universe)), min(size, len(universe)))  # noqa: S311
    return [universe[place] for place in places]


def scan_sizes(
    session: Session, texts: dict[str, str], universe: BitMap, top: int
) -> dict[str, int]:
    """The estimated bytes of each text column (by column, with its casefolded copy's
    column) and of the dated entries (key ""), from a sample of the contacts."""
    picked = sampled(universe)
    total = len(universe)
    if not picked:
        return dict.fromkeys([*texts, ""], 0)
    names = list(texts)
    rows: list[Any] = []
    entry_count = 0
    for chunk in chunks(picked):
        columns = [contacts.c[name] for column in names for name in (column, texts[column])]
        rows += session.execute(select(*columns).where(contacts.c.id.in_(chunk))).all()
        entry_count += (
            session.scalar(
                select(func.count()).select_from(entries).where(entries.c.contact_id.in_(chunk))
            )
            or 0
        )
    sizes = {"": (entry_count * total // len(picked)) * 4}
    for place, column in enumerate(names):
        pairs = [(row[2 * place], row[2 * place + 1]) for row in rows]
        sizes[column] = _text_size(pairs, total, top)
    return sizes


def _text_size(pairs: list[tuple[str | None, str | None]], total: int, top: int) -> int:
    """A text column's estimated bytes: its distinct values (Chao's estimate) at the
    sample's widest value, a quarter more, twice when most casefolded copies differ, and
    a value number per contact."""
    seen = Counter(value for value, _copy in pairs)
    once = sum(1 for n in seen.values() if n == 1)
    twice = sum(1 for n in seen.values() if n == 2)
    unseen = once * once / (2 * twice) if twice else once * (once - 1) / 2
    distinct = min(total, int(len(seen) + unseen))
    width = max((len(str(v).encode()) for v in seen if v), default=1) * 5 // 4
    if sum(1 for value, copy in pairs if value != copy) * 2 > len(pairs):
        width *= 2
    number = 1 if distinct < 2**7 else 2 if distinct < 2**15 else 4
    return distinct * width + top * number


def resident_bytes() -> int:
    """The process's resident set (Linux's /proc; 0 where there is none: no bound)."""
    try:
        with open("/proc/self/statm") as statm:
            return int(statm.read().split()[1]) * os.sysconf("SC_PAGE_SIZE")
    except OSError:
        return 0


def give_back() -> None:
    """Hand the memory freed so far back to the system, between the build's steps: glibc
    keeps freed heap pages (in the build thread's own arena too) for reuse, so each step's
    temporaries would stay in the server's resident set and add up to its peak.
    Only the young generations are collected: the step's temporaries are there, while a
    full collection walks every object of the process (seconds in a large one, ten times
    per build)."""
    gc.collect(1)
    trim_heap()


def trim_heap() -> None:
    """`malloc_trim(0)` where the C library has it (a few milliseconds): the freed heap of
    every arena back to the system (a keystroke's numpy temporaries at 10M contacts are
    tens of MB, below glibc's threshold for mapping them apart); nothing elsewhere."""
    try:
        trim = ctypes.CDLL(None).malloc_trim
    except (OSError, AttributeError):  # not glibc (musl, macOS): nothing to trim
        return
    trim(0)


def as_bitmap(ids: Any) -> BitMap:
    """A bitmap of a numpy array of ids (through a buffer: no Python loop)."""
    return BitMap(array.array("I", np.asarray(ids, dtype=np.uint32).tobytes()))


def slices(bitmap: BitMap) -> Iterable[Any]:
    """The ids of `bitmap` in order, as 32-bit numpy arrays, a range of SLICE ids at a time
    (a column looked up by them keeps numpy's 64-bit index temporaries small, and no array
    of all the ids is made)."""
    if not bitmap:
        return
    for low in range(0, bitmap.max() + 1, SLICE):
        part = bitmap.intersection(BitMap(range(low, low + SLICE)))
        if part:
            yield np.frombuffer(part.to_array(), dtype=np.uint32)


def chunks(ids: list[int]) -> Iterable[list[int]]:
    for start in range(0, len(ids), CHUNK):
        yield ids[start : start + CHUNK]
