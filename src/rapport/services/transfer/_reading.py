"""The reading half of an import: a file's chunks into converted columns (K4).

Which file columns are staged and how each converts (`Layout`, from the header); then each
chunk of records converted column by column at C speed where it can, or row by row when a
chunk holds a bad cell (every bad cell of such a row reported with its line and column,
the row left out), with the casefolded copies and a contact's upper-cased name beside the
columns; and the chunks streamed through a writer (`_stage`, `_direct`) without the cyclic
garbage collector walking them.
"""

from __future__ import annotations

import gc
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy.orm import Session

from rapport.errors import N_, text_of
from rapport.services.transfer._bad_rows import BadFile, BadRow
from rapport.services.transfer._phases import Phases
from rapport.services.transfer._stage import Write
from rapport.services.transfer._values import BadChunk, ConvertMany
from rapport.services.transfer._writes import NAME_UPPER
from rapport.services.transfer.files import Chunk
from rapport.services.transfer.tables import FileColumn, TableSpec
from rapport.storage.db import is_postgresql
from rapport.storage.schema import FOLDS, fold_many, upper_many


@dataclass
class Layout:
    """Which file columns are staged, in file order, and how each cell converts."""

    columns: list[FileColumn]
    indexes: list[int]
    width: int
    folds: list[int] = field(default_factory=list)  # staged columns with a casefolded copy
    copies: dict[str, str] = field(default_factory=dict)  # a column → its copy (FOLDS)
    upper: int | None = None  # a contact's name, whose upper-cased text is its search name

    @property
    def staged(self) -> list[str]:
        """The staging columns filled from the file: its columns, the copies, and the name
        upper-cased."""
        copies = [self.copies[self.columns[i].name] for i in self.folds]
        upper = [] if self.upper is None else [NAME_UPPER]
        return [c.name for c in self.columns] + copies + upper


def layout_of(spec: TableSpec, header: list[str], name: str) -> Layout:
    problems: list[BadRow] = []
    seen: set[str] = set()
    layout = Layout([], [], len(header))
    for index, raw in enumerate(header):
        title = raw.strip().lower()
        column = spec.column(title)
        if column is None:
            problems.append(
                BadRow(
                    1,
                    raw,
                    N_(
                        "unknown column for {table}; expected {columns}",
                        table=spec.name,
                        columns=", ".join(c.name for c in spec.columns),
                    ),
                )
            )
        elif title in seen:
            problems.append(BadRow(1, title, N_("the column appears twice")))
        elif not column.derived:
            layout.columns.append(column)
            layout.indexes.append(index)
        seen.add(title)
    problems += [
        BadRow(1, c.name, N_("required column is missing"))
        for c in spec.columns
        if c.required and c.name not in seen
    ]
    if problems:
        raise BadFile(name, problems)
    layout.copies = FOLDS.get(spec.name, {})
    layout.folds = [i for i, column in enumerate(layout.columns) if column.name in layout.copies]
    if spec.name == "contacts":
        names = [i for i, column in enumerate(layout.columns) if column.name == "name"]
        layout.upper = names[0] if names else None
    return layout


@dataclass
class Converters:
    """How a chunk's columns become staging values: `fast` column by column (then `after`),
    or, for a chunk holding a bad cell, row by row (then `after_rows`)."""

    fast: list[ConvertMany]
    after: list[ConvertMany | None]
    after_rows: list[ConvertMany | None]


def load(
    session: Session,
    write: Write,
    layout: Layout,
    chunks: Iterator[Chunk],
    phase: Phases,
    distinct: Distinct | None = None,
) -> list[BadRow]:
    """Stream the chunks through `write`, counting the records read in `phase` and
    gathering the `distinct` values of some columns; the rows with bad cells."""
    converters = _converters(session, layout.columns)
    bad: list[BadRow] = []
    with _no_gc():
        for lines, chunk in chunks:
            count = len(chunk)
            if set(map(len, chunk)) != {layout.width}:
                lines, chunk = _right_width(lines, chunk, layout.width, bad)
            converted = _convert(layout, converters, lines, chunk, bad)
            if distinct is not None and converted and converted[0]:
                distinct.add(layout.staged, converted[1:])
            write(converted)
            # gone before the next chunk is read: kept alive beside it, the reading of a
            # million rows took 3 s more (fresh memory for every chunk)
            del converted
            phase.rows_read(count)
    return bad


