"""A first load of contacts into PostgreSQL, read and converted by Apache Arrow (K4, SPEC §9).

The Python path (`_reading`, `_direct`) makes a Python object of every cell, and at a
million contacts its one thread needed 7.6 s of the import's 15.2 s while the server's
COPY needed about 4.4 s. Here the file is read in blocks of `BLOCK` lines, each block
parsed by Arrow's CSV reader (C++) into one text column per file column,
checked and converted column by column, given the rows a first load writes (`rows`) and
written as CSV for `COPY … (FORMAT csv)`, without a Python object per cell.

Arrow only ever takes what it gives exactly as the Python path would; everything else goes
the Python way, which stays the one definition of the import's reading, conversion and
messages:
- a block is read by Arrow when it holds no quote, no line break but `\\n` or `\\r\\n`, no
  blank line and only records of the header's width (so its records are its lines, in
  order); from the first block that does not, the rest of the file is read by Python's
  csv reader;
- a block's column is converted by Arrow when its cells need no change and break no rule:
  codes already trimmed and upper case, texts within their length (e-mail addresses
  plain), and the few distinct values of an enumeration, a boolean or a date converted by
  the Python path's own converter (`_values.column_converter`); a block with any other cell is
  converted by the Python path, which says what is wrong with which cell;
- the casefolded copies and the search name are Arrow's lower and upper case of a column
  that is ASCII, Python's `casefold` and `upper` of one that is not.
"""

from __future__ import annotations

import codecs
import csv
import io
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from functools import partial
from itertools import islice
from pathlib import Path
from typing import Protocol

import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as arrow_csv
from sqlalchemy.orm import Session

from rapport.domain.rules import NUL, PLAIN_ASCII_ADDRESS
from rapport.services.transfer import _reading as import_reading
from rapport.services.transfer._bad_rows import BadRow
from rapport.services.transfer._phases import Phases
from rapport.services.transfer._reading import Distinct, Layout
from rapport.services.transfer._stage import Columns
from rapport.services.transfer._values import NORMAL_ASCII_CODE, BadChunk, column_converter
from rapport.services.transfer._writes import NAME_UPPER
from rapport.services.transfer.files import Chunk, csv_chunks, decoded, delimiter_of
from rapport.services.transfer.tables import FileColumn
from rapport.storage.schema import fold_many, upper_many

# lines a block: Arrow's reader keeps some ten times a block in memory (the process
# peaked at 360 MB with blocks of 50,000 lines, 240 MB with 10,000), and a block takes
# some 25 ms, so progress is still reported several times a second
BLOCK = 10_000
CODECS = ("utf-8", "utf-8-sig")  # the encodings Arrow reads
# bytes read as one line at most: a file whose lines end at lone carriage returns would
# otherwise be one line, read whole; a longer line goes the Python way (`_parsed`)
LINE_LIMIT = 1 << 20


class Found(Protocol):
    """The companies already written among `nos`: no. → (id, name, folded name)."""

    def __call__(self, nos: set[str]) -> dict[str, tuple[int | None, str, str]]: ...


class Rows(Protocol):
    """Writes a first load's rows (`_direct.Rows`): a chunk of Python values, or a block's
    columns converted by Arrow."""

    def __call__(self, chunk: Columns) -> None: ...

    def block(self, first: int, values: Sequence[pa.Array]) -> None: ...


@dataclass(frozen=True)
class Block:
    """Records read by Arrow: one a line, from line `first` on; a text column each."""

    first: int
    table: pa.Table

    def __len__(self) -> int:
        return int(self.table.num_rows)

    def cells(self, index: int) -> list[str]:
        return list(self.table.column(index).to_pylist())

    def chunk(self) -> Chunk:
        """The block as the Python path reads records: their lines and cells."""
        columns = [column.to_pylist() for column in self.table.columns]
        lines = list(range(self.first, self.first + len(self)))
        return lines, list(map(list, zip(*columns, strict=True)))


def readable(path: Path, codec: str) -> bool:
    """Whether Arrow can read the CSV file read in `codec` (`files.csv_codec`): UTF-8, and
    its header line ends where Python's reader ends it (not at a lone carriage return,
    where Arrow's block would begin later)."""
    if codec not in CODECS:
        return False
    with path.open("rb") as raw:
        first = raw.readline(LINE_LIMIT)
    return first.endswith(b"\n") and first.count(b"\r") == first.count(b"\r\n")


