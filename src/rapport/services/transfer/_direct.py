"""A first load of contacts written straight into the table, without a staging table (K4).

Into an empty `contacts` table, without `update` and without skipping bad rows, from a
file in key order (`read_in_order`: its first chunk tells), the converted chunks go into
`contacts` itself (executemany on SQLite, one COPY on
PostgreSQL, `_stage.writer`), each row with every column the staged import's
`INSERT … SELECT` would give it (`_writes`): its id (the last id plus its line), a
company's company no. (its own no.), the search name, and a person's company id and name,
found in the chunk or, by one query a chunk, among the contacts already written. A person
whose company comes later in the file gets them from one UPDATE after the load. The checks
then run over the new rows (`rows_view`, the same checks as over a staging table); the
unique index on `no` has refused a key repeated in the file already (`Repeated`: the import
then starts again through the staging table, whose checks word every such row). Writing
each row once instead of twice (staged, then copied) is the import's largest saving: at a
million contacts it took 4 s of the `INSERT … SELECT` and the staging table's own writes.
On PostgreSQL a UTF-8 CSV file is read and converted by Arrow (`_arrow`), whose blocks
get the same columns by Arrow's compute functions (`Rows.block`).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from itertools import pairwise
from operator import itemgetter
from typing import TYPE_CHECKING, Any

from sqlalchemy import Subquery, select, update
from sqlalchemy.orm import Session

from rapport.criteria.operators import one_of
from rapport.services.transfer import _stage as import_stage
from rapport.services.transfer._stage import Columns
from rapport.services.transfer._writes import (
    COMPANY,
    NAME_UPPER,
    OWN_COMPANY,
    company_link,
    contacts_empty,
)
from rapport.services.transfer.files import CHUNK, Chunk
from rapport.services.transfer.tables import FileColumn, TableSpec
from rapport.storage.tables import Contact, table_of

if TYPE_CHECKING:
    from rapport.services.transfer._arrow import Block

contacts = table_of(Contact)
LINKS = ("company_id", "company_name", "company_name_folded")


class Repeated(Exception):
    """The table refused a row of a first load (a key repeated in the file)."""


def possible(session: Session, spec: TableSpec, *, update: bool, skip_bad_rows: bool) -> bool:
    """Whether this import is a first load of contacts that can be written directly."""
    if spec.name != "contacts" or update or skip_bad_rows:
        return False
    return contacts_empty(session)


ORDER = ("no", "type", "company_no")  # the file columns whose cells tell its order


def read_in_order(
    columns: Sequence[FileColumn], indexes: Sequence[int], chunks: Iterator[Chunk | Block]
) -> Iterator[Chunk | Block] | None:
    """The file's chunks (of its `columns` at `indexes` in a record) when its first
    `CHUNK` records, read ahead (one chunk, or Arrow's first blocks), are in the order a
    direct write pays in (`in_order`); else None."""
    ahead: list[Chunk | Block] = []
    read = 0
    while read < CHUNK and (chunk := next(chunks, None)) is not None:
        ahead.append(chunk)
        read += len(chunk[0]) if isinstance(chunk, tuple) else len(chunk)
    if not ahead:
        return None
    cells: list[list[str] | None] = []
    for name in ORDER:
        at = [index for column, index in zip(columns, indexes, strict=True) if column.name == name]
        cells.append([cell for chunk in ahead for cell in _cells(chunk, at[0])] if at else None)
    if not in_order(*cells):
        return None
    return _again(ahead, chunks)


def _cells(chunk: Chunk | Block, index: int) -> list[str]:
    """One column's cells of a chunk read by Python or a block read by Arrow (`_arrow`)."""
    if isinstance(chunk, tuple):
        return [row[index] if len(row) > index else "" for row in chunk[1]]
    return chunk.cells(index)


def _again(ahead: list[Chunk | Block], rest: Iterator[Chunk | Block]) -> Iterator[Chunk | Block]:
    """The chunks read ahead, then the rest; no reference to one kept once handed on (a
    chunk of a million-row file is some 50 MB)."""
    ahead.reverse()
    while ahead:
        yield ahead.pop()
    yield from rest


def in_order(
    nos: Sequence[str] | None, kinds: Sequence[str] | None, company_nos: Sequence[str] | None
) -> bool:
    """Whether a file whose first chunk has these raw cells is in the order a direct write
    pays in: its nos ascending (the unique index on `no` appended to, not written at random
    places, which made a shuffled million 56 s against 37 s staged on SQLite) and at most
    `FORWARD` of its persons naming a company not before them (each such person is written
    twice, by `link_later`). Exports are in that order; otherwise the staging table is."""
    if nos is None:
        return False
    keys = [no.strip().upper() for no in nos]
    if any(a >= b for a, b in pairwise(keys)):
        return False
    if kinds is None or company_nos is None:
        return True
    seen: set[str] = set()
    persons = forward = 0
    for no, kind, company in zip(keys, kinds, company_nos, strict=True):
        company = company.strip().upper()
        if kind.strip().lower() == "company":
            seen.add(no)
        elif company:
            persons += 1
            forward += company not in seen
    return forward <= FORWARD * persons


FORWARD = 0.01


def columns(staged: Sequence[str]) -> list[str]:
    """The contacts columns a first load writes, given the staged names (`Layout.staged`)."""
    given = [name for name in staged if name != NAME_UPPER]
    derived = ["type", "company_no"] + (["search_name"] if NAME_UPPER in staged else [])
    return ["id", *dict.fromkeys(given + derived), *LINKS]


@contextmanager
def writer(session: Session, staged: list[str], base: int) -> Iterator[Rows]:
    """Writes chunks given as staged columns (the lines, then `staged`), or blocks read by
    Arrow, into `contacts`, with ids from `base`. Raises `Repeated` when the table refuses
    a row."""
    names = columns(staged)
    refused = session.get_bind().dialect.loaded_dbapi.IntegrityError
    try:
        with import_stage.writer(session, contacts, names) as chunks:
            yield Rows(Found(session, chunks.settle), staged, names, base, chunks)
    except refused as exc:
        raise Repeated(str(exc)) from exc


@dataclass(frozen=True)
class Rows:
    """Writes the rows of a first load: a chunk of Python values (`__call__`, a `Write`),
    or a block converted by Arrow (`block`)."""

    found: Found
    staged: list[str]
    names: list[str]
    base: int
    chunks: import_stage.Writer

    def __call__(self, chunk: Columns) -> None:
        if chunk and chunk[0]:
            self.chunks(_rows(self.found, self.staged, self.names, self.base, chunk))

    def block(self, first: int, values: Sequence[Any]) -> None:
        """The rows of a block read by Arrow from line `first`, its staged columns
        converted (`_arrow.convert`)."""
        from rapport.services.transfer import _arrow

        start = self.base + first
        ids = _arrow.whole_numbers(range(start, start + len(values[0])))
        table = _arrow.rows(self.staged, self.names, ids, values, self.found)
        self.chunks.put(_arrow.csv_bytes(table))


@dataclass(frozen=True)
class Found:
    """The companies already written, looked up once the chunks before are (`settle`)."""

    session: Session
    settle: Callable[[], None]

    def __call__(self, nos: set[str]) -> dict[str, tuple[int | None, str, str]]:
        self.settle()
        query = select(contacts.c.no, contacts.c.id, contacts.c.name, contacts.c.name_folded).where(
            contacts.c.type == "company", one_of(contacts.c.no, sorted(nos))
        )
        return {no: (id_, name, fold) for no, id_, name, fold in self.session.execute(query)}


def _rows(found: Found, staged: list[str], names: list[str], base: int, chunk: Columns) -> Columns:
    lines, *values = chunk
    given = dict(zip(staged, values, strict=True))
    count = len(lines)
    ids = [base + line for line in lines]
    kinds = given.get("type") or ["company"] * count
    nos = given["no"]
    written = given.get("company_no") or [""] * count
    # a company's company no. is its own; a different one is left for the check to find
    company_nos = [
        no if kind == "company" and not company_no else company_no
        for kind, company_no, no in zip(kinds, written, nos, strict=True)
    ]
    out: dict[str, Sequence[Any]] = {"id": ids, **given, "type": kinds, "company_no": company_nos}
    if NAME_UPPER in given:
        upper = given[NAME_UPPER]
        search = given.get("search_name")
        out["search_name"] = (
            upper if search is None else [s or u for s, u in zip(search, upper, strict=True)]
        )
    names_of = given.get("name") or [""] * count
    folded_of = given.get("name_folded") or [""] * count
    links = _links(found, ids, kinds, nos, company_nos, (names_of, folded_of))
    out |= dict(zip(LINKS, links, strict=True))
    return [out[name] for name in names]


def _links(
    written: Found,
    ids: list[int],
    kinds: Sequence[str],
    nos: Sequence[str],
    company_nos: list[str],
    names: tuple[Sequence[str], Sequence[str]],
) -> tuple[Sequence[int | None], Sequence[str], Sequence[str]]:
    """Each row's company id, name and folded name: a company's own; a person's from its
    company earlier in the chunk or already written, else none yet (`link_later`). Each
    row points at the row holding its link (one comprehension), then the three columns are
    picked at C speed."""
    count = len(ids)
    pairs = enumerate(zip(kinds, nos, strict=True))
    here = {no: index for index, (kind, no) in pairs if kind == "company"}
    wanted = {
        no
        for kind, no in zip(kinds, company_nos, strict=True)
        if kind != "company" and no and no not in here
    }
    found = written(wanted) if wanted else {}
    # the rows a link is taken from: the chunk's own, then "none yet", then those found
    extra = [NO_LINK, *found.values()]
    slot = {no: count + 1 + index for index, no in enumerate(found)}
    at = [
        index
        if kind == "company"
        else (where if 0 <= (where := here.get(no, -1)) < index else slot.get(no, count))
        for index, (kind, no) in enumerate(zip(kinds, company_nos, strict=True))
    ]
    name, folded = names
    columns = (
        [*ids, *(link[0] for link in extra)],
        [*name, *(link[1] for link in extra)],
        [*folded, *(link[2] for link in extra)],
    )
    pick = itemgetter(*at) if count > 1 else lambda values: (values[at[0]],)
    company_ids, company_names, company_folded = (pick(values) for values in columns)
    return company_ids, company_names, company_folded


NO_LINK: tuple[int | None, str, str] = (None, "", "")


def link_later(session: Session, base: int) -> None:
    """The persons of the load whose company came after them in the file get its id and
    name, in one UPDATE (usually of no row)."""
    session.execute(
        update(contacts)
        .where(
            contacts.c.id > base,
            contacts.c.company_id.is_(None),
            contacts.c.company_no != "",
            select(COMPANY.c.id).where(OWN_COMPANY).exists(),
        )
        .values(company_link())
    )


def all_linked(session: Session, base: int) -> bool:
    """Whether every person of the load that names a company got its id (after
    `link_later`): a link is only ever taken from a company contact, so then no person
    names a missing company or one that is not a company (`CompanyOfPerson`), and that
    check's two lookups a row need not run."""
    unlinked = select(contacts.c.id).where(
        contacts.c.id > base,
        contacts.c.type != "company",
        contacts.c.company_no != "",
        contacts.c.company_id.is_(None),
    )
    return not session.execute(select(unlinked.exists())).scalar()


def rows_view(staged: Sequence[str], base: int, name: str) -> Subquery:
    """The rows of the load as the checks see a staging table: `line` and the staged
    columns."""
    line = (contacts.c.id - base).label("line")
    kept = [contacts.c[column].label(column) for column in staged if column != NAME_UPPER]
    return select(line, *kept).where(contacts.c.id > base).subquery(name)