@dataclass
class Distinct:
    """The distinct values read in some staged columns (a set built in C a chunk), or None
    for a column once it holds more than `LIMIT` of them, so memory stays flat."""

    values: dict[str, set[Any] | None]

    LIMIT = 10_000

    def add(self, staged: list[str], columns: Sequence[Sequence[Any]]) -> None:
        for name, values in zip(staged, columns, strict=True):
            self.update(name, values)

    def update(self, name: str, values: Iterable[Any]) -> None:
        """Add values read in the staged column `name` (none kept for another column)."""
        if name in self.values and (seen := self.values[name]) is not None:
            seen.update(values)
            self.values[name] = seen if len(seen) <= self.LIMIT else None


@contextmanager
def _no_gc() -> Iterator[None]:
    """Millions of short-lived rows hold no cycles; the cyclic collector would only walk
    them over and over (a third of the load time at a million rows)."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def _right_width(
    lines: list[int], chunk: list[list[str]], width: int, bad: list[BadRow]
) -> tuple[list[int], list[list[str]]]:
    kept_lines, kept = [], []
    for line, cells in zip(lines, chunk, strict=True):
        if len(cells) == width:
            kept_lines.append(line)
            kept.append(cells)
        else:
            bad.append(
                BadRow(
                    line,
                    "",
                    N_(
                        "{count} fields where the header has {width}",
                        count=len(cells),
                        width=width,
                    ),
                )
            )
    return kept_lines, kept


def _convert(
    layout: Layout,
    converters: Converters,
    lines: list[int],
    chunk: list[list[str]],
    bad: list[BadRow],
) -> list[Sequence[Any]]:
    """A chunk of records → staging columns (the lines first), converted column by column;
    a chunk holding a bad cell is converted row by row instead, its bad rows added to `bad`
    and left out."""
    if not chunk:
        return []
    cells = list(zip(*chunk, strict=True))
    try:
        values = [
            convert(cells[index])
            for convert, index in zip(converters.fast, layout.indexes, strict=True)
        ]
        after = converters.after
    except BadChunk:
        lines, values = _convert_rows(layout, lines, chunk, bad)
        after = converters.after_rows
    values = [
        v if process is None else process(v) for v, process in zip(values, after, strict=True)
    ]
    values += [fold_many(values[i]) for i in layout.folds]
    if layout.upper is not None:  # BC's Search Name: the name upper-cased, alike on both engines
        values.append(upper_many(values[layout.upper]))
    return [lines, *values]


def _convert_rows(
    layout: Layout, lines: list[int], chunk: list[list[str]], bad: list[BadRow]
) -> tuple[list[int], list[Sequence[Any]]]:
    """The slow path: each row on its own; the good rows as columns and their lines."""
    converters = [column.converter() for column in layout.columns]
    good_lines, good_rows = [], []
    for line, cells in zip(lines, chunk, strict=True):
        picked = [cells[index] for index in layout.indexes]
        try:
            good_rows.append([convert(v) for convert, v in zip(converters, picked, strict=True)])
            good_lines.append(line)
        except ValueError:
            bad.extend(_cell_errors(line, layout.columns, picked))
    columns: list[Sequence[Any]] = list(zip(*good_rows, strict=True))
    return good_lines, columns or [() for _ in converters]


def _cell_errors(line: int, columns: list[FileColumn], values: list[str]) -> list[BadRow]:
    """Every bad cell of a row, with its reason."""
    errors = []
    for column, value in zip(columns, values, strict=True):
        try:
            column.converter()(value)
        except ValueError as exc:
            errors.append(BadRow(line, column.name, text_of(exc)))
    return errors


def _converters(session: Session, columns: list[FileColumn]) -> Converters:
    """On SQLite, values go into the form SQLAlchemy stores them in (a date as ISO text, a
    decimal as a float); PostgreSQL's COPY adapts Python values itself."""
    if is_postgresql(session):
        nothing: list[ConvertMany | None] = [None] * len(columns)
        return Converters([c.column_converter() for c in columns], nothing, nothing)
    dialect = session.get_bind().dialect
    after: list[ConvertMany | None] = []
    for column in columns:
        kind = column.kind if column.kind in ("decimal", "time") else None
        process = column.sql_type().dialect_impl(dialect).bind_processor(dialect) if kind else None
        after.append(None if process is None else _mapping(process))
    return Converters(
        [c.column_converter(iso_dates=True) for c in columns],
        after,
        [
            _iso_dates if c.kind == "date" else process
            for c, process in zip(columns, after, strict=True)
        ],
    )


def _iso_dates(values: Sequence[Any]) -> Sequence[Any]:
    return [None if v is None else v.isoformat() for v in values]


def _mapping(process: Callable[[Any], Any]) -> ConvertMany:
    return lambda values: [process(v) for v in values]