def records(path: Path, codec: str, width: int) -> Iterator[Block | Chunk]:
    """The records after the header of the CSV file at `path` (in `codec`, of `width`
    fields): Arrow's blocks while it can read them, then the Python reader's chunks."""
    with path.open("rb") as raw:
        first = raw.readline().removeprefix(codecs.BOM_UTF8)
        delimiter = delimiter_of(first.decode(codec, errors="replace"))
        line = 2  # the line of the next record
        while lines := list(islice(iter(partial(raw.readline, LINE_LIMIT), b""), BLOCK)):
            block = b"".join(lines)
            table = _parsed(block, lines, delimiter, width)
            if table is None:
                raw.seek(-len(block), io.SEEK_CUR)
                # UTF-8 alone: the byte order mark was the header's, and a U+FEFF here is text
                text = io.TextIOWrapper(raw, encoding="utf-8", newline="")
                reader = csv.reader(text, delimiter=delimiter)
                yield from decoded(csv_chunks(reader, start=line - 1), path, codec)
                return
            yield Block(line, table)
            line += len(lines)


def _parsed(block: bytes, lines: list[bytes], delimiter: str, width: int) -> pa.Table | None:
    """The block's records as text columns, or None when Arrow might read them otherwise
    than Python's csv reader: a quote, a lone carriage return, a blank line, a record of
    another width, a byte that is not UTF-8, a U+FEFF first (Arrow drops it as a byte
    order mark), a line longer than the csv reader's field limit (which it refuses)."""
    if b'"' in block or block.count(b"\r") != block.count(b"\r\n"):
        return None
    if block.startswith(codecs.BOM_UTF8) or len(max(lines, key=len)) > csv.field_size_limit():
        return None
    names = [str(index) for index in range(width)]
    try:
        table = arrow_csv.read_csv(
            io.BytesIO(block),
            # one thread: the server's COPY needs the other core (and each thread its memory)
            read_options=arrow_csv.ReadOptions(column_names=names, use_threads=False),
            parse_options=arrow_csv.ParseOptions(delimiter=delimiter, quote_char=False),
            convert_options=arrow_csv.ConvertOptions(
                column_types=dict.fromkeys(names, pa.string()),
                strings_can_be_null=False,
                quoted_strings_can_be_null=False,
            ),
        )
    except (pa.ArrowInvalid, pa.ArrowTypeError):
        return None
    return table if table.num_rows == len(lines) else None


def load(
    session: Session, write: Rows, layout: Layout, records: Iterator[Block | Chunk],
    phase: Phases, distinct: Distinct,
) -> list[BadRow]:  # fmt: skip
    """`_reading.load` for a first load read by Arrow: each block converted and written by
    columns (`write.block`, `_direct.Rows`) when it can be, else, like each chunk the
    Python reader gave, by the Python path; the rows with bad cells."""
    bad: list[BadRow] = []
    for record in records:
        if isinstance(record, Block):
            values = convert(layout, record)
            if values is not None:
                for name, column in zip(layout.staged, values, strict=True):
                    if name in distinct.values:
                        distinct.update(name, pc.unique(column).to_pylist())
                write.block(record.first, values)
                phase.rows_read(len(record))
                continue
            record = record.chunk()
        bad += import_reading.load(session, write, layout, iter([record]), phase, distinct)
    return bad


def convert(layout: Layout, block: Block) -> list[pa.Array] | None:
    """The block's staged columns (`Layout.staged`, without the lines) when every cell
    converts as it is or by its distinct value; else None."""
    values: list[pa.Array] = []
    for column, index in zip(layout.columns, layout.indexes, strict=True):
        value = _converted(column, block.table.column(index).combine_chunks())
        if value is None:
            return None
        values.append(value)
    values += [_changed(values[i], pc.utf8_lower, fold_many) for i in layout.folds]
    if layout.upper is not None:
        values.append(_changed(values[layout.upper], pc.utf8_upper, upper_many))
    return values


def _converted(column: FileColumn, cells: pa.Array) -> pa.Array | None:
    if column.kind in ("text", "code"):
        return cells if _kept(column, cells) else None
    if column.kind in ("enum", "bool", "date"):
        return _by_distinct(column, cells)
    return None


def _kept(column: FileColumn, cells: pa.Array) -> bool:
    """Whether a text or code column's cells stand as they are (`_values._texts`)."""
    if len(cells) == 0:
        return True
    ascii_only = pc.all(pc.string_is_ascii(cells)).as_py()
    if column.kind == "code" and not (
        ascii_only
        and _all(pc.match_substring_regex(cells, NORMAL_ASCII_CODE))
        and _all(pc.equal(pc.utf8_upper(cells), cells))
    ):
        return False
    if column.length is not None and pc.max(pc.utf8_length(cells)).as_py() > column.length:
        return False
    if column.required and not _all(pc.not_equal(cells, "")):
        return False
    # a NUL (a code of printable ASCII holds none)
    if column.kind == "text" and pc.any(pc.match_substring(cells, NUL)).as_py():
        return False
    if column.email is not None:  # plain addresses told by Arrow, others by the rule
        if ascii_only and _all(pc.match_substring_regex(cells, PLAIN_ASCII_ADDRESS)):
            return True
        return not column.email.any_broken(cells.to_pylist())
    return True


def _by_distinct(column: FileColumn, cells: pa.Array) -> pa.Array | None:
    """The column's distinct cells converted once, by the Python path's own converter of a
    column (a date as ISO text, which COPY reads; blank as NULL); None when one is bad."""
    distinct = pc.unique(cells)
    try:
        converted = column_converter(column, iso_dates=True)(distinct.to_pylist())
    except BadChunk:
        return None
    kind = pa.bool_() if column.kind == "bool" else pa.string()
    return pc.take(pa.array(converted, kind), pc.index_in(cells, value_set=distinct))


def _changed(
    cells: pa.Array,
    arrow_case: Callable[[pa.Array], pa.Array],
    python_case: Callable[[Sequence[str | None]], list[str]],
) -> pa.Array:
    """A column's lower or upper case: Arrow's when it is ASCII, Python's otherwise (the
    two differ beyond ASCII: `ß` folds to `ss`)."""
    if pc.all(pc.string_is_ascii(cells)).as_py():
        return arrow_case(cells)
    return pa.array(python_case(cells.to_pylist()), pa.string())


def _all(flags: pa.Array) -> bool:
    return bool(pc.all(flags).as_py() is not False)


def rows(
    staged: Sequence[str], names: Sequence[str], ids: pa.Array, values: Sequence[pa.Array],
    found: Found,
) -> pa.Table:  # fmt: skip
    """The contacts rows of a block, in `names` order (`_direct.columns`), as `_direct._rows`
    gives them: ids, a company's own no. as its company no., the search name, and each
    row's company id, name and folded name (`found` looks up the companies already
    written)."""
    given = dict(zip(staged, values, strict=True))
    count = len(ids)
    blank = pa.array([""] * count, pa.string())
    kinds = given.get("type", pa.array(["company"] * count, pa.string()))
    nos = given["no"]
    written = given.get("company_no", blank)
    company = pc.equal(kinds, "company")
    company_nos = pc.if_else(pc.and_(company, pc.equal(written, "")), nos, written)
    out: dict[str, pa.Array] = {"id": ids, **given, "type": kinds, "company_no": company_nos}
    if NAME_UPPER in given:
        upper = given[NAME_UPPER]
        search = given.get("search_name")
        chosen = upper if search is None else pc.if_else(pc.equal(search, ""), upper, search)
        out["search_name"] = chosen
    name = given.get("name", blank)
    folded = given.get("name_folded", blank)
    out |= _links(found, ids, company, nos, company_nos, (name, folded))
    return pa.table([out[name] for name in names], names=list(names))


def _links(
    found: Found, ids: pa.Array, company: pa.Array, nos: pa.Array, company_nos: pa.Array,
    names: tuple[pa.Array, pa.Array],
) -> dict[str, pa.Array]:  # fmt: skip
    """`_direct._links` by columns: each row points at the row its link is taken from (a
    company its own, a person a company earlier in the block, or one found among those
    written), or at none (a company later in the file: `_direct.link_later`)."""
    count = len(ids)
    index = pa.array(range(count), pa.int64())
    here_nos, here_rows = pc.filter(nos, company), pc.filter(index, company)
    where = pc.take(here_rows, pc.index_in(company_nos, value_set=here_nos))
    person = pc.invert(company)
    wanted_rows = pc.and_(pc.and_(person, pc.not_equal(company_nos, "")), pc.is_null(where))
    wanted = set(pc.filter(company_nos, wanted_rows).to_pylist())
    links = found(wanted) if wanted else {}
    earlier = pc.if_else(pc.less(where, index), where, pa.scalar(None, pa.int64()))
    at = pc.if_else(company, index, earlier)
    if links:
        found_nos = pa.array(list(links), pa.string())
        slot = pc.add(pc.index_in(company_nos, value_set=found_nos).cast(pa.int64()), count)
        at = pc.coalesce(at, pc.if_else(wanted_rows, slot, pa.scalar(None, pa.int64())))
    linked = list(links.values())
    name, folded = names
    pick = [
        pa.concat_arrays([ids, pa.array([link[0] for link in linked], pa.int64())]),
        pa.concat_arrays([name, pa.array([link[1] for link in linked], pa.string())]),
        pa.concat_arrays([folded, pa.array([link[2] for link in linked], pa.string())]),
    ]
    company_id, company_name, company_folded = (pc.take(column, at) for column in pick)
    return {
        "company_id": company_id,
        "company_name": pc.fill_null(company_name, ""),
        "company_name_folded": pc.fill_null(company_folded, ""),
    }


def csv_bytes(table: pa.Table) -> bytes:
    """The rows as CSV for `COPY … (FORMAT csv)`: every text quoted (an empty one is
    empty text), a NULL left empty."""
    out = io.BytesIO()
    arrow_csv.write_csv(table, out, arrow_csv.WriteOptions(include_header=False))
    return out.getvalue()


def whole_numbers(numbers: range) -> pa.Array:
    return pa.array(numbers, pa.int64())
